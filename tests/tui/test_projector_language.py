"""The terminal projector speaks the agenda's language to the room; the console stays English."""

from __future__ import annotations

import pytest
from textual.widgets import Label, Static

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.server.i18n import MESSAGES
from facilitate.tui.screens import ConsoleScreen, ProjectorScreen
from facilitate.tui.widgets import BigTimer

from .conftest import JOIN_CODE, answer, make_app

SIZE = (160, 50)

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

ROOM_KEYS = (
    "screen_answer_now",
    "screen_answering_closed",
    "screen_results_after_people",
    "screen_closed_to_phones",
    "screen_join_code",
    "screen_timer_last_minutes",
    "screen_timer_over",
    "screen_timer_paused",
)


def make_engine(language: str, clock: ManualClock) -> Engine:
    engine = Engine.new(loads_agenda(AGENDA.format(language=language)), clock=clock)
    engine.join_code = JOIN_CODE
    return engine


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def projector_text(app) -> str:
    """Every line the projector shows, read from its widgets (so long lines are not cut)."""
    screen = app.screen
    assert isinstance(screen, ProjectorScreen)
    parts = [str(static.render()) for static in screen.query(Static)]
    parts.append(str(screen.query_one(BigTimer).query_one(Label).render()))
    return "\n".join(parts)


def words(language: str, key: str, **params: object) -> str:
    return MESSAGES[language][key].format(**params)


@pytest.mark.parametrize("language", ["es", "ar"])
async def test_projector_follows_the_agenda_language(language: str) -> None:
    clock = ManualClock()
    engine = make_engine(language, clock)
    app = make_app(engine)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        await pilot.pause(0.15)
        assert isinstance(app.screen, ProjectorScreen)
        text = projector_text(app)
        seen.append(text)
        assert f"{words(language, 'screen_join_code')} 123 456" in text

        await pilot.press("o", "space")
        await pilot.pause(0.15)
        seen.append(projector_text(app))
        assert words(language, "screen_answer_now") in seen[-1]

        await answer(engine, "pick", 1)
        await pilot.press("r")
        clock.advance(4 * 60)
        await pilot.pause(0.15)
        seen.append(projector_text(app))
        assert words(language, "screen_results_after_people", k=3) in seen[-1]
        assert words(language, "screen_timer_last_minutes") in seen[-1]

        await pilot.press("r", "o")
        clock.advance(2 * 60)
        await pilot.press("space")
        await pilot.pause(0.15)
        seen.append(projector_text(app))
        assert words(language, "screen_answering_closed") in seen[-1]
        assert words(language, "screen_timer_over") in seen[-1]
        assert words(language, "screen_timer_paused") in seen[-1]

        await pilot.press("l")
        await pilot.pause(0.15)
        seen.append(projector_text(app))
        assert words(language, "screen_closed_to_phones") in seen[-1]
        seen.append(screen_text(app))

        await pilot.press("tab")
        await pilot.pause(0.15)
        assert isinstance(app.screen, ConsoleScreen)
        assert "room LOCKED" in screen_text(app)  # the facilitator's console stays English

    shown = "\n".join(seen)
    for key in ROOM_KEYS:
        english = MESSAGES["en"][key].format(k=3)
        assert english not in shown, english


async def test_an_unknown_language_falls_back_to_english() -> None:
    engine = make_engine("sw", ManualClock())
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "o")
        await pilot.pause(0.15)
        text = projector_text(app)
        assert "Answer now on your phone" in text and "join code 123 456" in text
