"""The terminal projector, the web projector, the console and the report agree on what is shown.

One table of every phase, reveal, answer count (below and at ``k``), private (kept off the
projector) and failed (the plugin broke) combination. For each, an item of a probe type
goes through all four surfaces; each must show the result exactly when
:func:`facilitate.room.disclosure` says its audience may see it, and say why otherwise.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from attrs import frozen
from english_words import visible_text
from rich.text import Text
from textual.widgets import Static

from facilitate.api import (
    ActivityType,
    ChoiceField,
    CountTally,
    Form,
    ItemContext,
    Note,
    View,
    hookimpl,
    setting,
)
from facilitate.engine import CLOSED, OPEN, WAITING, Engine
from facilitate.i18n import translator
from facilitate.report.collect import collect
from facilitate.report.model import SHOWN
from facilitate.room import Audience, disclosure, withheld_message
from facilitate.server import make_app
from facilitate.testing import Rehearsal
from facilitate.tui.app import FacilitateApp
from facilitate.tui.screens import ConsoleScreen, ProjectorScreen

K = 3
MARK = "PROBE-RESULT-SHOWN"


@frozen
class ProbeConfig:
    private: bool = setting(False, help="keep the results off the projector")
    fail: bool = setting(False, help="break the tally, as a buggy plugin would")


class Probe(ActivityType[ProbeConfig, Any]):
    kind = "probe"
    title = "Probe"
    Config = ProbeConfig

    def form(self, config: ProbeConfig, context: ItemContext) -> Form:
        return Form([ChoiceField(name="x", label="Pick", options=("one", "two"))])

    def new_tally(self, config: ProbeConfig, context: ItemContext) -> CountTally:
        if config.fail:
            raise RuntimeError("the probe's tally broke")
        return CountTally(lambda value: [value["x"]])

    def view(self, config: ProbeConfig, result: Any, context: ItemContext) -> View:
        return (Note(MARK),)

    def on_projector(self, config: ProbeConfig) -> bool:
        return not config.private


class ProbePlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(Probe)


@frozen
class Case:
    phase: str
    revealed: bool
    answers: int
    private: bool
    failed: bool

    def __str__(self) -> str:
        flags = [self.phase, f"{self.answers}answers"]
        flags += [name for name in ("revealed", "private", "failed") if getattr(self, name)]
        return "-".join(flags)

    def rule(self, audience: Audience) -> Any:
        return disclosure(
            audience,
            has_activity=True,
            failed=self.failed,
            count=self.answers,
            k=K,
            revealed=self.revealed,
            on_projector=not self.private,
        )


CASES = [
    Case(WAITING, revealed, 0, private, failed)
    for revealed, private, failed in itertools.product((False, True), repeat=3)
] + [
    Case(phase, revealed, answers, private, failed)
    for phase, answers in itertools.product((OPEN, CLOSED), (K - 1, K))
    for revealed, private, failed in itertools.product((False, True), repeat=3)
]


def rehearsal_for(case: Case) -> Rehearsal:
    agenda = f"""
title = "Agreement"
k = {K}

[[items]]
id = "probe"
title = "Probe"
duration = "5m"
[items.activity]
type = "probe"
private = {str(case.private).lower()}
fail = {str(case.failed).lower()}
"""
    rehearsal = Rehearsal(agenda, plugins=[ProbePlugin()], seed=1)
    engine = rehearsal.engine
    if case.answers:
        rehearsal.simulate(case.answers)
    if case.phase == CLOSED:
        engine.close_answering()
    engine.reveal(case.revealed)
    assert engine.current_run.phase == case.phase
    return rehearsal


def screen_text(app: FacilitateApp) -> str:
    """The screen as drawn, and each line of text it holds (so long lines are whole)."""
    drawn = [strip.text for strip in app.screen._compositor.render_strips()]
    held = [s.content.plain for s in app.screen.query(Static) if isinstance(s.content, Text)]
    return "\n".join(drawn + held)


async def terminal_texts(engine: Engine) -> tuple[str, str]:
    """What the terminal projector and the console show of the item."""
    app = FacilitateApp(engine, join_url="http://127.0.0.1:9/j/123456", language="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)
        console = screen_text(app)
        await pilot.press("tab")
        await pilot.pause()
        assert isinstance(app.screen, ProjectorScreen)
        return screen_text(app), console


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_every_surface_follows_the_one_rule(case: Case, aiohttp_client: Any) -> None:
    with rehearsal_for(case) as rehearsal:
        engine = rehearsal.engine
        room_rule = case.rule(Audience.ROOM)
        projector, console = await terminal_texts(engine)
        client = await aiohttp_client(make_app(engine, facilitator_language="en"))
        response = await client.get(f"/screen/{engine.facilitator_secret}/part")
        assert response.status == 200
        screen = visible_text(await response.text())
        report = {item.id: item for item in collect(engine).items}["probe"]

    shown_to_room = room_rule is None
    assert (MARK in projector) is shown_to_room
    assert (MARK in screen) is shown_to_room
    if not shown_to_room:
        message = withheld_message(room_rule, translator("en"), k=K)
        assert message in projector
        assert message in screen
    assert (MARK in console) is (case.rule(Audience.CONSOLE) is None)
    assert (report.status == SHOWN) is (case.rule(Audience.REPORT) is None)
    assert (MARK in str(report.blocks)) is (report.status == SHOWN)
