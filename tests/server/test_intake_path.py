"""The answer path's shortcuts change nothing but speed: the form is built once while
what it reads stays the same, a token is checked once, and bad input is still refused."""

from __future__ import annotations

from typing import Any

import pytest
from attrs import frozen

from facilitate.agenda import loads_agenda
from facilitate.api import ActivityType, ChoiceField, CountTally, Form, Note, hookimpl, setting
from facilitate.engine import Engine, NotJoined
from facilitate.forms import AnswerError
from facilitate.plugins import Plugins

BUILT: list[str] = []


@frozen
class EchoConfig:
    source: str = setting("", help="an item whose answers become this item's options")


class Echo(ActivityType[EchoConfig, Any]):
    """Options taken from another item's result, as a follow-up vote does."""

    kind = "echo"
    title = "Echo"
    Config = EchoConfig

    def form(self, config: EchoConfig, context: Any) -> Form:
        BUILT.append(context.item_id)
        options = ["keep", "drop"]
        if config.source:
            result = context.result_of(config.source) or {}
            options += [f"seen {result.get(None, 0)}", "more"]
        return Form([ChoiceField(name="choice", label="Pick", options=options)])

    def new_tally(self, config: EchoConfig, context: Any) -> CountTally:
        return CountTally(lambda value: [value["choice"]])

    def view(self, config: EchoConfig, result: Any, context: Any) -> tuple[Note, ...]:
        return (Note(str(result)),)


class EchoPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(Echo)


AGENDA = """
title = "Intake"
[[items]]
id = "first"
title = "First"
duration = "5m"
[items.activity]
type = "echo"
[[items]]
id = "second"
title = "Second"
duration = "5m"
[items.activity]
type = "echo"
source = "first"
"""


@pytest.fixture
def engine() -> Any:
    plugins = Plugins(extra=[EchoPlugin()])
    engine = Engine.new(loads_agenda(AGENDA, plugins=plugins), plugins=plugins)
    BUILT.clear()
    yield engine
    engine.close()


async def test_the_form_is_built_once_while_its_inputs_stay_the_same(engine: Engine) -> None:
    engine.open_answering()
    tokens = [engine.join() for _ in range(20)]
    for round_ in range(3):
        for token in tokens:
            await engine.submit(token, "first", {"choice": [str(round_ % 2)]})
    assert BUILT == ["first"]
    assert engine.runs["first"].count == 20


async def test_a_form_that_reads_another_item_follows_its_answers(engine: Engine) -> None:
    assert engine.form("second").fields[0].options[2] == "seen 0"  # type: ignore[attr-defined]
    engine.open_answering()
    await engine.submit(engine.join(), "first", {"choice": ["0"]})
    assert engine.form("second").fields[0].options[2] == "seen 1"  # type: ignore[attr-defined]
    built = len(BUILT)
    engine.form("second")
    assert len(BUILT) == built  # nothing changed since: no rebuild
    engine.goto(1)
    engine.open_answering()
    token = engine.join()
    await engine.submit(token, "second", {"choice": ["2"]})
    with pytest.raises(AnswerError):
        await engine.submit(token, "second", {"choice": ["9"]})


async def test_tokens_are_checked_once_and_forged_ones_still_refused(engine: Engine) -> None:
    engine.open_answering()
    token = engine.join()
    await engine.submit(token, "first", {"choice": ["1"]})
    value, signature = token.split(".")
    for forged in (f"{value}.{'0' * len(signature)}", f"x{value}.{signature}", "", "a.b.c"):
        with pytest.raises(NotJoined):
            await engine.submit(forged, "first", {"choice": ["1"]})
        assert not engine.is_member(forged)
    assert engine.is_member(token)
    assert engine.runs["first"].count == 1
