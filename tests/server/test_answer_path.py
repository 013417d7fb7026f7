"""The answer route's own way through the server (issue 13): past the router and the
middleware chain, behind the same guard, with every refusal and header it had."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from server_helpers import form_token, open_item

from facilitate.engine import Engine
from facilitate.server import security
from facilitate.server.app import YOUNG_OBJECTS, make_app


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
    before = gc.get_threshold()
    first = await aiohttp_client(make_app(engine))
    second = await aiohttp_client(make_app(engine))
    await first.close()
    assert gc.get_threshold()[0] >= YOUNG_OBJECTS  # the second still serves
    await second.close()
    assert gc.get_threshold() == before
