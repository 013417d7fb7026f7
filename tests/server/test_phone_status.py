"""What a phone says about where it stands: the item open or closed, the time left, the
answer received, its own free text waiting or approved (never anyone else's); and, with
JavaScript off, a full-width way on and pages that refresh themselves, except a form."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import escape
from server_helpers import form_token, make_client, open_item

from facilitate.agenda import loads_agenda
from facilitate.engine import Engine
from facilitate.plugins import Plugins
from facilitate.server.participant import REFRESH_SECONDS

REFRESHES = f'<noscript><meta http-equiv="refresh" content="{REFRESH_SECONDS}"></noscript>'
WAY_ON = '<a class="button wide" href="/">Check for the next question</a>'
SHARE = 4  # the free-text item of server_helpers.AGENDA


async def send(phone: Any, item_id: str, data: dict[str, str]) -> None:
    token = await form_token(phone)
    response = await phone.post(f"/a/{item_id}", data={"_ft": token, **data}, allow_redirects=False)
    assert response.status == 303


async def test_the_bar_says_open_and_the_time_left_once_the_timer_runs(
    joined: Any, engine: Engine, clock: Any
) -> None:
    open_item(engine, 1)
    page = await (await joined.get("/")).text()
    assert "<b>Open for answers</b>" in page and "Not answered yet." in page
    assert "left" not in page  # no time before the facilitator starts the timer
    engine.start_timer()
    clock.advance(75)
    page = await (await joined.get("/")).text()
    assert 'data-left="225"' in page and ">03:45 left</span>" in page
    engine.pause_timer()
    page = await (await joined.get("/")).text()
    assert "03:45 left (paused)" in page and "data-left" not in page
    clock.advance(1000)
    engine.start_timer()
    clock.advance(400)
    page = await (await joined.get("/")).text()
    assert "Time is up" in page
    engine.close_answering()
    page = await (await joined.get("/")).text()
    assert "<b>Answering is closed</b>" in page


async def test_own_free_text_waits_then_is_approved_and_nothing_of_others_shows(
    client: Any, aiohttp_client: Any, joined: Any, engine: Engine
) -> None:
    open_item(engine, SHARE)
    other = await make_client(aiohttp_client, client)
    await other.get(f"/j/{engine.join_code.replace(' ', '')}")
    await send(joined, "share", {"text": "Rest days, and a plan for when things go wrong at night"})
    await send(other, "share", {"text": "a named person"})
    mine = await (await joined.get("/")).text()
    assert "Answer received. Thank you!" in mine
    waiting = escape("“Rest days, and a plan for when things…”: waiting for the facilitator's")
    assert waiting in mine and "a named person" not in mine
    assert 'data-poll="1"' in mine  # with JavaScript, the bar asks again now and then
    pending = {text.text: text.id for text in engine.pending("share")}
    engine.approve("share", pending["Rest days, and a plan for when things go wrong at night"])
    engine.reject("share", pending["a named person"])
    bar = await (await joined.get("/?part=bar")).text()
    assert bar.lstrip().startswith("{#") is False and 'id="bar"' in bar
    assert escape("”: approved for the screen") in bar and 'data-poll="1"' not in bar
    theirs = await (await other.get("/")).text()
    # A rejected text was erased from the answer: nothing to report, and nothing of mine.
    assert "approved" not in theirs and "waiting for" not in theirs and "Rest days" not in theirs
    assert "Answer received" in theirs


async def test_without_javascript_pages_without_a_form_refresh_themselves(
    joined: Any, engine: Engine
) -> None:
    waiting = await (await joined.get("/")).text()  # the welcome item: nothing to answer
    assert REFRESHES in waiting and WAY_ON in waiting
    open_item(engine, 1)
    form = await (await joined.get("/")).text()
    assert '<form method="post"' in form and "http-equiv" not in form  # never while filling
    await send(joined, "pick", {"choice": "1"})
    answered = await (await joined.get("/")).text()
    assert "http-equiv" not in answered and WAY_ON in answered  # the answer can still change
    engine.close_answering()
    closed = await (await joined.get("/")).text()
    assert REFRESHES in closed and WAY_ON in closed and '<form method="post"' not in closed


async def test_phones_hear_of_a_timer_change_without_reloading_their_form(
    joined: Any, engine: Engine
) -> None:
    open_item(engine, 1)
    page = await (await joined.get("/")).text()
    assert 'data-timer="0"' in page
    response = await joined.get("/events")
    first = json.loads(await _data(response))
    engine.start_timer()
    later = json.loads(await _data(response))
    assert later["item"] == first["item"] and later["phase"] == first["phase"]
    assert later["timer"] == first["timer"] + 1
    response.close()
    assert 'data-timer="1"' in await (await joined.get("/")).text()
    engine.goto(0)  # a bar asked for between items is empty, not an error
    response = await joined.get("/?part=bar")
    assert response.status == 200 and await response.text() == ""


async def _data(response: Any) -> str:
    while True:
        line = (await response.content.readline()).decode()
        if line.startswith("data: "):
            return line[len("data: ") :]


async def test_word_cloud_boxes_are_labelled_in_the_rooms_words(aiohttp_client: Any) -> None:
    from facilitate.server import make_app

    agenda = loads_agenda(
        'title = "Words"\n[[items]]\nid = "cloud"\ntitle = "Cloud"\nduration = "5m"\n'
        '[items.activity]\ntype = "wordcloud"\nquestion = "Safe means..."\n'
    )
    engine = Engine.new(agenda, plugins=Plugins())
    client = await aiohttp_client(make_app(engine))
    await client.get(f"/j/{engine.join_code.replace(' ', '')}")
    open_item(engine, 0)
    page = await (await client.get("/")).text()
    for number in (1, 2, 3):
        assert f">Word or phrase {number}</label>" in page
    engine.close()
