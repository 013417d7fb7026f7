"""Helpers for the server tests: a test-only activity type using every field kind, an agenda."""

from __future__ import annotations

import re
from typing import Any

from attrs import frozen

from facilitate.api import (
    ActivityType,
    Bar,
    Bars,
    ChoiceField,
    CountTally,
    Form,
    GridField,
    MultiField,
    Note,
    PointsField,
    RankField,
    ScaleField,
    Scatter,
    ScatterPoint,
    Tally,
    TextField,
    hookimpl,
    setting,
)
from facilitate.engine import Engine


@frozen
class EveryFieldConfig:
    question: str = setting(help="the question")


class EveryField(ActivityType[EveryFieldConfig, Any]):
    """A test-only type whose form uses every field kind of the vocabulary."""

    kind = "every-field"
    title = "Every field"
    Config = EveryFieldConfig

    def form(self, config: EveryFieldConfig, context: Any) -> Form:
        return Form(
            [
                ChoiceField(name="colour", label="Pick a colour", options=("Red", "Green", "Blue")),
                MultiField(
                    name="fruit", label="Pick fruit", options=("Apple", "Pear", "Fig"), max=2
                ),
                ScaleField(name="mood", label="Mood", min=1, max=5, labels=("Low", "High")),
                TextField(name="words", label="Say something", max_length=40, moderated=False),
                RankField(name="order", label="Put in order", options=("Rest", "Work", "Play")),
                GridField(
                    name="grid",
                    label="Rate",
                    rows=("Speed", "Care"),
                    min=1,
                    max=3,
                    labels=("Bad", "Fine", "Good"),
                ),
                PointsField(
                    name="share", label="Share points", options=("Here", "There"), total=10
                ),
            ],
            intro=config.question,
        )

    def new_tally(self, config: EveryFieldConfig, context: Any) -> CountTally:
        return CountTally(lambda value: [value["colour"]])

    def view(self, config: EveryFieldConfig, result: Any, context: Any) -> Any:
        answers = result.get(None, 0)
        rows = [Bar(name, result.get(i, 0)) for i, name in enumerate(("Red", "Green", "Blue"))]
        return (Bars(rows, of_answers=True), Note(f"{answers} answers"))


class EveryFieldPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(EveryField)


AGENDA = """
title = "Server test day"
k = 2

[[items]]
id = "welcome"
title = "Welcome"
duration = "5m"

[[items]]
id = "pick"
title = "Pick one"
duration = "5m"
[items.activity]
type = "choice"
question = "Which topic first?"
options = ["Rest", "Phones", "Networks"]

[[items]]
id = "several"
title = "Pick several"
duration = "5m"
[items.activity]
type = "multi"
question = "Which ones?"
options = ["A", "B", "C"]
max = 2

[[items]]
id = "everything"
title = "Every field"
duration = "5m"
[items.activity]
type = "every-field"
question = "Answer everything."

[[items]]
id = "share"
title = "Share a strategy"
duration = "5m"
[items.activity]
type = "text"
question = "What helps you?"
max_length = 100
"""


@frozen
class PositionsConfig:
    across: str = setting(help="the x axis's question")
    up: str = setting(help="the y axis's question")
    thing: str = setting(help="what is placed")


class PositionsTally(Tally[dict[tuple[int, int], int]]):
    def __init__(self) -> None:
        self.counts: dict[tuple[int, int], int] = {}

    def add(self, value: Any) -> None:
        key = (value["x"], value["y"])
        self.counts[key] = self.counts.get(key, 0) + 1

    def remove(self, value: Any) -> None:
        self.counts[(value["x"], value["y"])] -= 1

    def result(self) -> dict[tuple[int, int], int]:
        return {key: count for key, count in self.counts.items() if count}


class Positions(ActivityType[PositionsConfig, Any]):
    """Each phone places one thing on two scales; the room sees the positions as points."""

    kind = "positions"
    title = "Positions"
    Config = PositionsConfig

    def form(self, config: PositionsConfig, context: Any) -> Form:
        return Form(
            [
                ScaleField(name="x", label=config.across, min=1, max=5),
                ScaleField(name="y", label=config.up, min=1, max=5),
            ]
        )

    def new_tally(self, config: PositionsConfig, context: Any) -> PositionsTally:
        return PositionsTally()

    def view(self, config: PositionsConfig, result: Any, context: Any) -> Any:
        points = [ScatterPoint(x, y, n, config.thing) for (x, y), n in sorted(result.items())]
        return (Scatter(points, x_title=config.across, y_title=config.up),)


class PositionsPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(Positions)


ROOM_AGENDAS = {
    "es": """
title = "Día de seguridad"
language = "es"
k = 3

[[items]]
id = "pick"
title = "Elige una"
duration = "5m"
[items.activity]
type = "choice"
question = "¿Qué primero?"
options = ["Contraseñas", "Copias", "Teléfonos"]

[[items]]
id = "map"
title = "Mapa de amenazas"
duration = "5m"
[items.activity]
type = "positions"
across = "Probabilidad"
up = "Impacto"
thing = "Vigilancia"
""",
    "ar": """
title = "يوم الأمان"
language = "ar"
k = 3

[[items]]
id = "pick"
title = "اختاري واحدة"
duration = "5m"
[items.activity]
type = "choice"
question = "ماذا أولاً؟"
options = ["كلمات المرور", "النسخ الاحتياطية", "الهواتف"]

[[items]]
id = "map"
title = "خريطة التهديدات"
duration = "5m"
[items.activity]
type = "positions"
across = "الاحتمال"
up = "الأثر"
thing = "المراقبة"
""",
}


async def make_client(aiohttp_client: Any, client: Any) -> Any:
    """A second browser (own cookie jar) on the same server."""
    return await aiohttp_client(client.server)


FORM_TOKEN = re.compile(r'name="_ft" value="([^"]+)"')


async def form_token(client: Any) -> str:
    page = await (await client.get("/")).text()
    found = FORM_TOKEN.search(page)
    assert found, page
    return found.group(1)


def open_item(engine: Engine, index: int) -> None:
    engine.goto(index)
    engine.open_answering()
