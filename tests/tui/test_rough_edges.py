"""The console's rough edges a facilitator tripped over (issue 14), each pinned down."""

from __future__ import annotations

import argparse
import io

import pytest
from rich.console import Console
from textual.widgets import Static

from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.i18n import translator
from facilitate.render.terminal import render_view
from facilitate.store import Store
from facilitate.tui.cli import resume_options
from facilitate.tui.screens import ConsoleScreen, HelpScreen, ProjectorScreen, QuitScreen
from facilitate.tui.screens.help import KEYS
from facilitate.views import Heatmap, Scatter, ScatterPoint

from .conftest import JOIN_CODE, make_app, make_engine, redrawn


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def status(app) -> str:
    return app.screen.query_one("#status", Static).content.plain


def drawn(renderable, width: int) -> str:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def test_the_status_line_never_says_on_time_while_the_timer_is_over(
    engine: Engine, clock: ManualClock
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        clock.advance(9 * 60)  # 10 minutes planned: on time
        await redrawn(pilot)
        assert "on time" in status(app)
        await pilot.press("minus", "minus")  # now 8 minutes: one over
        await redrawn(pilot)
        assert "OVER TIME" in "\n".join(screen_lines(app))
        assert "on time" not in status(app)
        assert "this item 1:00 over" in status(app)
        welcome = next(line for line in screen_lines(app) if "▶  Welcome" in line)
        assert "8:00" in welcome  # the plan column shows the time the item has now


def test_a_numbered_legend_names_only_the_labelled_numbers() -> None:
    t = translator("en")
    labels = ["1 Very unlikely", "2", "3", "4", "5 Very likely"]
    heat = Heatmap(
        row_labels=["1", "2"],
        column_labels=labels,
        cells=[[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]],
    )
    plot = Scatter(
        points=[ScatterPoint(x=2, y=3, count=4, label="")],
        x_range=(1, 5),
        y_range=(1, 5),
        x_labels=labels,
        y_labels=["1", "2", "3", "4", "5"],
    )
    for block in (heat, plot):
        text = drawn(render_view([block], t), 40)
        assert "1 Very unlikely" in text and "5 Very likely" in text
        for number in "234":
            assert f"{number} {number}" not in text, text


@pytest.mark.parametrize("width", [40, 60, 100, 140])
def test_heat_map_row_labels_read_whole_wherever_they_fit(width: int) -> None:
    rows = ["5 Crítico", "4 Muy grave", "3 Grave", "2 Moderado", "1 Menor"]
    heat = Heatmap(
        row_labels=rows,
        column_labels=["1", "2", "3", "4", "5"],
        cells=[[1, 2, 3, 4, 5]] * 5,
    )
    text = drawn(render_view([heat], translator("es")), width)
    for label in rows:
        assert label in text, (width, text)


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_the_footer_keeps_the_most_used_keys_at_every_width(
    engine: Engine, width: int
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(width, 30)) as pilot:
        await redrawn(pilot)
        footer = screen_lines(app)[-1]
        for key in ("? all keys", "space timer", "n next", "o answering", "r reveal"):
            assert key in footer, footer
        if width >= 100:
            assert "m moderate" in footer and "tab switch" in footer, footer
        if width >= 160:
            for key in ("l lock", "w Wi-Fi", "c new code", "a addresses"):
                assert key in footer, footer


def test_help_lists_every_key_the_screens_answer() -> None:
    listed = " ".join(key for key, _ in KEYS)
    for key in ("a", "l", "c", "m", "w", "PgDn / PgUp", "!"):
        assert key in listed


async def test_the_timer_caption_and_the_item_state_do_not_run_together(
    engine: Engine,
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await redrawn(pilot)
        line = next(line for line in screen_lines(app) if "not started" in line)
        assert "joined" not in line.split("not started", 1)[1].split("│")[0], line


async def test_help_at_80x24_still_says_how_to_close_it(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "escape closes this help" in "\n".join(screen_lines(app))


@pytest.mark.parametrize("keys", [("question_mark",), ("q",), ("m",), ("w",), ("a",)])
@pytest.mark.parametrize("screen", ["console", "projector"])
async def test_dialogs_never_cover_the_join_code(
    engine: Engine, keys: tuple[str, ...], screen: str
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        if screen == "projector":
            await pilot.press("tab")
        await redrawn(pilot)
        before = [line for line in screen_lines(app) if JOIN_CODE in line]
        assert before
        await pilot.press(*keys)
        await pilot.pause()
        assert not isinstance(app.screen, ConsoleScreen | ProjectorScreen)
        after = [line for line in screen_lines(app) if JOIN_CODE in line]
        assert after == before  # the join code's lines, untouched by the dialog
        backdrop = app.screen.query_one("#backdrop")
        code = next(
            widget
            for widget in app.screen_stack[0 if screen == "console" else -2].query(Static)
            if JOIN_CODE in str(getattr(widget, "content", ""))
        )
        assert not backdrop.region.overlaps(code.region)


def test_the_resume_command_repeats_the_options_the_session_started_with(tmp_path) -> None:
    cert = tmp_path / "cert.pem"
    args = argparse.Namespace(
        host="0.0.0.0", port=9000, lang="es", tls_cert=str(cert), tls_key=None
    )
    assert resume_options(args) == [
        "--host",
        "0.0.0.0",
        "--port",
        "9000",
        "--lang",
        "es",
        "--tls-cert",
        str(cert),
    ]
    assert resume_options(argparse.Namespace(host=None, port=None, lang=None)) == []


async def test_the_quit_dialog_shows_the_resume_command_with_its_options(sessions) -> None:
    engine = make_engine(store=Store.create())
    app = make_app(engine)
    app.resume_options = ("--host", "0.0.0.0", "--port", "9000")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        text = "\n".join(screen_lines(app))
        assert f"facilitate resume {engine.store.id} --host 0.0.0.0 --port 9000" in text
