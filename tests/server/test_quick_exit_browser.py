"""The quick exit in a real browser (headless Chromium), with JavaScript on and off:
after Exit, neither Back nor the address typed again shows the workshop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from server_helpers import open_item

from facilitate.engine import Engine
from facilitate.server import RunningServer, start_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
QUESTION = "Which topic first?"

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


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
async def test_after_exit_back_and_the_address_show_only_the_welcome(
    server: RunningServer, browser: Any, engine: Engine, javascript: bool
) -> None:
    open_item(engine, 1)
    context = await browser.new_context(java_script_enabled=javascript)
    phone = await context.new_page()
    await phone.goto(server.join_url)  # as a phone that scanned the QR code
    assert QUESTION in await phone.content()
    await phone.click("#exit")
    await phone.wait_for_url("**/w")
    assert not [c for c in await context.cookies() if c["name"] == "t"]
    await phone.go_back()
    back = await phone.content()
    assert QUESTION not in back and engine.agenda.title not in back
    await phone.goto(server.local_url + "/")
    again = await phone.content()
    assert QUESTION not in again and 'name="code"' in again
    await context.close()
