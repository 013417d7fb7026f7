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

    def new_tally(self, config: EveryFieldConfig) -> CountTally:
        return CountTally(lambda value: [value["colour"]])

    def view(self, config: EveryFieldConfig, result: Any) -> Any:
        answers = result.get(None, 0)
        rows = [Bar(name, result.get(i, 0)) for i, name in enumerate(("Red", "Green", "Blue"))]
        return (Bars(rows), Note(f"{answers} answers"))


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
