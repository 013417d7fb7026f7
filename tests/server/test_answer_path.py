"""The answer route's own way through the server (issue 13): past the router and the
middleware chain, behind the same guard, with every refusal and header it had."""

from __future__ import annotations

import asyncio
import gc
import sys
from typing import Any

import pytest
from server_helpers import form_token, open_item

from facilitate.engine import Engine
from facilitate.server import security
from facilitate.server.app import SWITCH_SECONDS, YOUNG_OBJECTS, make_app


@pytest.fixture
def routed(client: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the application's router was asked to find."""
    asked: list[str] = []
    router = client.server.app.router
    resolve = router.resolve

    async def counting(request: Any) -> Any:
        asked.append(request.path)
        return await resolve(request)

    monkeypatch.setattr(router, "resolve", counting)
    return asked


async def test_an_answer_skips_the_router_and_keeps_every_header(
    joined: Any, engine: Engine, routed: list[str]
) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    routed.clear()
    response = await joined.post(
        "/a/pick", data={"_ft": token, "choice": "1"}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/"
    for name, value in security.SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert engine.runs["pick"].count == 1
    assert routed == []  # straight to the handler (before: the router searched every time)


async def test_refusals_on_the_answer_route_are_the_same_pages(
    joined: Any, engine: Engine, routed: list[str]
) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    routed.clear()
    bad_form = await joined.post("/a/pick", data={"_ft": "forged", "choice": "1"})
    assert bad_form.status == 403
    assert "Content-Security-Policy" in bad_form.headers
    assert "out of date" in await bad_form.text()
    cross = await joined.post(
        "/a/pick", data={"_ft": token, "choice": "1"}, headers={"Origin": "http://elsewhere"}
    )
    assert cross.status == 403 and "another site" in await cross.text()
    closed = await joined.post("/a/next", data={"_ft": token, "choice": "1"})
    assert closed.status in (404, 409) and "Traceback" not in await closed.text()
    unknown = await joined.post("/a/nothing-here", data={"_ft": token})
    assert unknown.status == 404
    large = await joined.post("/a/pick", data={"_ft": token, "choice": "1" * 40_000})
    assert large.status == 413
    assert routed == []
    assert engine.runs["pick"].count == 0


async def test_an_unusual_answer_address_takes_the_ordinary_way(
    joined: Any, engine: Engine, routed: list[str]
) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    routed.clear()
    encoded = await joined.post("/a/pi%20ck", data={"_ft": token, "choice": "2"})
    assert encoded.status == 404 and "Content-Security-Policy" in encoded.headers
    assert routed == ["/a/pi ck"]  # decoded by the router, as before
    response = await joined.post(
        "/a/pick", data={"_ft": token, "choice": "2"}, headers={"Expect": "100-continue"}
    )
    assert response.status == 200  # the 303 followed to the page
    assert routed[1:] == ["/a/pick", "/"]
    assert engine.runs["pick"].count == 1
    deeper = await joined.post("/a/pick/more", data={"_ft": token, "choice": "2"})
    assert deeper.status == 404 and "Content-Security-Policy" in deeper.headers


async def test_a_storage_fault_on_the_answer_route_is_a_503(joined: Any, engine: Engine) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    engine.store.inject_fault = lambda: OSError(28, "No space left on device")
    try:
        response = await joined.post("/a/pick", data={"_ft": token, "choice": "1"})
    finally:
        engine.store.inject_fault = None
    assert response.status == 503
    assert "could not be saved" in await response.text()
    assert engine.runs["pick"].count == 0


async def test_the_collector_waits_for_more_objects_while_serving(
    aiohttp_client: Any, engine: Engine
) -> None:
    before = gc.get_threshold()
    client = await aiohttp_client(make_app(engine))
    assert gc.get_threshold()[0] >= YOUNG_OBJECTS  # before: 700, every few dozen answers
    await client.close()
    assert gc.get_threshold() == before


async def test_the_collector_threshold_comes_back_when_the_last_server_stops(
    aiohttp_client: Any, engine: Engine
) -> None:
    before = gc.get_threshold(), sys.getswitchinterval()
    first = await aiohttp_client(make_app(engine))
    second = await aiohttp_client(make_app(engine))
    await first.close()
    assert gc.get_threshold()[0] >= YOUNG_OBJECTS  # the second still serves
    assert sys.getswitchinterval() <= SWITCH_SECONDS
    await second.close()
    assert (gc.get_threshold(), sys.getswitchinterval()) == before


async def test_the_writer_thread_hands_commits_over_quickly_while_serving(
    aiohttp_client: Any, engine: Engine
) -> None:
    """The store's writer thread gets the interpreter back within half a millisecond
    of a commit while a server runs (Python's 5 ms made every batch of answers late)."""
    before = sys.getswitchinterval()
    assert before > SWITCH_SECONDS
    client = await aiohttp_client(make_app(engine))
    assert sys.getswitchinterval() == SWITCH_SECONDS
    await client.close()
    assert sys.getswitchinterval() == before


async def raw_post(port: int, head: str, body: bytes) -> bytes:
    """One request as bytes on its own connection; the response's head, as sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()
    reply = await reader.readuntil(b"\r\n\r\n")
    writer.close()
    return reply


def header_lines(reply: bytes) -> list[str]:
    return sorted(line for line in reply.decode("latin-1").split("\r\n")[1:] if line)


async def test_the_answers_303_is_what_aiohttp_would_write(joined: Any, engine: Engine) -> None:
    """The answer's 303 goes out as bytes made once (``responses.SeeOther``): they say
    what the ordinary way says, on a kept-alive HTTP/1.1 connection as on the others."""
    open_item(engine, 1)
    token = await form_token(joined)
    cookie = "; ".join(f"{c.key}={c.value}" for c in joined.session.cookie_jar)
    port = joined.server.port
    body = f"_ft={token}&choice=1".encode()
    common = (
        f"Host: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
    )
    kept = await raw_post(port, f"POST /a/pick HTTP/1.1\r\n{common}", body)
    closed = await raw_post(port, f"POST /a/pick HTTP/1.1\r\n{common}Connection: close\r\n", body)
    old = await raw_post(port, f"POST /a/pick HTTP/1.0\r\n{common}", body)
    assert kept.startswith(b"HTTP/1.1 303 See Other\r\n")
    assert old.startswith(b"HTTP/1.0 303 See Other\r\n")
    without_date = [line for line in header_lines(kept) if not line.startswith("Date: ")]
    assert [line for line in header_lines(closed) if not line.startswith("Date: ")] == sorted(
        [*without_date, "Connection: close"]
    )
    assert [line for line in header_lines(old) if not line.startswith("Date: ")] == without_date
    assert any(line.startswith("Date: ") for line in header_lines(kept))
    assert "Location: /" in without_date and "Content-Length: 0" in without_date
    for name, value in security.SECURITY_HEADERS.items():
        assert f"{name}: {value}" in without_date
    assert engine.runs["pick"].count == 1  # the same phone, three times


async def test_a_redirect_given_a_cookie_goes_the_ordinary_way(client: Any, engine: Engine) -> None:
    joining = await client.get(f"/j/{engine.join_code.replace(' ', '')}", allow_redirects=False)
    assert joining.status == 303 and joining.headers["Location"] == "/"
    assert "Set-Cookie" in joining.headers
    assert (
        joining.headers["Content-Security-Policy"]
        == security.SECURITY_HEADERS["Content-Security-Policy"]
    )
