"""Long results fit the terminal projector in pages, never cut silently; one key pair
steps through them, on the terminal and the web projector alike."""

from __future__ import annotations

import asyncio
import io

import pytest
from rich.console import Console
from textual.containers import VerticalScroll

from facilitate.i18n import translator
from facilitate.render.terminal_pages import terminal_pages
from facilitate.room import room_view
from facilitate.tui.app import FacilitateApp
from facilitate.tui.cli import step_web_page
from facilitate.tui.widgets.paged import PagedResult
from facilitate.views import Texts

from .conftest import redrawn
from .test_snapshots import SIZES, app_on, plugin_app_on

KINDS = ["choice", "scale", "text", "wordcloud", "ranking", "quiz"]
PLUGINS = ["risk-map", "post-strategies", "mark-strategies", "five-ps", "evaluation"]


def lines_of(renderable, width: int) -> int:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    return len(console.render_lines(renderable, console.options.update(width=width), pad=False))


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_a_long_result_is_cut_into_pages_that_each_fit_with_an_indicator() -> None:
    t = translator("en")
    view = [Texts([f"idea number {n}, said in a few words" for n in range(40)], title="Ideas")]
    pages = terminal_pages(view, t, width=50, height=12)
    assert len(pages) > 3
    for index, page in enumerate(pages):
        assert lines_of(page, 50) <= 12
        text = "".join(seg.text for seg in Console(width=50).render(page))
        assert f"{index + 1}/{len(pages)}" in text
    assert len(terminal_pages([Texts(["one"])], t, width=50, height=12)) == 1


async def shown_whole_or_paged(app: FacilitateApp, size: tuple[int, int]) -> None:
    """Nothing of the result cut without saying so, on either screen."""
    async with app.run_test(size=size) as pilot:
        await redrawn(pilot)
        current = app.screen.query_one("#current", VerticalScroll)
        if current.virtual_size.height > current.scrollable_content_region.height:
            assert current.show_vertical_scrollbar  # the console scrolls, and shows it
        await pilot.press("tab")
        await redrawn(pilot)
        result = app.screen.query_one(PagedResult)
        room = room_view(app.engine)
        if not room.shows_result:
            return
        width, height = result.content_size
        pages = terminal_pages(
            room.blocks, translator(room.language), width=width, height=height, big=True
        )
        for page in pages:
            assert lines_of(page, width) <= height
        assert result.pages == len(pages)
        if len(pages) > 1:
            assert f"1/{len(pages)}" in screen_text(app)
            for number in range(2, len(pages) + 1):
                await pilot.press("pagedown")
                await redrawn(pilot)
                assert f"{number}/{len(pages)}" in screen_text(app)
            await pilot.press("comma")
            await redrawn(pilot)
            assert f"{len(pages) - 1}/{len(pages)}" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_core_results_fit_or_are_paged(kind: str, size: str) -> None:
    asyncio.run(shown_whole_or_paged(app_on(kind), SIZES[size]))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("item_id", PLUGINS)
def test_plugin_results_fit_or_are_paged(item_id: str, size: str) -> None:
    asyncio.run(shown_whole_or_paged(plugin_app_on(item_id, "es"), SIZES[size]))


def test_the_risk_map_at_100x30_is_paged_and_the_console_says_which_page() -> None:
    asyncio.run(risk_map_paged(plugin_app_on("risk-map", "es")))


async def risk_map_paged(app: FacilitateApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab")
        await redrawn(pilot)
        result = app.screen.query_one(PagedResult)
        assert result.pages > 1
        assert f"1/{result.pages}" in screen_text(app)
        await pilot.press("full_stop")
        await redrawn(pilot)
        assert result.page == 1
        await pilot.press("tab")
        await redrawn(pilot)
        preview = app.screen.query_one("#room-preview").content.plain
        assert f"page 2 of {result.pages}" in preview


class FakeState:
    def __init__(self) -> None:
        self.shown: list[tuple[str, int]] = []
        self.page = 0

    def page_of(self, item_id: str) -> int:
        return self.page

    def show_page(self, item_id: str, page: int) -> None:
        self.page = page
        self.shown.append((item_id, page))


def test_the_page_keys_step_the_web_projector_too(monkeypatch) -> None:
    from facilitate.server import projector
    from facilitate.server.state import STATE

    state = FakeState()

    class Runner:
        app = {STATE: state}

    class Server:
        runner = Runner()
        join_url = "http://192.0.2.1:8000/j/x"
        local_url = "http://127.0.0.1:8000"

        async def stop(self) -> None:
            pass

    monkeypatch.setattr(projector, "room_pages", lambda room: [(), (), ()])
    app = app_on("choice")
    app.page_stepper = step_web_page

    async def step() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            app.server = Server()  # type: ignore[assignment]
            await pilot.press("pagedown", "pagedown", "pagedown", "pageup")

    asyncio.run(step())
    item = app.engine.current.id
    assert state.shown == [(item, 1), (item, 2), (item, 2), (item, 1)]
