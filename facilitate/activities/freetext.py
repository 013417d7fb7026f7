"""Open text: a sentence or two from each participant, moderated before the room sees it.

Free text is where a participant may name a person, a place or an organisation, so it
is moderated by default: the engine hands the tally only texts the facilitator has
approved (others arrive as ``None``), and the projector shows them in an order that
does not reveal who wrote first.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    Form,
    ItemContext,
    Note,
    Table,
    Tally,
    TextField,
    Texts,
    View,
    attrs_repr,
    setting,
    unordered,
)

from .words import CATALOG, answers_note

LONGEST_TEXT = 2000


def check_max_length(value: int) -> str | None:
    if not 1 <= value <= LONGEST_TEXT:
        return f"expected a number of characters from 1 to {LONGEST_TEXT}, got {value}"
    return None


@frozen
class TextResult:
    """How many answers, and the approved texts with how many gave each, by text.

    ``answers`` counts every answer, approved or not; ``shown`` only those whose text
    the room may see.
    """

    __repr__ = attrs_repr

    answers: int
    texts: tuple[tuple[str, int], ...]

    @property
    def shown(self) -> int:
        return sum(count for _, count in self.texts)


def shown_note(result: TextResult, context: ItemContext) -> Note:
    """How many answers, and how many of them the room may see if not all."""
    if result.shown == result.answers:
        return answers_note(context, result.answers)
    return Note(
        context.ngettext(
            "{shown} of {count} answer shown",
            "{shown} of {count} answers shown",
            result.answers,
            shown=result.shown,
        )
    )


@frozen
class TextConfig:
    __repr__ = attrs_repr

    question: str = setting(help="the question, a string")
    max_length: int = setting(
        280,
        help=f"the longest answer in characters, 1 to {LONGEST_TEXT} (default 280)",
        check=check_max_length,
    )
    moderate: bool = setting(
        True,
        help="true (the default) to approve each text before the room may see it, or false",
    )


class TextTally(Tally[TextResult]):
    def __init__(self) -> None:
        self.answers = 0
        self.texts: Counter[str] = Counter()

    def add(self, value: dict[str, Any]) -> None:
        self.answers += 1
        if value["text"] is not None:
            self.texts[value["text"]] += 1

    def remove(self, value: dict[str, Any]) -> None:
        self.answers -= 1
        if value["text"] is not None:
            self.texts[value["text"]] -= 1

    def result(self) -> TextResult:
        return TextResult(
            self.answers, tuple(sorted((text, n) for text, n in self.texts.items() if n))
        )


class FreeText(ActivityType[TextConfig, TextResult]):
    """Write a short answer in your own words; moderated unless ``moderate = false``."""

    kind = "text"
    example: ClassVar[dict[str, Any] | None] = {
        "question": "What helps you feel safe in your work?",
        "max_length": 200,
    }
    title = N_("Open text")
    catalog = CATALOG
    Config = TextConfig

    def form(self, config: TextConfig, context: ItemContext) -> Form:
        field = TextField(
            name="text",
            label=config.question,
            max_length=config.max_length,
            moderated=config.moderate,
        )
        return Form([field])

    def new_tally(self, config: TextConfig, context: ItemContext) -> TextTally:
        return TextTally()

    def view(self, config: TextConfig, result: TextResult, context: ItemContext) -> View:
        # Identical texts are shown once, with how many gave them; the order comes from
        # a keyed hash, never from arrival.
        texts = [
            text if count == 1 else context.gettext("{text} (×{count})", text=text, count=count)
            for text, count in result.texts
        ]
        return (Texts(unordered(texts, salt=config.question)), shown_note(result, context))

    def report(self, config: TextConfig, result: TextResult, context: ItemContext) -> View:
        by_count = sorted(result.texts, key=lambda tc: (-tc[1], tc[0]))
        table = Table(
            (context.pgettext("table header", "Text"), context.pgettext("table header", "Answers")),
            [(text, context.number(count)) for text, count in by_count],
        )
        return (table, shown_note(result, context))
