"""Every core and first-party type speaks the room's language: no English word of their
catalogs reaches a Spanish or Arabic room, plurals follow CLDR, and figures are local.

An agenda in each language, with every type, runs through the real engine with simulated
phones; everything the types give (forms, views, reports, prompts, titles, exports) is
searched for the English words of the types' own messages.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from babel.messages.pofile import read_po
from facilitate_duediligence import DueDiligence
from facilitate_evaluation import Evaluation
from facilitate_riskmap import RiskMap
from facilitate_strategies import Strategies

from facilitate.activities.words import CATALOG as CORE_TYPES_CATALOG
from facilitate.agenda import loads_agenda
from facilitate.api import AnswerError, Bars, MessageCatalog, Note, Scatter, StaticContext
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.forms import Form
from facilitate.i18n import translator
from facilitate.plugins import default_plugins
from facilitate.random_answers import form_answer

CATALOGS: dict[str, MessageCatalog] = {
    "core": CORE_TYPES_CATALOG,
    "riskmap": RiskMap.catalog,
    "strategies": Strategies.catalog,
    "duediligence": DueDiligence.catalog,
    "evaluation": Evaluation.catalog,
}
"""Each first-party plugin's catalog (the core types are the plugin "core")."""
FIRST_PARTY = {
    "choice", "multi", "scale", "text", "wordcloud", "ranking", "quiz",
    "riskmap", "strategies", "strategies-vote", "duediligence", "evaluation",
}  # fmt: skip
PHONES = 6


def template(catalog: MessageCatalog) -> Any:
    path = Path(catalog.directory) / f"{catalog.domain}.pot"
    with path.open("rb") as handle:
        return read_po(handle)


def translated(catalog: MessageCatalog, language: str) -> Any:
    with catalog.path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def words(text: str) -> set[str]:
    """The words of a text, lowercased, without its ``{placeholders}``."""
    return {w.casefold() for w in re.findall(r"[^\W\d_]+", re.sub(r"\{\w+\}", " ", text))}


def english_words(language: str) -> set[str]:
    """Words of our English messages that the language's translations do not use too."""
    english: set[str] = set()
    shared: set[str] = set()
    for catalog in CATALOGS.values():
        for message in template(catalog):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            for text in ids:
                english |= words(text)
        for message in translated(catalog, language):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                shared |= words(text or "")
    return english - shared


MACHINE_KEYS = {"name", "field"}
"""Attributes that name a form field for the machine (``"choice"``), not for people."""


def strings_in(value: Any) -> Iterator[str]:
    """Every string for people inside a view block, a form or an export cell, however deep."""
    if isinstance(value, str):
        yield value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if field.name not in MACHINE_KEYS:
                yield from strings_in(getattr(value, field.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)


# -- an agenda with every type, in Spanish and in Arabic --------------------------------

SPANISH = """
title = "Taller de seguridad integral"
language = "es"
k = 3

[[items]]
title = "Tema"
duration = "5m"
[items.activity]
type = "choice"
question = "¿Con qué tema empezamos?"
options = ["Seguridad digital", "Bienestar", "Redes de protección"]

[[items]]
title = "Prácticas"
duration = "5m"
[items.activity]
type = "multi"
question = "¿Cuáles de estas haces ya?"
options = ["Bloquear el teléfono", "Copias de seguridad", "Avisar al volver"]
min = 0

[[items]]
title = "Llegada"
duration = "5m"
[items.activity]
type = "scale"
question = "¿Cómo llegas hoy?"
labels = ["Agotada", "Con energía"]

[[items]]
title = "Apoyos"
duration = "5m"
[items.activity]
type = "text"
question = "¿Qué te ayuda a sentirte segura?"

[[items]]
title = "Palabras"
duration = "5m"
[items.activity]
type = "wordcloud"
question = "Tres palabras sobre la seguridad"
top = 2

[[items]]
title = "Prioridades"
duration = "5m"
[items.activity]
type = "ranking"
question = "¿En qué trabajamos primero?"
options = ["Plan de seguridad", "Comunicación segura", "Descanso"]

[[items]]
title = "Pregunta"
duration = "5m"
[items.activity]
type = "quiz"
question = "¿Cuál puede ser señal de programas espía?"
options = ["La batería se agota", "La pantalla rota"]
correct = 1
explanation = "Los programas espía gastan batería."

[[items]]
id = "riesgos"
title = "Riesgos"
duration = "10m"
[items.activity]
type = "riskmap"
threats = ["Campaña de difamación", "Teléfono confiscado", "Allanamiento de la oficina"]
capacities = true

[[items]]
title = "Riesgos nuevos"
duration = "10m"
[items.activity]
type = "riskmap"
from = "riesgos"
proposals = false

[[items]]
id = "estrategias"
title = "Estrategias"
duration = "10m"
[items.activity]
type = "strategies"

[[items]]
title = "Marcar estrategias"
duration = "10m"
[items.activity]
type = "strategies-vote"
from = "estrategias"

[[items]]
title = "Las cinco P"
duration = "10m"
[items.activity]
type = "duediligence"

[[items]]
title = "Evaluación"
duration = "10m"
[items.activity]
type = "evaluation"
on_projector = true
questions = [
    { kind = "likert", text = "El taller cumplió mis expectativas." },
    { kind = "rating", text = "¿Qué tan útil fue el mapa?", min = 0, max = 10 },
    { kind = "choice", text = "¿Qué sesión ayudó más?", options = ["Riesgos", "Estrategias"] },
    { kind = "text", text = "¿Qué cambiarías?" },
]
"""

ARABIC_NAMES = {
    "Taller de seguridad integral": "ورشة الأمن المتكامل",
    "¿Con qué tema empezamos?": "بأي موضوع نبدأ؟",
    '"Seguridad digital", "Bienestar", "Redes de protección"': (
        '"الأمن الرقمي", "الرفاه", "شبكات الحماية"'
    ),
    "¿Cuáles de estas haces ya?": "أيّ هذه تفعلينها؟",
    '"Bloquear el teléfono", "Copias de seguridad", "Avisar al volver"': (
        '"قفل الهاتف", "نسخ احتياطية", "الإبلاغ عند العودة"'
    ),
    "¿Cómo llegas hoy?": "كيف تصلين اليوم؟",
    '"Agotada", "Con energía"': '"منهكة", "مليئة بالطاقة"',
    "¿Qué te ayuda a sentirte segura?": "ما الذي يساعدك على الشعور بالأمان؟",
    "Tres palabras sobre la seguridad": "ثلاث كلمات عن الأمان",
    "¿En qué trabajamos primero?": "على ماذا نعمل أولًا؟",
    '"Plan de seguridad", "Comunicación segura", "Descanso"': '"خطة أمنية", "تواصل آمن", "راحة"',
    "¿Cuál puede ser señal de programas espía?": "ما الذي قد يدل على برامج التجسس؟",
    '"La batería se agota", "La pantalla rota"': '"نفاد البطارية بسرعة", "شاشة مكسورة"',
    "Los programas espía gastan batería.": "برامج التجسس تستهلك البطارية.",
    '"Campaña de difamación", "Teléfono confiscado", "Allanamiento de la oficina"': (
        '"حملة تشهير", "مصادرة الهاتف", "اقتحام المكتب"'
    ),
    "El taller cumplió mis expectativas.": "لبّت الورشة توقعاتي.",
    "¿Qué tan útil fue el mapa?": "ما مدى فائدة الخريطة؟",
    "¿Qué sesión ayudó más?": "أي جلسة أفادت أكثر؟",
    '"Riesgos", "Estrategias"': '"المخاطر", "الاستراتيجيات"',
    "¿Qué cambiarías?": "ماذا تغيّرين؟",
    'language = "es"': 'language = "ar"',
}


def arabic_agenda() -> str:
    text = SPANISH
    for spanish, arabic in ARABIC_NAMES.items():
        assert spanish in text, spanish
        text = text.replace(spanish, arabic)
    return text


AGENDAS = {"es": SPANISH, "ar": arabic_agenda()}


async def run_revealed(language: str) -> Engine:
    """Every item answered by simulated phones, its texts approved, revealed and closed."""
    engine = Engine.new(loads_agenda(AGENDAS[language]), clock=ManualClock())
    rng = random.Random(4)
    tokens = [engine.join() for _ in range(PHONES)]
    for index, item in enumerate(engine.agenda.items):
        engine.goto(index)
        engine.open_answering()
        for token in tokens:
            form = engine.form(item.id)
            await engine.submit(token, item.id, form_answer(form, rng, language))
        for pending in engine.pending(item.id):
            engine.approve(item.id, pending.id)
        engine.reveal()
        engine.close_answering()
    return engine


def everything_said(engine: Engine, item_id: str) -> list[str]:
    item = engine.agenda.item(item_id)
    form: Form = engine.form(item_id)
    said = [engine.prompt(item), engine.type_title(item)]
    for part in (form, engine.view(item_id), engine.report(item_id), engine.export(item_id)):
        said += list(strings_in(part))
    return said


@pytest.mark.parametrize("language", ["es", "ar"])
async def test_no_english_word_of_the_types_reaches_the_room(language: str) -> None:
    engine = await run_revealed(language)
    kinds = {item.kind for item in engine.agenda.items}
    assert kinds == FIRST_PARTY
    english = english_words(language)
    for item in engine.agenda.items:
        said = everything_said(engine, item.id)
        assert said, item.id
        leaked = {w for text in said for w in words(text)} & english
        assert not leaked, f"{language} {item.kind} {item.id}: English {sorted(leaked)} in {said}"
    engine.close()


async def test_the_spanish_room_reads_spanish_notes_and_figures() -> None:
    engine = await run_revealed("es")
    scale = next(i for i in engine.agenda.items if i.kind == "scale")
    summary = engine.view(scale.id)[-1]
    assert isinstance(summary, Note)
    assert re.fullmatch(r"Media [\d,]+, mediana [\d,]+ \(6 respuestas\)", summary.text)
    risk = next(i for i in engine.agenda.items if i.kind == "riskmap")
    assert any(isinstance(b, Scatter) for b in engine.view(risk.id))
    assert engine.type_title(risk) == "Mapa de riesgos (probabilidad x impacto)"
    engine.close()


# -- plural forms ---------------------------------------------------------------------

COUNTS = (0, 1, 2, 3, 11, 100)


def plural_messages() -> Iterator[tuple[str, MessageCatalog, Any]]:
    for name, catalog in CATALOGS.items():
        for message in template(catalog):
            if isinstance(message.id, tuple):
                yield name, catalog, message


PLURALS = list(plural_messages())


@pytest.mark.parametrize(
    ("catalog", "message"),
    [(c, m) for _, c, m in PLURALS],
    ids=[f"{name}:{m.id[0][:40]}" for name, _, m in PLURALS],
)
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_plural_message_has_a_form_for_0_1_2_3_11_and_100(
    language: str, catalog: MessageCatalog, message: Any
) -> None:
    t = translator(language, catalog)
    singular, plural = message.id
    names = set(re.findall(r"\{(\w+)\}", singular + plural)) - {"count"}
    values = {name: f"<{name}>" for name in names}
    for n in COUNTS:
        text = t.npgettext(message.context, singular, plural, n, **values)
        english = (singular if n == 1 else plural).format(count=n, **values)
        assert text != english and "{" not in text, (language, n, text)
    if language == "ar":
        assert len(catalog_forms(catalog, message, language)) == 6
    else:  # French counts 0 as one
        assert t.npgettext(message.context, singular, plural, 0, **values).replace("0", "#") == (
            t.npgettext(message.context, singular, plural, 1, **values).replace("1", "#")
        )


def catalog_forms(catalog: MessageCatalog, message: Any, language: str) -> tuple[str, ...]:
    found = translated(catalog, language).get(message.id, message.context)
    return tuple(s for s in found.string if s)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", ["لا إجابات", "إجابة واحدة", "إجابتان", "3 إجابات", "11 إجابة", "100 إجابة"]),
        ("fr", ["0 réponse", "1 réponse", "2 réponses", "3 réponses", "11 réponses",
                "100 réponses"]),
        ("es", ["0 respuestas", "1 respuesta", "2 respuestas", "3 respuestas", "11 respuestas",
                "100 respuestas"]),
    ],
)  # fmt: skip
def test_a_choice_says_how_many_answered_in_the_rooms_plural(
    language: str, expected: list[str]
) -> None:
    choice = default_plugins().activity_type("choice")
    config = choice.configure({"question": "?", "options": ["A", "B"]})
    context = StaticContext(language=language, catalog=choice.catalog)
    notes = []
    for n in COUNTS:
        result = choice.tally(config, [{"choice": 0}] * n, context)
        view = choice.view(config, result, context)
        notes.append(next(b for b in view if isinstance(b, Note)).text)
    assert notes == expected


def test_an_arabic_evaluation_counts_evaluations_in_six_forms() -> None:
    evaluation = Evaluation()
    config = evaluation.configure({"questions": [{"kind": "text", "text": "؟"}]})
    context = StaticContext(language="ar", k=1, catalog=evaluation.catalog)
    notes = []
    for n in COUNTS:
        result = evaluation.tally(config, [{"q1": "نعم"}] * n, context)
        notes.append(evaluation.view(config, result, context)[-1].text)
    assert notes == ["لا تقييمات", "تقييم واحد", "تقييمان", "3 تقييمات", "11 تقييمًا", "100 تقييم"]


# -- figures and errors ---------------------------------------------------------------


def test_shares_and_means_are_written_as_the_room_writes_numbers() -> None:
    quiz = default_plugins().activity_type("quiz")
    config = quiz.configure({"question": "?", "options": ["A", "B", "C"], "correct": 1})
    context = StaticContext(language="fr", catalog=quiz.catalog)
    result = quiz.tally(config, [{"choice": 0}, {"choice": 0}, {"choice": 1}], context)
    view = quiz.view(config, result, context)
    assert Note("Bonnes réponses : 2 sur 3 (67\u00a0%)") in view
    assert isinstance(view[0], Bars) and view[0].of_answers
    scale = default_plugins().activity_type("scale")
    config = scale.configure({"question": "?"})
    context = StaticContext(language="es", catalog=scale.catalog)
    result = scale.tally(config, [{"value": 3}, {"value": 4}], context)
    assert scale.view(config, result, context)[-1] == Note("Media 3,5, mediana 3,5 (2 respuestas)")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "Escribe una palabra que tenga sentido por sí sola."),
        ("ar", "اكتبي كلمة لها معنى بحد ذاتها."),
    ],
)
def test_a_refused_answer_is_explained_in_the_rooms_language(language, expected) -> None:
    cloud = default_plugins().activity_type("wordcloud")
    config = cloud.configure({"question": "?"})
    context = StaticContext(language=language, catalog=cloud.catalog)
    with pytest.raises(AnswerError) as caught:
        cloud.accept(config, {"word1": None, "word2": None, "word3": None}, context)
    assert caught.value.message == expected


def test_every_first_party_type_has_its_own_catalog_with_its_title() -> None:
    plugins = default_plugins()
    for kind in FIRST_PARTY:
        activity_type = plugins.activity_type(kind)
        assert activity_type.catalog in CATALOGS.values(), kind
        titles = {m.id for m in template(activity_type.catalog)}
        assert activity_type.title in titles, kind
        spanish = translator("es", activity_type.catalog).gettext(activity_type.title)
        assert spanish != activity_type.title, kind
