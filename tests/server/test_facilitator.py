"""The projector page and the control API: the secret, every action, and bad requests."""

from __future__ import annotations

import random
from typing import Any

import pytest
from markupsafe import escape
from server_helpers import form_token, make_client, open_item

from facilitate.clock import ManualClock
from facilitate.engine import OPEN, Engine
from facilitate.i18n import translator
from facilitate.room import Withheld, withheld_message
from facilitate.server.security import FACILITATOR_ONLY, NOT_FOUND, WRONG_METHOD


def base(engine: Engine, page: str = "control") -> str:
    secret = engine.projector_secret if page == "screen" else engine.facilitator_secret
    return f"/{page}/{secret}"


JSON = {"Accept": "application/json"}


async def answer(
    aiohttp_client: Any, client: Any, engine: Engine, item_id: str, data: dict
) -> None:
    """A fresh phone joins and answers."""
    phone = await make_client(aiohttp_client, client)
    await phone.get(f"/j/{engine.join_code.replace(' ', '')}")
    token = await form_token(phone)
    response = await phone.post(f"/a/{item_id}", data={"_ft": token, **data}, allow_redirects=False)
    assert response.status == 303


# -- the secret ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/screen",
        "/screen/wrong",
        "/screen/wrong/part",
        "/screen/wrong/events",
        "/control",
        "/control/wrong",
        "/control/wrong/part",
    ],
)
async def test_facilitator_pages_need_the_secret(client: Any, path: str) -> None:
    response = await client.get(path, headers={"Accept-Language": "es"})
    assert response.status == 403
    text = await response.text()
    assert translator("es").gettext(FACILITATOR_ONLY) in text and 'lang="es"' in text


async def test_control_with_a_bad_secret_changes_nothing(client: Any, engine: Engine) -> None:
    response = await client.post("/control/wrong/next")
    assert response.status == 403
    assert engine.index == 0
    response = await client.post(f"/control/{engine.facilitator_secret[:-1]}x/next", headers=JSON)
    assert response.status == 403
    assert "error" in await response.json()
    assert engine.index == 0


# -- the control API -------------------------------------------------------------------------


async def test_every_control_action(client: Any, engine: Engine, clock: ManualClock) -> None:
    async def act(action: str, **data: Any) -> dict:
        response = await client.post(f"{base(engine)}/{action}", data=data, headers=JSON)
        assert response.status == 200, await response.text()
        return await response.json()

    assert (await act("next"))["state"]["index"] == 1
    assert (await act("previous"))["state"]["index"] == 0
    assert (await act("goto", index=2))["state"]["item"] == "several"
    assert (await act("goto", item="pick"))["state"]["index"] == 1
    assert (await act("start"))["state"]["running"] is True
    clock.advance(60)
    state = (await act("pause"))["state"]
    assert state["running"] is False and state["remaining"] == 240
    assert (await act("extend", seconds=120))["state"]["remaining"] == 360
    assert (await act("extend"))["state"]["remaining"] == 420
    assert (await act("open"))["state"]["phase"] == OPEN
    assert (await act("reveal"))["state"]["revealed"] is True
    assert (await act("reveal", hide=1))["state"]["revealed"] is False
    assert (await act("close"))["state"]["phase"] == "closed"
    assert (await act("lock"))["state"]["locked"] is True
    assert (await act("lock", locked=0))["state"]["locked"] is False
    old = engine.join_code
    assert (await act("rotate"))["state"]["join_code"] != old


async def test_every_action_of_the_commands_table_is_reachable(client: Any, engine: Engine) -> None:
    from facilitate.commands import COMMANDS

    engine.goto(1)
    page = await (await client.get(base(engine))).text()
    for name in ("previous", "next", "start", "extend", "open", "reveal", "lock", "rotate", "goto"):
        assert f'action="{base(engine)}/{name}"' in page, name
    for name in COMMANDS:  # every command is an endpoint; none is refused as unknown
        response = await client.post(f"{base(engine)}/{name}", headers=JSON)
        assert response.status in (200, 400), name
        body = await response.json()
        assert body["ok"] is (response.status == 200), (name, body)


async def test_next_on_a_failed_item_skips_it_as_the_terminal_does(
    client: Any, engine: Engine
) -> None:
    engine.goto(1)
    engine.current_run.error = "plugin 'x' failed in view: RuntimeError: boom"
    response = await client.post(f"{base(engine)}/next", headers=JSON)
    answer = await response.json()
    assert answer["ok"] is True and answer["state"]["index"] == 2
    assert engine.runs["pick"].error is None  # coming back tries the item again


async def test_the_answer_says_what_the_action_did(client: Any, engine: Engine) -> None:
    engine.goto(1)
    engine.open_answering()
    response = await client.post(f"{base(engine)}/reveal", headers=JSON)
    answer = await response.json()
    assert answer["message"] == "Revealed, but the room sees results only from 2 answers on."
    response = await client.post(f"{base(engine)}/rotate", headers=JSON)
    answer = await response.json()
    assert answer["join_code"] == engine.join_code == answer["state"]["join_code"]
    page = await (await client.get(base(engine))).text()
    assert 'class="said"' in page and "New join code; phones already in stay in." in page


async def test_control_parameters_can_come_as_json(client: Any, engine: Engine) -> None:
    response = await client.post(f"{base(engine)}/goto", json={"index": 3}, headers=JSON)
    assert (await response.json())["state"]["item"] == "everything"
    response = await client.post(f"{base(engine)}/extend", json={"minutes": 2}, headers=JSON)
    assert (await response.json())["state"]["remaining"] == 420
    response = await client.post(f"{base(engine)}/goto", json=[3], headers=JSON)
    assert response.status == 400 and engine.index == 3


async def test_moderation_through_the_control_api(
    client: Any, aiohttp_client: Any, engine: Engine
) -> None:
    open_item(engine, 4)
    await answer(aiohttp_client, client, engine, "share", {"text": "rest days"})
    await answer(aiohttp_client, client, engine, "share", {"text": "Maria's house"})
    pending = {p.text: p.id for p in engine.pending("share")}
    response = await client.post(
        f"{base(engine)}/approve", data={"item": "share", "id": pending["rest days"]}, headers=JSON
    )
    assert (await response.json())["changed"] == 1
    response = await client.post(
        f"{base(engine)}/reject", data={"id": pending["Maria's house"]}, headers=JSON
    )
    assert (await response.json())["changed"] == 1
    assert engine.pending("share") == []


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("goto", {}),
        ("goto", {"index": "x"}),
        ("goto", {"index": "99"}),
        ("goto", {"item": "nope"}),
        ("extend", {"seconds": "soon"}),
        ("extend", {"seconds": "999999"}),
        ("approve", {}),
        ("approve", {"item": "nope", "id": "1"}),
    ],
)
async def test_bad_control_parameters(client: Any, engine: Engine, action: str, data: dict) -> None:
    response = await client.post(f"{base(engine)}/{action}", data=data, headers=JSON)
    assert response.status == 400
    answer = await response.json()
    assert answer["ok"] is False and answer["error"]
    page = await client.post(f"{base(engine)}/{action}", data=data)
    text = await page.text()
    assert page.status == 400 and "Not done" in text and "Traceback" not in text
    assert escape(answer["error"]) in text  # the same reason, readable
    assert f'href="{base(engine)}"' in text  # and the way back
    assert engine.index == 0 and engine.current_run.timer.adjustment == 0


async def test_unknown_action_and_get_on_actions(client: Any, engine: Engine) -> None:
    response = await client.post(f"{base(engine)}/explode")
    assert response.status == 404 and NOT_FOUND in await response.text()
    response = await client.get(f"{base(engine)}/next")
    assert response.status == 405 and WRONG_METHOD in await response.text()


async def test_control_refuses_cross_origin_posts(client: Any, engine: Engine) -> None:
    response = await client.post(f"{base(engine)}/next", headers={"Origin": "http://evil.example"})
    assert response.status == 403
    assert engine.index == 0


async def test_browser_control_buttons_redirect_back(client: Any, engine: Engine) -> None:
    page = await (await client.get(base(engine))).text()
    assert f'action="{base(engine)}/next"' in page
    response = await client.post(f"{base(engine)}/next", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == base(engine)
    assert engine.index == 1


async def test_control_page_lists_pending_text_for_approval(
    client: Any, aiohttp_client: Any, engine: Engine
) -> None:
    open_item(engine, 4)
    await answer(aiohttp_client, client, engine, "share", {"text": "<b>rest</b>"})
    page = await (await client.get(f"{base(engine)}/part")).text()
    assert "&lt;b&gt;rest&lt;/b&gt;" in page and "Approve" in page


# -- the projector page ----------------------------------------------------------------------


async def test_projector_shows_title_timer_code_and_qr(client: Any, engine: Engine) -> None:
    engine.goto(1)
    page = await (await client.get(base(engine, "screen"))).text()
    assert "Pick one" in page and 'id="timer"' in page and "05:00" in page
    assert engine.join_code in page and "<svg" in page
    # The address to type the code at, beside the QR code (which carries the join link).
    # It may break between its scheme, host and port, never inside a number.
    assert '<p class="url" dir="ltr"><span>http://</span><wbr><span>127.0.0.1</span><wbr>' in page
    assert engine.access.link_key not in page and engine.facilitator_secret not in page


async def test_projector_respects_the_threshold_and_reveal(
    client: Any, aiohttp_client: Any, engine: Engine
) -> None:
    open_item(engine, 1)
    part = f"{base(engine, 'screen')}/part"
    await answer(aiohttp_client, client, engine, "pick", {"choice": "1"})
    engine.reveal()
    page = await (await client.get(part)).text()
    too_few = withheld_message(Withheld.TOO_FEW, translator("en"), k=2)
    assert too_few in page and '<svg class="bar' not in page
    await answer(aiohttp_client, client, engine, "pick", {"choice": "1"})
    page = await (await client.get(part)).text()
    assert 'class="block bars"' in page and "Phones" in page
    engine.reveal(False)
    page = await (await client.get(part)).text()
    hidden = withheld_message(Withheld.NOT_REVEALED, translator("en"), k=2)
    assert hidden in page and 'class="block bars"' not in page


async def test_projector_shows_free_text_only_once_approved(
    client: Any, aiohttp_client: Any, engine: Engine
) -> None:
    open_item(engine, 4)
    for text in ("rest days", "a named person", "rest days"):
        await answer(aiohttp_client, client, engine, "share", {"text": text})
    engine.reveal()
    part = f"{base(engine, 'screen')}/part"
    page = await (await client.get(part)).text()
    assert "rest days" not in page and "a named person" not in page
    pending = {p.text: p.id for p in engine.pending("share")}
    engine.approve("share", pending["rest days"])
    page = await (await client.get(part)).text()
    assert "rest days" in page and "a named person" not in page


async def test_projector_live_channel_tells_of_changes(client: Any, engine: Engine) -> None:
    response = await client.get(f"{base(engine, 'screen')}/events")
    assert response.headers["Content-Type"].startswith("text/event-stream")
    first = await response.content.readline()
    assert first.startswith(b"event: change")
    await response.content.readline()
    await response.content.readline()
    engine.next()
    line = await response.content.readline()
    assert line.startswith(b"event: change")
    response.close()


async def test_projector_survives_a_random_day(
    client: Any, aiohttp_client: Any, engine: Engine
) -> None:
    rng = random.Random(5)
    for _ in range(15):
        engine.goto(rng.randrange(len(engine.agenda.items)))
        engine.open_answering()
        engine.reveal(rng.random() < 0.7)
        assert (await client.get(f"{base(engine, 'screen')}/part")).status == 200
        assert (await client.get(f"{base(engine)}/part")).status == 200


async def test_projector_shows_the_wifi_code_beside_the_join_code(
    aiohttp_client: Any, engine: Engine
) -> None:
    from facilitate.qr import wifi_qr_payload
    from facilitate.server import make_app

    client = await aiohttp_client(make_app(engine, wifi_payload=wifi_qr_payload("Room", "pw")))
    page = await (await client.get(base(engine, "screen"))).text()
    assert page.count("<svg") == 2 and "Wi-Fi" in page
    assert "P:pw" not in page  # the password is only in the QR modules, not as text
