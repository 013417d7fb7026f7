"""For the report tests: a test activity type that shows every view block kind, an agenda
using it with the core choice types, and a seeded rehearsal of that agenda."""

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
from facilitate.model import Agenda
from facilitate.plugins import Plugins
from facilitate.rehearsal import RehearsalOutcome, rehearse
from facilitate.store import Store

PLACES = ("Home", "Office", "Street")
MOODS = (1, 2, 3, 4, 5)


@frozen
class EveryBlockConfig:
    question: str = setting(help="the question, a string")


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
        return Form(
            [
                ChoiceField(name="place", label="Where do you work?", options=PLACES),
                ScaleField(name="mood", label="How do you feel?", labels=("Low", "High")),
                TextField(name="idea", label="One idea", required=False),
            ]
        )

    def new_tally(self, config: EveryBlockConfig) -> EveryBlockTally:
        return EveryBlockTally()

    def view(self, config: EveryBlockConfig, result: EveryBlockResult) -> View:
        words: Counter[str] = Counter()
        for text, count in result.texts:
            for word in text.lower().split():
                words[word] += count
        return (
            Bars(
                [
                    Bar(p, c, marked=i == 1)
                    for i, (p, c) in enumerate(zip(PLACES, result.places, strict=False))
                ],
                title="Where",
                unit="answers",
            ),
            Spread(
                [SpreadRow("Feeling", result.moods)],
                MOODS,
                ("Low", "", "", "", "High"),
                title="Feeling",
            ),
            Heatmap(
                PLACES,
                [str(m) for m in MOODS],
                result.grid,
                row_title="Place",
                column_title="Feeling",
                title="Place by feeling",
            ),
            Words(sorted(words.items()), title="Words"),
            Texts(unordered([t for t, _ in result.texts], salt="ideas"), title="Ideas"),
            Table(
                ("Place", "Answers"),
                [(p, str(c)) for p, c in zip(PLACES, result.places, strict=False)],
                title="Counts",
            ),
            Radar(PLACES, result.places, maximum=max((*result.places, 1)), title="Radar"),
            Note(f"{result.answers} answers"),
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

DAY = dt.datetime(2026, 3, 8, 9, 30).astimezone()


def make_plugins() -> Plugins:
    return Plugins(entry_points=False, extra=[core_activities, EveryBlockPlugin()])


def seeded_rehearsal(
    agenda: Agenda, plugins: Plugins, sessions: Path, participants: int = 12, seed: int = 3
) -> RehearsalOutcome:
    return rehearse(
        agenda,
        participants,
        seed=seed,
        via="engine",
        clock=ManualClock(DAY),
        store=Store.create(directory=sessions),
        plugins=plugins,
    )
