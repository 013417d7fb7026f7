"""Every core activity type of the sample agenda, answered and changed over HTTP."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from server_helpers import FORM_TOKEN

from facilitate.agenda import load_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.random_answers import as_pairs, form_answer
from facilitate.server import make_app

AGENDAS = Path(__file__).resolve().parents[2] / "facilitate" / "agendas"


async def test_every_core_type_can_be_answered_and_changed(aiohttp_client: Any) -> None:
    engine = Engine.new(load_agenda(AGENDAS / "demo.toml"), clock=ManualClock())
    client = await aiohttp_client(make_app(engine))
    await client.get(f"/j/{engine.join_code.replace(' ', '')}")
    rng = random.Random(11)
    kinds = set()
    for index, item in enumerate(engine.agenda.items):
        if item.activity is None:
            continue
        kinds.add(item.activity.type)
        engine.goto(index)
        engine.open_answering()
        for _ in range(2):  # answer, then change the answer
            page = await (await client.get("/")).text()
            assert f'action="/a/{item.id}"' in page, item.id
            token = FORM_TOKEN.search(page).group(1)
            body = [("_ft", token), *as_pairs(form_answer(engine.form(item.id), rng))]
            response = await client.post(f"/a/{item.id}", data=body, allow_redirects=False)
            assert response.status == 303, (item.id, await response.text())
            assert engine.runs[item.id].count == 1
        page = await (await client.get("/")).text()
        assert 'class="ok"' in page
    assert {"choice", "multi", "scale", "text", "wordcloud", "ranking", "quiz"} <= kinds
    engine.close()
