"""Participant text that tries to be markup or terminal control shows literally, and never acts.

The strings go in through the real participant server (as a phone would send them) and,
separately, straight into the engine's answers, so the stripping on the way out is tested
even if the way in ever lets something through.
"""

from __future__ import annotations

import asyncio
import functools
import re

import aiohttp
import pytest
from rich.console import Console

from facilitate.engine import Engine
from facilitate.render.terminal import render_view
from facilitate.tui.screens import ConsoleScreen, ModerationScreen, ProjectorScreen
from facilitate.views import Bar, Bars, Note, Scatter, ScatterPoint, Table, Texts, Words

from .conftest import available_kinds, make_app, redrawn

pytestmark = pytest.mark.skipif("text" not in available_kinds(), reason="no free text type")

MARKUP = [
    "[TODO]",
    "[/]",
    "[@click=app.quit]x[/]",
    "[bold red]loud[/]",
    "[link=http://evil.example]y[/link]",
]
CONTROL = [
    "\x1b[2J\x1b[Hcleared",
    "\x1b]52;c;aGFja2Vk\x07clip",
    "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31mcsi-c1",
    "\x9d0;title\x9c",
    "\x1bP+q\x1b\\dcs",
    "abc\u202edcba",
    "\u2066iso\u2069late",
    "bell\x07ring",
]
HOSTILE = MARKUP + CONTROL

# What no byte written to the terminal may contain: OSC, DCS, bell, C1 controls, screen
# clears and cursor homes of our own making, and bidi controls. (SGR colour codes are ours.)
FORBIDDEN = re.compile(
    "\x1b\\]|\x1bP|\x07|[\x80-\x9f]|\x1b\\[2J|[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)


def terminal_output(app) -> str:
    """The bytes Textual would write for a full redraw of the current screen."""
    update = app.screen._compositor.render_update(full=True)
    return update.render_segments(app.console)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_safe(app) -> None:
    output = terminal_output(app)
    assert not FORBIDDEN.search(output), FORBIDDEN.search(output)
    text = screen_text(app)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


async def send_through_server(local_url: str, code: str, texts: list[str]) -> None:
    """Each text from its own phone: join by code, read the form token, post the answer."""
    for text in texts:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base_url=local_url, cookie_jar=jar) as session:
            async with session.get(f"/j/{code}", allow_redirects=False) as response:
                assert response.status == 303
            async with session.get("/") as response:
                page = await response.text()
            token = re.search(r'name="_ft" value="([^"]+)"', page)
            assert token, "no answer form on the page"
            data = {"_ft": token.group(1), "text": text}
            async with session.post("/a/text", data=data, allow_redirects=False) as response:
                assert response.status == 303, await response.text()


async def test_hostile_text_through_the_server_shows_literally_on_both_screens(
    engine: Engine,
) -> None:
    from facilitate.server import start_server

    serve = functools.partial(start_server, host="127.0.0.1", port=0)
    app = make_app(engine)
    app._start_server = serve  # the same app, with a real server on loopback
    async with app.run_test(size=(160, 50)) as pilot:
        await asyncio.wait_for(app.started.wait(), 10)  # the server starts after the first frame
        assert app.server is not None
        engine.goto(engine.agenda.index_of("text"))
        engine.open_answering()
        await send_through_server(app.server.local_url, engine.join_code.replace(" ", ""), HOSTILE)
        assert engine.current_run.count == len(HOSTILE)
        await redrawn(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        assert "To moderate (14)" in screen_text(app)
        assert "[/]" in screen_text(app)
        assert_safe(app)

        await pilot.press("m")
        assert isinstance(app.screen, ModerationScreen)
        text = screen_text(app)
        for literal in ("[TODO]", "[/]", "[@click=app.quit]x[/]", "[bold red]loud[/]"):
            assert literal in text
        assert_safe(app)
        row = next(y for y, line in enumerate(text.splitlines()) if "[@click=app.quit]" in line)
        column = text.splitlines()[row].index("[@click=app.quit]x") + len("[@click=app.quit]")
        await pilot.click(offset=(column, row))
        assert app.is_running
        await pilot.press("A", "escape")

        await pilot.press("r", "tab")
        await redrawn(pilot)
        assert isinstance(app.screen, ProjectorScreen)
        text = screen_text(app)
        for literal in ("[TODO]", "[@click=app.quit]x[/]", "cleared", "clip", "dcba"):
            assert literal in text
        assert_safe(app)
        row = next(y for y, line in enumerate(text.splitlines()) if "[@click=app.quit]" in line)
        column = text.splitlines()[row].index("[@click=app.quit]x") + len("[@click=app.quit]")
        await pilot.click(offset=(column, row))
        assert app.is_running


async def test_raw_control_characters_are_stripped_on_the_way_out(engine: Engine) -> None:
    """Even text that skipped the intake's cleaning cannot reach the terminal as control."""
    engine.goto(engine.agenda.index_of("text"))
    engine.open_answering()
    run = engine.current_run
    for number, text in enumerate(HOSTILE):
        engine.answers.apply(run, f"p{number}", {"text": text})  # bypasses the form's cleaning
    app = make_app(engine)
    async with app.run_test(size=(160, 50)) as pilot:
        await redrawn(pilot)
        assert_safe(app)
        await pilot.press("m")
        assert_safe(app)
        await pilot.press("A", "escape", "r", "tab")
        await redrawn(pilot)
        assert "cleared" in screen_text(app)
        assert_safe(app)
        assert app.is_running


@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_block_draws_hostile_text_inertly(hostile: str) -> None:
    view = (
        Bars([Bar(hostile, 3, marked=True), Bar("ok", 1)], title=hostile),
        Words([(hostile, 4), ("calm", 1)]),
        Texts([hostile]),
        Table(["a", hostile], [[hostile, "1"]]),
        Scatter(
            [ScatterPoint(1, 1, 2, hostile), ScatterPoint(3, 3, 1, "ok")],
            x_title=hostile,
            y_title=hostile,
            x_labels=[hostile, "b"],
            y_labels=[hostile, "d"],
        ),
        Note(hostile),
    )
    console = Console(width=100, force_terminal=True, color_system="truecolor")
    with console.capture() as capture:
        console.print(render_view(view))
    output = capture.get()
    assert not FORBIDDEN.search(output)
    assert "\x1b[H" not in output
    plain = Console(width=100, force_terminal=False, color_system=None)
    with plain.capture() as capture:
        plain.print(render_view(view))
    if hostile in MARKUP:
        assert hostile in capture.get()
