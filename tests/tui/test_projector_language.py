"""The terminal projector speaks the agenda's language to the room; the console the facilitator's.

The projector draws only from the room model, so its words are the room's; notifications
are the facilitator's and never drawn in front of the room.
"""

from __future__ import annotations

import pytest
from english_words import leaked, words
from rich.text import Text
from textual.widgets import Label, Static

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.i18n import translator
from facilitate.tui.screens import ConsoleScreen, ProjectorScreen
from facilitate.tui.widgets import BigTimer

from .conftest import JOIN_CODE, JOIN_URL, answer, approve_all, make_app, redrawn

SIZE = (160, 60)

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

# Every core type, revealed: the room reads the types' words and the drawings' own.
ALL_TYPES = """
title = "Día de seguridad"
language = "{language}"
k = 3

[[items]]
id = "choice"
title = "Elige una"
duration = "5m"
[items.activity]
type = "choice"
question = "¿Qué primero?"
options = ["Contraseñas", "Copias", "Teléfonos"]

[[items]]
id = "multi"
title = "Elige varias"
duration = "5m"
[items.activity]
type = "multi"
question = "¿Qué usas?"
options = ["Bloqueo de pantalla", "Doble factor", "Chat cifrado"]
min = 0

[[items]]
id = "scale"
title = "¿Cómo llegas?"
duration = "3m"
[items.activity]
type = "scale"
question = "¿Cómo llegas hoy?"
min = 1
max = 5

[[items]]
id = "text"
title = "¿Qué ayuda?"
duration = "5m"
[items.activity]
type = "text"
question = "Algo que te ayuda"

[[items]]
id = "wordcloud"
title = "Seguridad es"
duration = "4m"
[items.activity]
type = "wordcloud"
question = "Sentirse segura es..."

[[items]]
id = "ranking"
title = "Preocupaciones"
duration = "6m"
[items.activity]
type = "ranking"
question = "¿Qué te preocupa más?"
options = ["Mensajes leídos", "Seguimiento", "Campañas de odio"]

[[items]]
id = "quiz"
title = "Pregunta"
duration = "4m"
[items.activity]
type = "quiz"
question = "¿Qué apaga el stalkerware?"
options = ["Bluetooth", "Play Protect", "Modo oscuro"]
correct = "Play Protect"
"""


WRITTEN = {"text": ["Amigas de confianza", "Copias", "Dormir"], "wordcloud": ["calma", "red"]}
"""What the room wrote, in Spanish: participant words are the room's, not ours."""


def make_engine(agenda: str, language: str, clock: ManualClock) -> Engine:
    engine = Engine.new(loads_agenda(agenda.format(language=language)), clock=clock)
    engine.join_code = JOIN_CODE
    return engine


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def projector_text(app) -> str:
    """What the projector draws, and each line of text it holds (so long lines are whole)."""
    screen = app.screen
    assert isinstance(screen, ProjectorScreen)
    parts = [screen_text(app)]
    parts += [s.content.plain for s in screen.query(Static) if isinstance(s.content, Text)]
    parts.append(str(screen.query_one(BigTimer).query_one(Label).render()))
    return "\n".join(parts)


def agenda_words(agenda: str) -> set[str]:
    """The agenda's own text (and the join address): shown as written, not ours to translate."""
    return words(agenda) | words(JOIN_URL)


@pytest.mark.parametrize("language", ["es", "ar"])
async def test_projector_follows_the_agenda_language(language: str) -> None:
    room = translator(language)
    clock = ManualClock()
    engine = make_engine(AGENDA, language, clock)
    app = make_app(engine)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        await redrawn(pilot)
        assert isinstance(app.screen, ProjectorScreen)
        seen.append(projector_text(app))
        assert f"{room.gettext('join code')} 123 456" in seen[-1]

        await pilot.press("o", "space")
        await redrawn(pilot)
        seen.append(projector_text(app))
        assert room.gettext("Answer now on your phone") in seen[-1]

        await answer(engine, "pick", 1)
        await pilot.press("r")
        clock.advance(4 * 60)
        await redrawn(pilot)
        seen.append(projector_text(app))
        too_few = room.ngettext(
            "Results appear once {count} person has answered.",
            "Results appear once {count} people have answered.",
            3,
        )
        assert too_few in seen[-1]
        assert room.gettext("last minutes") in seen[-1]

        await pilot.press("r", "o")
        clock.advance(2 * 60)
        await pilot.press("space")
        await redrawn(pilot)
        seen.append(projector_text(app))
        assert room.gettext("Answering is closed") in seen[-1]
        assert room.gettext("OVER TIME") in seen[-1]
        assert room.gettext("paused") in seen[-1]

        await pilot.press("o")
        await answer(engine, "pick", 3, seed=9)
        await pilot.press("r", "l")
        await redrawn(pilot)
        seen.append(projector_text(app))
        assert room.gettext("The room is closed to new phones") in seen[-1]
        assert "Contraseñas" in seen[-1] and room.percent(1, 4) in seen[-1]

        await pilot.press("tab")
        await redrawn(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        assert "room LOCKED" in screen_text(app)  # the facilitator's console: English here

    shown = "\n".join(seen)
    assert leaked(shown, language, allowed=agenda_words(AGENDA)) == []


@pytest.mark.parametrize("language", ["es", "ar"])
async def test_revealed_results_of_every_core_type_reach_the_room_in_its_language(
    language: str,
) -> None:
    engine = make_engine(ALL_TYPES, language, ManualClock())
    for item in engine.agenda.items:
        engine.goto(engine.agenda.index_of(item.id))
        engine.open_answering()
        if item.id in WRITTEN:
            field = engine.form(item.id).fields[0].name
            for number in range(6):
                written = WRITTEN[item.id][number % len(WRITTEN[item.id])]
                await engine.submit(engine.join(), item.id, {field: [written]})
        else:
            await answer(engine, item.id, 6, seed=3)
        approve_all(engine, item.id)
        engine.close_answering()
        engine.reveal()
    engine.goto(0)
    app = make_app(engine)
    seen: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        for item in engine.agenda.items:
            await redrawn(pilot)
            seen[item.id] = projector_text(app)
            await pilot.press("n")
    for item_id, text in seen.items():
        assert leaked(text, language, allowed=agenda_words(ALL_TYPES)) == [], item_id
    assert "Contraseñas" in seen["choice"]


@pytest.mark.parametrize("language", ["es", "ar"])
async def test_notifications_while_the_projector_is_up_wait_for_the_console(
    language: str,
) -> None:
    engine = make_engine(AGENDA, language, ManualClock())
    app = make_app(engine)  # the facilitator reads English: it must not reach the room
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("c")  # said on the console, still showing when the projector goes up
        await pilot.press("tab")
        await redrawn(pilot)
        await pilot.press("o")
        await answer(engine, "pick", 3)
        await pilot.press("r", "l", "c", "n", "p")
        await redrawn(pilot)
        assert isinstance(app.screen, ProjectorScreen)
        said = [notice.message for notice in app.held]
        assert "Room locked: no new phones can join." in said
        assert "New join code; phones already in stay in." in said
        assert "The room sees the results." in said
        assert "This is the first item." in said
        assert "This is the last item. Press q to end the session." in said
        text = projector_text(app)
        for message in said:
            assert message not in text
        assert leaked(text, language, allowed=agenda_words(AGENDA)) == []

        await pilot.press("tab")
        await redrawn(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        assert not app.held
        assert "This is the first item." in screen_text(app)


async def test_an_unknown_language_falls_back_to_english() -> None:
    engine = make_engine(AGENDA, "sw", ManualClock())
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "o")
        await redrawn(pilot)
        text = projector_text(app)
        assert "Answer now on your phone" in text and "join code 123 456" in text
