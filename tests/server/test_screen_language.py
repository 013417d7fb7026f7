"""The web projector draws the room model in the agenda's language (Arabic right to left),
with no English word left from the core catalog; the control page speaks the
facilitator's language."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from babel.messages.pofile import read_po
from markupsafe import escape
from server_helpers import ROOM_AGENDAS, PositionsPlugin

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.i18n import CORE_CATALOG, translator
from facilitate.plugins import Plugins
from facilitate.random_answers import form_answer
from facilitate.render import figures
from facilitate.room import room_view
from facilitate.server import make_app

WIFI = "WIFI:T:WPA;S:Sala 4;P:secreto;;"


@pytest.fixture(params=sorted(ROOM_AGENDAS))
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    plugins = Plugins(extra=[PositionsPlugin()])
    agenda = loads_agenda(ROOM_AGENDAS[request.param], plugins=plugins)
    engine = Engine.new(agenda, plugins=plugins, clock=ManualClock())
    yield engine
    engine.close()


async def answer_all(engine: Engine, item_id: str, count: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        await engine.submit(engine.join(), item_id, form_answer(engine.form(item_id), rng))


# -- what a person reads on a page ------------------------------------------------------------


def readable(page: str) -> str:
    """The text a person can read or hear: element text, titles and labels."""
    labels = re.findall(r'(?:aria-label|title|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *labels]))


@cache
def english_phrases(language: str) -> tuple[str, ...]:
    """The pieces of every core catalog message that ``language`` translates differently.

    Placeholders split a message into pieces ("Item ", " of "); pieces shorter than four
    letters are left out, since they are also parts of other words.
    """
    with CORE_CATALOG.path("en").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    t = translator(language)
    phrases = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        for english in ids:
            probe = {name: "" for name in re.findall(r"{(\w+)", english)}
            if message.context:
                translated = t.pgettext(message.context, english, **probe)
            elif len(ids) > 1:
                translated = t.ngettext(ids[0], ids[1], 5, **probe)
            else:
                translated = t.gettext(english, **probe)
            for piece in re.split(r"{[^}]*}", english):
                piece = piece.strip(" .,:;·()!?")
                if len(re.sub(r"\W", "", piece)) >= 4 and piece not in translated:
                    phrases.add(piece)
    return tuple(sorted(phrases))


def english_left(page: str, language: str) -> list[str]:
    text = readable(page)
    return [
        phrase
        for phrase in english_phrases(language)
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
    ]


# -- the projector page -----------------------------------------------------------------------


async def test_projector_page_draws_the_room_model_in_the_agenda_language(
    aiohttp_client: Any, engine: Engine
) -> None:
    client = await aiohttp_client(make_app(engine, wifi_payload=WIFI, facilitator_language="en"))
    screen = f"/screen/{engine.facilitator_secret}"
    language = engine.agenda.language

    page = await (await client.get(screen)).text()
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert '<p class="code" dir="ltr">' in page  # digit groups keep their order

    async def shows_the_room_model() -> str:
        part = await (await client.get(f"{screen}/part")).text()
        room = room_view(engine)
        text = readable(part)
        for words in (room.status, room.join_caption, room.timer.digits, room.title):
            assert words in text, words
        for words in (room.call_to_action, room.withheld_message, room.timer.caption):
            if words:
                assert words in text, words
        assert f"2. {room.labels['join']}" in text and f"1. {room.labels['wifi']}" in text
        return part

    await shows_the_room_model()  # not open yet
    engine.open_answering()
    engine.start_timer()
    await answer_all(engine, "pick", 1)
    await shows_the_room_model()  # one answer: not revealed
    engine.reveal()
    await shows_the_room_model()  # revealed, fewer than k
    await answer_all(engine, "pick", 4, seed=4)
    engine.close_answering()
    engine.lock(True)
    part = await shows_the_room_model()  # results, locked
    assert 'class="block bars"' in part


@pytest.mark.parametrize("locked", [False, True])
async def test_a_revealed_projector_has_no_english_left(
    aiohttp_client: Any, engine: Engine, locked: bool
) -> None:
    client = await aiohttp_client(make_app(engine, wifi_payload=WIFI, facilitator_language="en"))
    screen = f"/screen/{engine.facilitator_secret}"
    language = engine.agenda.language
    assert english_phrases(language)  # the probe finds the catalog's English
    shown = []
    for index, item_id in enumerate(("pick", "map")):
        engine.goto(index)
        shown.append(await (await client.get(screen)).text())
        engine.open_answering()
        engine.start_timer()
        await answer_all(engine, item_id, 2)
        shown.append(await (await client.get(f"{screen}/part")).text())
        engine.reveal()
        shown.append(await (await client.get(f"{screen}/part")).text())  # fewer than k
        await answer_all(engine, item_id, 4, seed=index)
        engine.close_answering()
        engine.clock.advance(400)  # type: ignore[attr-defined]  # over time
        part = await (await client.get(f"{screen}/part")).text()
        assert room_view(engine).shows_result, room_view(engine).withheld_message
        shown.append(part)
    assert 'class="block bars"' in shown[3] and 'class="block scatter"' in shown[7]
    engine.lock(locked)
    shown.append(await (await client.get(screen)).text())
    for page in shown:
        assert english_left(page, language) == [], readable(page)


async def test_web_projector_percentages_are_the_terminals(
    aiohttp_client: Any, engine: Engine
) -> None:
    client = await aiohttp_client(make_app(engine))
    engine.open_answering()
    await answer_all(engine, "pick", 7)
    engine.reveal()
    part = await (await client.get(f"/screen/{engine.facilitator_secret}/part")).text()
    t = translator(engine.agenda.language)
    (bars,) = [block for block in room_view(engine).blocks if block.__class__.__name__ == "Bars"]
    rows = re.findall(r"<li.*?</li>", part)
    shown = figures.bars(bars, t)
    assert len(rows) == len(shown) == 3
    for row, bar in zip(rows, shown, strict=True):
        assert bar.share, "a choice's bars count answers, so each has its share"
        assert escape(bar.label) in row
        assert f'{bar.number} <span class="pc">{bar.share}</span>' in row


# -- the control page -------------------------------------------------------------------------


@pytest.mark.parametrize("facilitator", ["es", "fr"])
async def test_control_page_speaks_the_facilitators_language(
    aiohttp_client: Any, engine: Engine, facilitator: str
) -> None:
    client = await aiohttp_client(make_app(engine, facilitator_language=facilitator))
    base = f"/control/{engine.facilitator_secret}"
    t = translator(facilitator)
    page = await (await client.get(base)).text()
    assert f'<html lang="{facilitator}" dir="ltr">' in page
    for label in ("Next item", "Previous item", "Start the timer", "Lock the room"):
        assert escape(t.gettext(label)) in page, label
    assert t.gettext("Next item") != "Next item"  # the catalog does translate them
    response = await client.post(f"{base}/lock", headers={"Accept": "application/json"})
    said = (await response.json())["message"]
    assert said == t.gettext("Room locked: no new phones can join.")
    assert escape(said) in await (await client.get(f"{base}/part")).text()
    refused = await client.post(f"{base}/goto", data={"index": "x"})
    assert refused.status == 400
    text = await refused.text()
    assert f'lang="{facilitator}"' in text and "Traceback" not in text
    # The projector keeps the room's language whatever the facilitator's.
    screen = await (await client.get(f"/screen/{engine.facilitator_secret}")).text()
    assert f'<html lang="{engine.agenda.language}"' in screen
