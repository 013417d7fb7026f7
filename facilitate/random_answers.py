"""Simulated participants: random but valid answers to any declarative form.

Used by ``facilitate demo --simulate``, ``facilitate rehearse``, the plugin test harness
and the tests, so that every path a real phone takes can be exercised without one.
Answers are made as raw form data (what a browser would POST), so they go through the
same parsing and validation as a person's.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from facilitate.forms import (
    ChoiceField,
    Field,
    Form,
    GridField,
    MultiField,
    PointsField,
    RankField,
    ScaleField,
    TextField,
)

PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "trust",
        "rest",
        "my network",
        "a safe place to meet",
        "support from colleagues",
        "encrypted messages",
        "time for my family",
        "being heard",
        "a plan for emergencies",
        "solidarity",
        "checking my phone for spyware",
        "strong passwords",
    ),
    "es": ("confianza", "descanso", "mi red", "solidaridad", "un plan de emergencia"),
    "fr": ("confiance", "repos", "mon réseau", "solidarité", "un plan d'urgence"),
    "ar": ("الثقة", "الراحة", "شبكتي", "التضامن"),
    "id": ("kepercayaan", "istirahat", "jaringan saya", "solidaritas"),
}


def _phrase(rng: random.Random, language: str, max_length: int) -> str:
    bank = PHRASES.get(language, PHRASES["en"])
    return rng.choice(bank)[:max_length]


def _skewed_index(rng: random.Random, count: int) -> int:
    """An option index, favouring the first options a little, as real rooms do."""
    weights = [count - i + 1 for i in range(count)]
    return rng.choices(range(count), weights=weights)[0]


def field_answer(field: Field, rng: random.Random, language: str = "en") -> dict[str, list[str]]:
    """Raw form data for one field, as a browser would send it."""
    if isinstance(field, ChoiceField):
        return {field.name: [str(_skewed_index(rng, len(field.options)))]}
    if isinstance(field, MultiField):
        if not field.options:
            return {}
        low = max(field.min, 1)
        high = field.max if field.max is not None else len(field.options)
        picks = rng.sample(range(len(field.options)), rng.randint(low, max(low, high)))
        return {field.name: [str(p) for p in picks]}
    if isinstance(field, ScaleField):
        return {field.name: [str(rng.randint(field.min, field.max))]}
    if isinstance(field, TextField):
        return {field.name: [_phrase(rng, language, field.max_length)]}
    if isinstance(field, RankField):
        places = list(range(1, len(field.options) + 1))
        rng.shuffle(places)
        return {key: [str(place)] for key, place in zip(field.keys(), places, strict=True)}
    if isinstance(field, GridField):
        return {key: [str(rng.randint(field.min, field.max))] for key in field.keys()}  # noqa: SIM118
    if isinstance(field, PointsField):
        count = len(field.options)
        cuts = sorted(rng.randint(0, field.total) for _ in range(count - 1))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, field.total], strict=True)]
        return {key: [str(share)] for key, share in zip(field.keys(), shares, strict=True)}
    return {}


def form_answer(form: Form, rng: random.Random, language: str = "en") -> dict[str, list[str]]:
    """Raw form data answering every field of a form."""
    raw: dict[str, list[str]] = {}
    for field in form.fields:
        raw.update(field_answer(field, rng, language))
    return raw


def as_pairs(raw: dict[str, list[str]]) -> Sequence[tuple[str, str]]:
    """Raw form data as (key, value) pairs, for an HTTP client's form body."""
    return [(key, value) for key, values in raw.items() for value in values]
