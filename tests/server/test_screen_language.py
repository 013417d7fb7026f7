"""The web projector page speaks the agenda's language (Arabic right to left); the control
page stays English."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.server import make_app
from facilitate.server.i18n import MESSAGES
from facilitate.simulate import form_answer

AGENDA = """
title = "Día de seguridad"
language = "{language}"
k = 3

[[items]]
id = "pick"
title = "Elige una"
duration = "5m"
[items.activity]
type = "choice"
question = "¿Qué primero?"
options = ["Contraseñas", "Copias", "Teléfonos"]
"""

WIFI = "WIFI:T:WPA;S:Sala 4;P:secreto;;"

SCREEN_KEYS = (
    "screen_results_once_revealed",
    "screen_results_after_answers",
    "screen_room_locked",
    "screen_join",
    "screen_item_of",
    "screen_not_open",
    "screen_open",
    "screen_closed",
    "screen_answers_one",
    "screen_joined",
    "screen_locked",
)
"""The English of these must not be left on a translated projector page."""


@pytest.fixture(params=["es", "ar"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    agenda = loads_agenda(AGENDA.format(language=request.param))
    engine = Engine.new(agenda, clock=ManualClock())
    yield engine
    engine.close()


def words(engine: Engine, key: str, **params: object) -> str:
    return MESSAGES[engine.agenda.language][key].format(**params)


def english(key: str, **params: object) -> str:
    return MESSAGES["en"][key].format(**params)


async def submit_one(engine: Engine) -> None:
    token = engine.join()
    await engine.submit(token, "pick", form_answer(engine.form("pick"), random.Random(3)))


async def test_projector_page_follows_the_agenda_language(
    aiohttp_client: Any, engine: Engine
) -> None:
    client = await aiohttp_client(make_app(engine, wifi_payload=WIFI))
    screen = f"/screen/{engine.facilitator_secret}"
    pages: list[str] = []

    page = await (await client.get(screen)).text()
    pages.append(page)
    direction = "rtl" if engine.agenda.language == "ar" else "ltr"
    assert f'<html lang="{engine.agenda.language}" dir="{direction}">' in page
    assert words(engine, "screen_item_of", number=1, total=1) in page
    assert words(engine, "screen_not_open") in page
    assert f"<title>{words(engine, 'screen_join')}</title>" in page
    assert f"2. {words(engine, 'screen_join')}" in page
    assert '<p class="code" dir="ltr">' in page  # digit groups keep their order

    engine.open_answering()
    await submit_one(engine)
    part = await (await client.get(f"{screen}/part")).text()
    pages.append(part)
    assert words(engine, "screen_open") in part
    assert words(engine, "screen_answers_one", count=1) in part
    assert words(engine, "screen_joined", count=1) in part
    assert words(engine, "screen_results_once_revealed") in part

    engine.reveal()
    engine.close_answering()
    engine.lock(True)
    part = await (await client.get(f"{screen}/part")).text()
    pages.append(part)
    assert words(engine, "screen_results_after_answers", k=3) in part
    assert words(engine, "screen_closed") in part
    assert words(engine, "screen_room_locked") in part
    assert words(engine, "screen_locked") in part

    shown = "\n".join(pages)
    for key in SCREEN_KEYS:
        leftover = english(key, k=3, count=1, number=1, total=1)
        assert f">{leftover}" not in shown and f" {leftover}<" not in shown, leftover
    assert "answering" not in shown and "joined" not in shown

    # The facilitator's control page stays English.
    control = await (await client.get(f"/control/{engine.facilitator_secret}")).text()
    assert '<html lang="en" dir="ltr">' in control
    assert "answering closed" in control and "1 joined" in control and "room locked" in control
