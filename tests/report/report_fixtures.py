"""For the report tests: a test activity type that shows every view block kind, an agenda
using it with the core choice types, and a seeded rehearsal of that agenda.

The test type speaks the room's language like a real one: its fixed words are the
agenda's (``names``, ``places``) or facilitate's own, through the context.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from attrs import frozen

from facilitate import activities as core_activities
from facilitate.api import (
    ActivityType,
    Bar,
    Bars,
    ChoiceField,
    Form,
    Heatmap,
    ItemContext,
    Note,
    Radar,
    ScaleField,
    Scatter,
    ScatterPoint,
    Spread,
    SpreadRow,
    Table,
    Tally,
    TextField,
    Texts,
    View,
    Words,
    hookimpl,
    setting,
    unordered,
)
from facilitate.clock import ManualClock
from facilitate.dress_rehearsal import DressRehearsalOutcome, dress_rehearsal
from facilitate.model import Agenda
from facilitate.plugins import Plugins
from facilitate.store import Store

PLACES = ("Home", "Office", "Street")
MOODS = (1, 2, 3, 4, 5)
NAMES = (
    "Where",
    "Feeling",
    "Place by feeling",
    "Words",
    "Ideas",
    "Counts",
    "Radar",
    "Place",
    "Low",
    "High",
    "Where and how",
)
"""The test type's own words, in English unless the agenda gives its own ``names``."""


@frozen
class EveryBlockConfig:
    question: str = setting(help="the question, a string")
    places: tuple[str, ...] = setting(PLACES, help="three places")
    names: tuple[str, ...] = setting(NAMES, help=f"{len(NAMES)} words for the blocks")


@frozen
class EveryBlockResult:
    answers: int
    places: tuple[int, ...]
    moods: tuple[int, ...]
    grid: tuple[tuple[int, ...], ...]
    texts: tuple[tuple[str, int], ...]


class EveryBlockTally(Tally[EveryBlockResult]):
    def __init__(self) -> None:
        self.answers = 0
        self.pairs: Counter[tuple[int, int]] = Counter()
        self.texts: Counter[str] = Counter()

    def _change(self, value: dict[str, Any], step: int) -> None:
        self.answers += step
        self.pairs[(value["place"], value["mood"])] += step
        if value.get("idea"):
            self.texts[value["idea"]] += step

    def add(self, value: dict[str, Any]) -> None:
        self._change(value, 1)

    def remove(self, value: dict[str, Any]) -> None:
        self._change(value, -1)

    def result(self) -> EveryBlockResult:
        grid = tuple(tuple(self.pairs[(p, m)] for m in MOODS) for p in range(len(PLACES)))
        return EveryBlockResult(
            self.answers,
            tuple(sum(row) for row in grid),
            tuple(sum(grid[p][i] for p in range(len(PLACES))) for i in range(len(MOODS))),
            grid,
            tuple(sorted((t, c) for t, c in self.texts.items() if c)),
        )


class EveryBlock(ActivityType[EveryBlockConfig, EveryBlockResult]):
    """A test type whose report uses every block kind of facilitate.views."""

    kind = "every-block"
    title = "Every block"
    Config = EveryBlockConfig

    def form(self, config: EveryBlockConfig, context: ItemContext) -> Form:
        low, high = config.names[8], config.names[9]
        return Form(
            [
                ChoiceField(name="place", label="Where do you work?", options=config.places),
                ScaleField(name="mood", label="How do you feel?", labels=(low, high)),
                TextField(name="idea", label="One idea", required=False),
            ]
        )

    def new_tally(self, config: EveryBlockConfig, context: ItemContext) -> EveryBlockTally:
        return EveryBlockTally()

    def view(
        self, config: EveryBlockConfig, result: EveryBlockResult, context: ItemContext
    ) -> View:
        where, feeling, grid, words_title, ideas, counts, radar, place, low, high, both = (
            config.names
        )
        places = config.places
        words: Counter[str] = Counter()
        for text, count in result.texts:
            for word in text.lower().split():
                words[word] += count
        return (
            Bars(
                [
                    Bar(p, c, marked=i == 1)
                    for i, (p, c) in enumerate(zip(places, result.places, strict=False))
                ],
                title=where,
                of_answers=True,
            ),
            Spread(
                [SpreadRow(feeling, result.moods)], MOODS, (low, "", "", "", high), title=feeling
            ),
            Heatmap(
                places,
                [str(m) for m in MOODS],
                result.grid,
                row_title=place,
                column_title=feeling,
                title=grid,
            ),
            Scatter(
                [
                    ScatterPoint(mood, index + 1, count, places[index])
                    for index, row in enumerate(result.grid)
                    for mood, count in zip(MOODS, row, strict=True)
                    if count
                ],
                x_range=(1, 5),
                y_range=(1, len(places)),
                x_title=feeling,
                y_title=place,
                x_labels=(low, "2", "3", "4", high),
                y_labels=places,
                title=both,
            ),
            Words(sorted(words.items()), title=words_title),
            Texts(unordered([t for t, _ in result.texts], salt="ideas"), title=ideas),
            Table(
                (place, context.gettext("Answers")),
                [(p, context.number(c)) for p, c in zip(places, result.places, strict=False)],
                title=counts,
            ),
            Radar(places, result.places, maximum=max((*result.places, 1)), title=radar),
            Note(context.ngettext("{count} answer", "{count} answers", result.answers)),
        )


class EveryBlockPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(EveryBlock)


AGENDA = """
title = "Report test day"
description = "A small day to test reports."
k = 3
start = "09:30"

[[items]]
id = "welcome"
title = "Welcome"
duration = "10m"

[[items]]
id = "pick-one"
title = "Pick one"
duration = "5m"
[items.activity]
type = "choice"
question = "Which matters most?"
options = ["Rest", "=Network", "Devices, and accounts"]

[[items]]
id = "pick-some"
title = "Pick some"
duration = "5m"
[items.activity]
type = "multi"
question = "Which do you do?"
options = ["Screen lock", "Backups", "Check-ins"]
max = 2

[[items]]
id = "every-block"
title = "Everything at once"
duration = "15m"
[items.activity]
type = "every-block"
question = "Tell us about your work"

[[items]]
id = "small"
title = "A small question"
duration = "3m"
k = 50
[items.activity]
type = "choice"
question = "Yes or no?"
options = ["Yes", "No"]
"""

AGENDAS = {
    "en": AGENDA,
    "es": """
title = "Jornada de prueba"
description = "Un día pequeño para probar informes."
language = "es"
k = 3

[[items]]
id = "bienvenida"
title = "Bienvenida"
duration = "1h5m"

[[items]]
id = "elegir"
title = "Elegir una"
duration = "5m"
[items.activity]
type = "choice"
question = "¿Qué importa más?"
options = ["Descanso", "Red", "Dispositivos y cuentas"]

[[items]]
id = "varias"
title = "Elegir varias"
duration = "5m"
[items.activity]
type = "multi"
question = "¿Qué haces ya?"
options = ["Bloqueo de pantalla", "Copias de seguridad", "Avisos de llegada"]
max = 2

[[items]]
id = "todo"
title = "Todo a la vez"
duration = "15m"
[items.activity]
type = "every-block"
question = "Cuéntanos de tu trabajo"
places = ["Casa", "Oficina", "Calle"]
names = ["Dónde", "Ánimo", "Lugar por ánimo", "Palabras", "Ideas", "Recuentos", "Radar",
         "Lugar", "Bajo", "Alto", "Dónde y cómo"]

[[items]]
id = "pocas"
title = "Una pregunta pequeña"
duration = "3m"
k = 50
[items.activity]
type = "choice"
question = "¿Sí o no?"
options = ["Sí", "No"]
""",
    "ar": """
title = "يوم تجريبي"
description = "يوم صغير لتجربة التقارير."
language = "ar"
k = 3

[[items]]
id = "welcome"
title = "ترحيب"
duration = "1h5m"

[[items]]
id = "pick"
title = "اختاري واحدة"
duration = "5m"
[items.activity]
type = "choice"
question = "ما الأهم؟"
options = ["الراحة", "الشبكة", "الأجهزة والحسابات"]

[[items]]
id = "several"
title = "اختاري عدة خيارات"
duration = "5m"
[items.activity]
type = "multi"
question = "ماذا تفعلين بالفعل؟"
options = ["قفل الشاشة", "النسخ الاحتياطي", "الاطمئنان بعد السفر"]
max = 2

[[items]]
id = "all"
title = "كل شيء معًا"
duration = "15m"
[items.activity]
type = "every-block"
question = "حدثينا عن عملك"
places = ["البيت", "المكتب", "الشارع"]
names = ["أين", "الشعور", "المكان حسب الشعور", "كلمات", "أفكار", "الأعداد", "رادار",
         "المكان", "منخفض", "مرتفع", "أين وكيف"]

[[items]]
id = "small"
title = "سؤال صغير"
duration = "3m"
k = 50
[items.activity]
type = "choice"
question = "نعم أم لا؟"
options = ["نعم", "لا"]
""",
}
"""The test agenda in Spanish and in Arabic: every word of the agenda in the room's language."""

DAY = dt.datetime(2026, 3, 8, 9, 30).astimezone()


def make_plugins() -> Plugins:
    return Plugins(entry_points=False, extra=[core_activities, EveryBlockPlugin()])


def seeded_rehearsal(
    agenda: Agenda, plugins: Plugins, sessions: Path, participants: int = 12, seed: int = 3
) -> DressRehearsalOutcome:
    return dress_rehearsal(
        agenda,
        participants,
        seed=seed,
        via="engine",
        clock=ManualClock(DAY),
        store=Store.create(directory=sessions),
        plugins=plugins,
    )
