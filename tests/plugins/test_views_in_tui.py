"""The plugins' views as the room sees them: the real Textual app, driven by its keys."""

from __future__ import annotations

import html
import random
import re

import pytest

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.random_answers import form_answer

pytest.importorskip("textual")
from facilitate.tui.app import FacilitateApp

AGENDA = """
title = "Plugin views"
k = 3

[[items]]
id = "risks"
title = "Our risks"
duration = "10m"
[items.activity]
type = "riskmap"
threats = ["Smear campaign", "Phone seized", "Office raid"]

[[items]]
id = "post"
title = "Strategies"
duration = "10m"
[items.activity]
type = "strategies"

[[items]]
id = "mark"
title = "Mark strategies"
duration = "5m"
[items.activity]
type = "strategies-vote"
from = "post"

[[items]]
id = "five-ps"
title = "The 5 Ps"
duration = "10m"
[items.activity]
type = "duediligence"

[[items]]
id = "evaluation"
title = "Evaluation"
duration = "5m"
[items.activity]
type = "evaluation"
questions = [{ kind = "likert", text = "Useful?" }, { kind = "text", text = "Change what?" }]
"""

POSTED = ["Walk with a friend", "Check-in calls", "Signal with disappearing messages"]


async def answered_engine() -> Engine:
    engine = Engine.new(loads_agenda(AGENDA), clock=ManualClock())
    rng = random.Random(11)
    tokens = [engine.join() for _ in range(4)]
    for index, item in enumerate(engine.agenda.items):
        engine.goto(index)
        engine.open_answering()
        for number, token in enumerate(tokens):
            raw = form_answer(engine.form(item.id), rng)
            if item.id == "post":
                raw = {"strategy": [POSTED[number % 3]], "category": [str(number % 5)]}
            await engine.submit(token, item.id, raw)
        pending = engine.pending(item.id)
        if pending:
            engine.approve(item.id, [p.id for p in pending])
        engine.close_answering()
    engine.goto(0)
    return engine


def screen_text(app) -> str:
    svg = app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(texts)).replace("\xa0", " ")


async def test_projector_shows_the_heat_map_strategies_and_five_ps_but_not_the_evaluation() -> None:
    engine = await answered_engine()
    app = FacilitateApp(engine, join_url="http://192.0.2.1:8000/j/123456", language="en")
    async with app.run_test(size=(150, 60)) as pilot:
        await pilot.press("tab")  # the projector
        assert app.current_mode == "projector"

        await pilot.press("r")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "Likelihood" in text and "Impact" in text
        assert "Office raid" in text and "Smear campaign" in text
        # Risk scores are no share of anything: no percentages, and the unit is named.
        assert "%" not in text and "risk (likelihood x impact)" in text

        await pilot.press("n", "r")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "Walk with a friend" in text and "Check-in calls" in text
        assert "%" not in text

        await pilot.press("n", "r")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "Walk with a friend" in text or "Check-in calls" in text
        assert "%" not in text and "use it or would try it" in text

        await pilot.press("n", "r")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "Prevention" in text and "Provision of redress" in text

        await pilot.press("n", "r")
        await pilot.pause(0.3)
        assert engine.current_run.revealed
        text = screen_text(app)
        assert "stay private" in text
        assert "Useful?" not in text
