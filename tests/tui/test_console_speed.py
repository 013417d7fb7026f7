"""The console's speed, as behaviour (no timings: those are ``make bench``'s).

A key is drawn at once and lays nothing out unless something's size changed; answers
arriving lay nothing out either once the panels have their height; the first frame
parses the styles once and does not wait for the projector screen.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

import facilitate.tui.app as app_module
from facilitate.engine import Engine
from facilitate.tui.screens import projector as projector_module

from .conftest import answer, make_app, redrawn


@contextmanager
def layouts(app: Any) -> Iterator[list[int]]:
    """Count the times the screen shown now is laid out (it says so on a signal)."""
    counted: list[int] = []
    screen = app.screen
    screen.screen_layout_refresh_signal.subscribe(screen, lambda *_: counted.append(1))
    try:
        yield counted
    finally:
        screen.screen_layout_refresh_signal.unsubscribe(screen)


@pytest.mark.parametrize("key", ["space", "plus", "l"])
async def test_a_key_that_changes_no_size_lays_nothing_out(engine: Engine, key: str) -> None:
    """Before: the timer's caption, the status line and the room preview each asked for
    a layout of the whole screen whenever their text changed (running / paused,
    room open / room LOCKED)."""
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "o")
        for _ in range(2):  # each panel has had both texts once
            await pilot.press(key)
            await redrawn(pilot)
        with layouts(app) as counted:
            for _ in range(4):
                await pilot.press(key)
                await redrawn(pilot)
        assert counted == []
        if key == "l":
            assert "room LOCKED" not in app.screen.query_one("#status").content.plain
            await pilot.press("l")
            assert "room LOCKED" in app.screen.query_one("#status").content.plain


async def test_answers_arriving_lay_nothing_out_once_the_result_has_its_height(
    engine: Engine,
) -> None:
    """Before: every few answers laid the screen out: the hidden moderation queue was
    drawn (for a choice item) and the line saying newer answers wait for the next step
    came and went."""
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "o", "r")
        await answer(engine, "choice", 10)
        await redrawn(pilot)
        await answer(engine, "choice", 1)  # "1 newer answer waits for the next step"
        await redrawn(pilot)  # the result grows by that line: laid out once
        drawn = app.screen.drawn.redraws["result"]
        with layouts(app) as counted:
            for batch in range(6):
                await answer(engine, "choice", 1 + batch % 2, seed=batch)
                await redrawn(pilot)
        assert app.screen.drawn.redraws["result"] > drawn  # the answers were drawn
        assert counted == []


async def test_a_key_is_drawn_at_once_and_the_answers_at_their_pace(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key's frame holds what the key changed; answers that came meanwhile wait for
    the next answers tick. Before: a key drew every panel the answers had changed too."""
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "o", "r")
        await answer(engine, "choice", 10)
        await redrawn(pilot)
        monkeypatch.setattr(app_module, "ANSWERS_SECONDS", 3600.0)  # no answers tick now
        drawn = dict(app.screen.drawn.redraws)
        await answer(engine, "choice", 5, seed=1)
        await pilot.press("l")
        assert "room LOCKED" in app.screen.query_one("#status").content.plain
        assert app.screen.drawn.redraws["result"] == drawn["result"]
        assert app.screen.drawn.redraws["item-state"] > drawn["item-state"]  # "joined"
        monkeypatch.setattr(app_module, "ANSWERS_SECONDS", 0.0)
        await redrawn(pilot)
        assert app.screen.drawn.redraws["result"] > drawn["result"]
        assert "15 answers" in app.screen.query_one("#item-state").content.plain


async def test_the_words_about_the_item_are_not_drawn_for_every_answer(engine: Engine) -> None:
    """The hint and the room's preview change when answers cross k, not with each one."""
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "o", "r")
        await answer(engine, "choice", 2)
        await redrawn(pilot)
        assert "3 answers" in app.screen.query_one("#hint").content.plain  # too few yet
        drawn = dict(app.screen.drawn.redraws)
        await answer(engine, "choice", 1, seed=1)  # k reached: the room sees the results
        await redrawn(pilot)
        assert "the room sees the results" in app.screen.query_one("#hint").content.plain
        crossed = dict(app.screen.drawn.redraws)
        assert crossed["hint"] == drawn["hint"] + 1
        for batch in range(3):
            await answer(engine, "choice", 4, seed=batch + 2)
            await redrawn(pilot)
        assert app.screen.drawn.redraws["hint"] == crossed["hint"]
        assert app.screen.drawn.redraws["room-preview"] == crossed["room-preview"]
        assert app.screen.drawn.redraws["result"] > crossed["result"]


async def test_a_panel_grown_for_a_key_is_let_go_on_the_next_item(engine: Engine) -> None:
    """A panel keeps the height it grew to while its item is shown (so toggling a key
    lays nothing out), and takes its own height again on the next item."""
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "o")
        preview = app.screen.query_one("#room-preview")
        await redrawn(pilot)
        short = preview.size.height
        await pilot.press("l")
        await redrawn(pilot)
        grown = preview.size.height
        assert grown > short  # "The room is closed to new phones" takes a line more
        await pilot.press("l")
        await redrawn(pilot)
        assert preview.size.height == grown
        await pilot.press("n")
        await redrawn(pilot)
        assert preview.size.height < grown


async def test_the_projector_screen_is_built_when_first_shown(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    real_init = projector_module.ProjectorScreen.__init__

    def counted_init(self: Any) -> None:
        built.append(self)
        real_init(self)

    monkeypatch.setattr(projector_module.ProjectorScreen, "__init__", counted_init)
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await redrawn(pilot)
        assert built == [] and app.projector_result is None
        await pilot.press("tab")
        await redrawn(pilot)
        assert len(built) == 1 and isinstance(app.screen, projector_module.ProjectorScreen)
        await pilot.press("tab", "tab")
        await redrawn(pilot)
        assert len(built) == 1


def test_the_console_does_not_import_the_projector_to_start(tmp_path: Path) -> None:
    """Its QR code, its paged results and their layouts load when the room first sees
    the projector, not before the console's first frame."""
    code = (
        "import sys\n"
        "import facilitate.tui.app\n"
        "late = [m for m in ('facilitate.tui.screens.projector', 'facilitate.tui.widgets.qr',"
        " 'facilitate.tui.widgets.paged') if m in sys.modules]\n"
        "print(late)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=tmp_path,  # facilitate as installed (or as PYTHONPATH says), not from here
    )
    assert done.stdout.strip() == "[]"


async def test_the_first_frame_parses_the_styles_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the theme, set once the app existed, and the console as a mode's first
    screen each made Textual parse and apply every style again before the first frame."""
    refreshed: list[int] = []
    real = App.refresh_css

    def counted(self: App[Any], animate: bool = True) -> None:
        refreshed.append(1)
        real(self, animate)

    monkeypatch.setattr(App, "refresh_css", counted)
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await redrawn(pilot)
        assert refreshed == []
        assert app.current_theme.name == "facilitate-contrast"
        assert app.current_mode == "console"
        await pilot.press("tab", "tab")  # the console is still a mode to come back to
        assert app.current_mode == "console"


async def test_a_crowd_answering_is_drawn_at_a_slower_pace_a_key_at_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While answers keep arriving faster than the busy rate, the console draws them
    at the busy pace (once a second), leaving the loop to the room; a key is still
    drawn at once, and a burst is drawn at the usual pace."""
    monkeypatch.setattr(app_module, "ANSWERS_SECONDS", 0.05)
    monkeypatch.setattr(app_module, "BUSY_ANSWERS_PER_SECOND", 10)
    monkeypatch.setattr(app_module, "BUSY_ANSWERS_SECONDS", 3600.0)  # never, here
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "o", "r")
        await redrawn(pilot)
        await answer(engine, "choice", 100)  # a burst, after a calm: the usual pace
        state = app.screen.query_one("#item-state")
        deadline = time.monotonic() + 5  # a loaded machine may take longer than 0.05 s
        while "100 answers" not in state.content.plain and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert "100 answers" in state.content.plain
        drawn = app.screen.drawn.redraws["result"]
        await answer(engine, "choice", 5, seed=1)  # still coming: the room is busy
        await pilot.pause(0.4)
        assert app.screen.drawn.redraws["result"] == drawn
        await pilot.press("l")
        assert "room LOCKED" in app.screen.query_one("#status").content.plain
        await redrawn(pilot)  # everything now (a resize, another screen, ...)
        assert "105 answers" in state.content.plain


async def test_answers_on_the_projector_draw_its_result_and_lay_nothing_out(
    engine: Engine,
) -> None:
    """Before: every answers tick on the projector drew its title, prompt, call and join
    column again, each laying the whole screen out."""
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "o", "r", "tab")
        await answer(engine, "choice", 10)
        await redrawn(pilot)
        drawn = dict(app.screen.drawn.redraws)
        with layouts(app) as counted:
            for batch in range(4):
                await answer(engine, "choice", 3, seed=batch)
                await redrawn(pilot)
        assert app.screen.drawn.redraws["result"] > drawn["result"]
        assert app.screen.drawn.redraws["room"] == drawn["room"]
        assert counted == []


async def test_a_reserved_height_keeps_within_the_panel_s_own_limit(engine: Engine) -> None:
    """The status line keeps its two lines at most, however long it grew on a narrow
    terminal."""
    app = make_app(engine)
    async with app.run_test(size=(50, 24)) as pilot:
        await pilot.press("n", "o", "l")
        await redrawn(pilot)
        await pilot.press("l")
        await redrawn(pilot)
        assert app.screen.query_one("#status").size.height <= 2
