"""A real phone browser (headless Chromium) joins, answers with and without JavaScript,
changes an answer, and the projector page follows live."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from server_helpers import ROOM_AGENDAS, PositionsPlugin

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.i18n import translator
from facilitate.plugins import Plugins
from facilitate.random_answers import form_answer
from facilitate.server import RunningServer, start_server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"
    ),
]

playwright_api = pytest.importorskip("playwright.async_api", reason="needs playwright")


@pytest.fixture
async def server(engine: Engine) -> AsyncIterator[RunningServer]:
    running = await start_server(engine, host="127.0.0.1", port=0)
    yield running
    await running.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        await launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: FACILITATE_SCREENSHOTS to keep them and look, else a temp dir."""
    folder = Path(os.environ.get("FACILITATE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


PHONE = {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1}


async def test_phones_answer_with_and_without_javascript_and_the_projector_follows(
    server: RunningServer, browser: Any, engine: Engine, shots: Path
) -> None:
    expect = playwright_api.expect
    projector = await (await browser.new_context()).new_page()
    await projector.goto(server.screen_url)
    await expect(projector.locator("h1")).to_have_text("Welcome")

    with_js = await (await browser.new_context(**PHONE)).new_page()
    without_js = await (await browser.new_context(**PHONE, java_script_enabled=False)).new_page()
    for phone in (with_js, without_js):
        await phone.goto(server.join_url)
        assert phone.url == server.local_url + "/"  # the code is gone from the address bar
        await expect(phone.locator("main")).to_contain_text("Please wait")

    # Item 1, single choice. The JavaScript phone gets it without a reload.
    engine.goto(1)
    engine.open_answering()
    await expect(projector.locator("h1")).to_have_text("Pick one")
    await expect(with_js.locator('form[action="/a/pick"]')).to_be_visible()
    await with_js.get_by_label("Phones").check()
    await with_js.get_by_role("button", name="Send").click()
    await expect(with_js.locator(".ok")).to_contain_text("Answer received")
    await with_js.get_by_label("Rest").check()
    await with_js.get_by_role("button", name="Change my answer").click()
    await expect(with_js.locator(".ok")).to_contain_text("Answer received")
    await expect(with_js.get_by_label("Rest")).to_be_checked()

    await without_js.get_by_role("link", name="Refresh").click()
    await without_js.get_by_label("Networks").check()
    await without_js.get_by_role("button", name="Send").click()
    await expect(without_js.locator(".ok")).to_contain_text("Answer received")
    assert sorted(v["choice"] for v in engine.runs["pick"].answers.values()) == [0, 2]

    engine.reveal()  # k = 2, and two phones answered
    bars = projector.locator(".block.bars li")
    await expect(bars).to_have_count(3)
    await expect(bars.nth(0)).to_contain_text("Rest")
    await expect(projector.locator(".status")).to_contain_text("2 answers")

    # Item 2: every field kind, on a 320-pixel-wide screen.
    engine.goto(3)
    engine.open_answering()
    for phone in (with_js, without_js):
        if phone is without_js:
            await phone.reload()
        await expect(phone.locator('form[action="/a/everything"]')).to_be_visible()
        await phone.get_by_label("Green").check()
        await phone.get_by_label("Pear").check()
        await phone.locator('label[for="f-mood-4"]').click()
        await phone.get_by_label("Say something").fill("solidarity")
        for option, place in (("Rest", "2"), ("Work", "3"), ("Play", "1")):
            await phone.get_by_label(option, exact=True).select_option(place)
        # Each grid row is a group named by its legend; each radio is named by its point.
        await phone.get_by_role("group", name="Speed").get_by_role("radio", name="3").check()
        await phone.get_by_role("group", name="Care").get_by_text("2", exact=True).click()
        await phone.get_by_label("Here", exact=True).fill("7")
        await phone.get_by_label("There", exact=True).fill("3")
        await phone.get_by_role("button", name="Send").click()
        await expect(phone.locator(".ok")).to_contain_text("Answer received")
        if phone is with_js:
            await phone.screenshot(path=str(shots / "participant-320.png"), full_page=True)
            width = await phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 320  # nothing sticks out sideways
    answers = list(engine.runs["everything"].answers.values())
    assert len(answers) == 2
    expected = {
        "colour": 1,
        "fruit": [1],
        "mood": 4,
        "words": "solidarity",
        "order": [2, 0, 1],
        "grid": [3, 2],
        "share": [7, 3],
    }
    assert answers == [expected, expected]
    await expect(projector.locator(".status")).to_contain_text("2 answers")

    # Nothing left behind in the browser but the session cookie, which scripts cannot read.
    assert await with_js.evaluate(
        "localStorage.length + sessionStorage.length === 0 && document.cookie === ''"
    )
    await with_js.get_by_role("link", name="Exit").click()
    await expect(with_js).to_have_title("Weather")
    await with_js.screenshot(path=str(shots / "quick-exit-320.png"))
    await projector.screenshot(path=str(shots / "projector.png"), full_page=True)


async def test_right_to_left_page_at_320_pixels(
    server: RunningServer, browser: Any, engine: Engine, shots: Path
) -> None:
    expect = playwright_api.expect
    phone = await (await browser.new_context(**PHONE, locale="ar")).new_page()
    await phone.goto(server.join_url)
    engine.goto(2)
    engine.open_answering()
    await expect(phone.locator('form[action="/a/several"]')).to_be_visible()
    assert await phone.evaluate("document.documentElement.dir") == "rtl"
    send = translator("ar").gettext("Send")
    await phone.get_by_role("button", name=send).click()  # nothing chosen: the browser may
    # stop it, or the server says why; either way nothing is stored
    assert engine.runs["several"].count == 0
    await phone.screenshot(path=str(shots / "participant-ar-320.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_every_field_kind_fits_a_360_pixel_phone(
    server: RunningServer, browser: Any, engine: Engine, shots: Path, language: str
) -> None:
    phone = await (
        await browser.new_context(
            viewport={"width": 360, "height": 740}, device_scale_factor=1, locale=language
        )
    ).new_page()
    await phone.goto(server.join_url)
    engine.goto(3)  # every field kind
    engine.open_answering()
    await phone.reload()
    await playwright_api.expect(phone.locator('form[action="/a/everything"]')).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 360
    await phone.screenshot(path=str(shots / f"participant-{language}-360.png"), full_page=True)


@pytest.fixture(params=sorted(ROOM_AGENDAS))
async def room_server(request: pytest.FixtureRequest) -> AsyncIterator[RunningServer]:
    plugins = Plugins(extra=[PositionsPlugin()])
    agenda = loads_agenda(ROOM_AGENDAS[request.param], plugins=plugins)
    engine = Engine.new(agenda, plugins=plugins, clock=ManualClock())
    running = await start_server(engine, host="127.0.0.1", port=0, facilitator_language="en")
    yield running
    await running.stop()
    engine.close()


async def test_projector_in_the_rooms_language_with_bars_and_a_scatter(
    room_server: RunningServer, browser: Any, shots: Path
) -> None:
    """The web projector at 1280 x 720, revealed bars then a scatter plot; screenshots for
    a person to look at (FACILITATE_SCREENSHOTS=folder keeps them)."""
    expect = playwright_api.expect
    engine = room_server.engine
    language = engine.agenda.language
    projector = await (
        await browser.new_context(viewport={"width": 1280, "height": 720})
    ).new_page()
    await projector.goto(room_server.screen_url)
    assert await projector.evaluate("document.documentElement.dir") == (
        "rtl" if language == "ar" else "ltr"
    )
    rng = random.Random(7)
    for index, (item_id, drawn) in enumerate((("pick", ".block.bars li"), ("map", "circle"))):
        engine.goto(index)
        engine.open_answering()
        engine.start_timer()
        for _ in range(6 if item_id == "pick" else 9):
            await engine.submit(engine.join(), item_id, form_answer(engine.form(item_id), rng))
        engine.reveal()
        await expect(projector.locator(drawn).first).to_be_visible()
        width = await projector.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280  # nothing sticks out sideways
        name = "bars" if item_id == "pick" else "scatter"
        await projector.screenshot(path=str(shots / f"screen-{language}-{name}.png"))
    await expect(projector.locator(".block.scatter text.name").first).to_be_visible()
