"""Hardening against a hostile network and a hostile room (issue "Anonymity and safety").

A flood of wrong join codes, the projector's address read off the wall, the quick exit
on a phone someone else may pick up, requests too broken to reach the application.
Real servers here listen on 127.0.0.1 only, on a free port.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from server_helpers import AGENDA, open_item

from facilitate.agenda import loads_agenda
from facilitate.engine import Engine
from facilitate.plugins import Plugins
from facilitate.server import start_server
from facilitate.server.security import SECURITY_HEADERS
from facilitate.store import Store

FLOOD_PER_SECOND = 100
GENUINE_PHONES = 10

# -- a flood of wrong codes ------------------------------------------------------------------


async def flood_while_phones_join(engine: Engine, join_url: str | None = None) -> dict[str, int]:
    """Wrong codes at 100 a second while ten phones scan the QR code, one every 0.1 s
    from half a second in (when the wrong codes have long used up any allowance).

    Returns how many genuine joins were refused, and how the flood was answered.
    """
    server = await start_server(engine, host="127.0.0.1", port=0)
    right = engine.join_code.replace(" ", "")
    rng = random.Random(7)
    figures = {"genuine_refused": 0, "flood_sent": 0, "flood_limited": 0}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def flood(session: aiohttp.ClientSession) -> None:
        started = loop.time()
        while not stop.is_set() and figures["flood_sent"] < 1000:
            await asyncio.sleep(
                max(0.0, started + figures["flood_sent"] / FLOOD_PER_SECOND - loop.time())
            )
            wrong = right
            while wrong == right:
                wrong = str(rng.randrange(100_000, 1_000_000))
            async with session.get(f"{server.local_url}/j/{wrong}", allow_redirects=False) as r:
                await r.read()
                figures["flood_sent"] += 1
                figures["flood_limited"] += r.status == 429

    async def phone() -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            url = join_url or server.join_url
            async with session.get(url, allow_redirects=False) as response:
                if response.status != 303:
                    figures["genuine_refused"] += 1

    try:
        async with aiohttp.ClientSession() as flooder:
            flooding = asyncio.create_task(flood(flooder))
            await asyncio.sleep(0.5)
            for _ in range(GENUINE_PHONES):
                await phone()
                await asyncio.sleep(0.1)
            stop.set()
            await flooding
    finally:
        await server.stop()
    return figures


async def test_a_flood_of_wrong_codes_never_keeps_out_a_phone_that_scans(engine: Engine) -> None:
    figures = await flood_while_phones_join(engine)
    print(f"\nflood of wrong codes at {FLOOD_PER_SECOND}/s: {figures}")
    assert figures["genuine_refused"] == 0, figures
    assert engine.joined == GENUINE_PHONES
    assert figures["flood_limited"] > figures["flood_sent"] // 2  # the guessing is slowed


# -- the projector's address -----------------------------------------------------------------


async def test_the_projector_address_opens_only_the_projector(client: Any, engine: Engine) -> None:
    control = await (await client.get(f"/control/{engine.facilitator_secret}")).text()
    found = re.search(r'href="(/screen/[^"]+)"', control)
    assert found is not None
    screen_path = found[1]
    screen = await client.get(screen_path)
    assert screen.status == 200
    assert engine.facilitator_secret not in await screen.text()
    seen = screen_path.rsplit("/", 1)[1]  # what the room reads in the address bar
    for path in (f"/control/{seen}", f"/control/{seen}/part", f"/control/{seen}/events"):
        assert (await client.get(path)).status == 403, path
    moved = await client.post(f"/control/{seen}/next", headers={"Accept": "application/json"})
    assert moved.status == 403 and engine.index == 0


async def test_the_control_secret_on_the_projector_moves_to_the_projectors_own(
    client: Any, engine: Engine
) -> None:
    response = await client.get(f"/screen/{engine.facilitator_secret}", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == f"/screen/{engine.projector_secret}"
    part = await client.get(f"/screen/{engine.facilitator_secret}/part", allow_redirects=False)
    assert part.headers["Location"] == f"/screen/{engine.projector_secret}/part"


def test_a_resumed_session_keeps_its_projector_secret_and_an_old_one_gets_one(
    plugins: Plugins, tmp_path: Path
) -> None:
    agenda = loads_agenda(AGENDA, plugins=plugins)
    engine = Engine.new(agenda, Store.create(directory=tmp_path), plugins=plugins)
    session, first, path = engine.store.id, engine.projector_secret, engine.store.path
    assert first != engine.facilitator_secret
    engine.close()
    again = Engine.resume(Store.open(session, tmp_path), plugins=plugins)
    assert again.projector_secret == first
    again.close()
    assert path is not None
    with contextlib.closing(sqlite3.connect(path)) as db:  # a session from before
        db.execute("DELETE FROM meta WHERE key = 'projector_secret'")
        db.commit()
    old = Engine.resume(Store.open(session, tmp_path), plugins=plugins)
    given = old.projector_secret
    assert given and given not in (first, old.facilitator_secret)
    old.close()
    later = Engine.resume(Store.open(session, tmp_path), plugins=plugins)
    assert later.projector_secret == given  # stored, so the projector's address holds
    later.close()


# -- the quick exit and the cookie's life -----------------------------------------------------


async def test_quick_exit_ends_the_device_cookie_and_leaves_no_way_back(
    joined: Any, engine: Engine
) -> None:
    open_item(engine, 1)
    assert "Which topic first?" in await (await joined.get("/")).text()
    exit_page = await joined.get("/w")
    cookies = exit_page.headers.getall("Set-Cookie")
    ended = [c for c in cookies if c.startswith("t=")]
    assert ended and ("Max-Age=0" in ended[0] or "expires=Thu, 01 Jan 1970" in ended[0])
    assert "cookies" in exit_page.headers["Clear-Site-Data"]
    # Back, Refresh or the address typed again: the welcome page, nothing of the workshop.
    again = await (await joined.get("/")).text()
    assert 'name="code"' in again
    assert "Which topic first?" not in again and engine.agenda.title not in again


async def test_the_device_cookie_lasts_no_longer_than_the_session(
    client: Any, engine: Engine
) -> None:
    from facilitate.server.state import COOKIE_GRACE

    response = await client.get(f"/j/{engine.join_code.replace(' ', '')}", allow_redirects=False)
    cookie = response.headers["Set-Cookie"]
    found = re.search(r"Max-Age=(\d+)", cookie, re.IGNORECASE)
    assert found is not None, cookie
    planned = sum(item.duration for item in engine.agenda.items)
    assert planned <= int(found[1]) <= planned + COOKIE_GRACE
    language = await client.get("/?lang=fr")
    assert "Max-Age=" in language.headers["Set-Cookie"]


# -- every response carries the headers -------------------------------------------------------


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
        b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
    ],
    ids=["bad-header", "control-in-path", "bad-length"],
)
async def test_aiohttps_own_refusals_carry_the_security_headers(
    engine: Engine, request_bytes: bytes
) -> None:
    server = await start_server(engine, host="127.0.0.1", port=0)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(request_bytes)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(65536), 5)
        writer.close()
    finally:
        await server.stop()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = head.split("\r\n", 1)[0]
    assert " 400 " in status, head
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in head.split("\r\n")[1:])
    }
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, (name, head)


async def test_the_control_page_is_never_compressed(client: Any, engine: Engine) -> None:
    """It holds the control secret beside texts participants wrote: compressed, its size
    over TLS would let a participant who watches the traffic guess the secret."""
    open_item(engine, 4)
    run = engine.runs["share"]
    for number in range(40):  # forty texts waiting for approval, as phones would send them
        engine.answers.apply(run, f"pseudonym-{number}", {"text": f"text {number} " + "x" * 60})
    control = f"/control/{engine.facilitator_secret}"
    for path in (control, f"{control}/part"):
        response = await client.get(path, headers={"Accept-Encoding": "gzip"})
        body = await response.read()
        assert len(body) > 4096 and "Content-Encoding" not in response.headers, path
