"""The console never slows the room: answers redraw only what they change, a few times a
second, and the work of a redraw does not grow with the number of answers."""

from __future__ import annotations

import pytest

from facilitate.engine import Engine
from facilitate.tui.screens import console as console_module

from .conftest import answer, make_app, redrawn


async def test_answers_arriving_never_redraw_the_agenda(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "o", "r")
        await redrawn(pilot)
        drawn = app.screen.drawn.redraws
        agenda, title, results = drawn["agenda"], drawn["item-title"], drawn["result"]
        for batch in range(5):
            await answer(engine, "choice", 100, seed=batch)
            await pilot.pause(0.05)
        await redrawn(pilot)
        assert engine.runs["choice"].count == 500
        assert drawn["agenda"] == agenda
        assert drawn["item-title"] == title
        assert drawn["result"] > results  # the result did follow the answers
        assert "500 answers" in app.screen.query_one("#item-state").content.plain


async def test_answers_are_drawn_a_few_times_a_second_not_once_each(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "o", "r")
        await redrawn(pilot)
        before = app.screen.drawn.redraws["result"]
        for batch in range(50):
            await answer(engine, "choice", 2, seed=batch)
            await pilot.pause(0)  # the loop runs between answers, as with real phones
        await redrawn(pilot)
        assert app.screen.drawn.redraws["result"] - before <= 10


@pytest.mark.parametrize("kind", ["choice", "text"])
async def test_the_work_of_a_redraw_does_not_grow_with_answers(
    engine: Engine, monkeypatch, kind: str
) -> None:
    """No redraw lists the moderation queue or every answer: counted, not timed."""
    listed = []
    for name in ("pending", "all_pending", "approved_texts"):
        original = getattr(engine, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            listed.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(engine, name, spy)
    room_views = []
    real_room_view = console_module.room_view
    monkeypatch.setattr(
        console_module, "room_view", lambda e: room_views.append(1) or real_room_view(e)
    )
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        engine.goto(engine.agenda.index_of(kind))
        engine.open_answering()
        await redrawn(pilot)
        counts = []
        for batch in (100, 400):
            room_views.clear()
            await answer(engine, kind, batch, seed=batch)
            await redrawn(pilot)
            counts.append(len(room_views))
        assert "pending" not in listed and "all_pending" not in listed
        assert counts[1] <= max(2, counts[0])  # 4x the answers, no more room views


async def test_a_key_is_drawn_at_once_however_recently_answers_were(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "o")
        await answer(engine, "choice", 5)
        await pilot.press("l")
        assert "room LOCKED" in app.screen.query_one("#status").content.plain
