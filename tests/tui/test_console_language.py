"""The console speaks the facilitator's language (``--lang``), whatever the agenda's."""

from __future__ import annotations

import pytest
from english_words import leaked, words
from textual.widgets import Footer

from facilitate.agenda import loads_agenda
from facilitate.cli import main
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.i18n import translator
from facilitate.tui.cli import DEMO_AGENDA, served_app
from facilitate.tui.screens import ConsoleScreen, HelpScreen, QuitScreen

from .conftest import JOIN_CODE, JOIN_URL, answer, make_app, make_engine, redrawn

SIZE = (160, 50)

SPANISH_DAY = """
title = "Día de seguridad"
language = "es"
k = 3

[[items]]
id = "inicio"
title = "Bienvenida"
duration = "10m"
notes = "Saluda. Muestra el código."

[[items]]
id = "pick"
title = "Elige una"
duration = "5m"
[items.activity]
type = "choice"
question = "¿Qué primero?"
options = ["Contraseñas", "Copias", "Teléfonos"]
"""

TERMINAL_WORDS_IN_CATALOG = translator("es").gettext("results revealed") != "results revealed"
"""The console's words reach the core catalogs through the translators' drafts; until
they are merged, the Spanish console still reads some English."""


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def footer_descriptions(app) -> list[str]:
    screen = app.screen
    footer = screen.query_one(Footer)
    assert footer is not None
    return [binding.description for _, binding, _, _ in screen.active_bindings.values()]


async def test_the_console_speaks_the_facilitators_language() -> None:
    engine = make_engine()  # an English agenda: the room reads English
    app = make_app(engine, language="es")
    t = translator("es")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("n", "o")
        await answer(engine, "choice", 4)
        await pilot.press("r")
        await redrawn(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        text = screen_text(app)
        assert t.gettext("The room sees the results.") != "The room sees the results."
        for said in (
            t.gettext("The room sees the results."),
            t.gettext("results revealed"),
            t.ngettext("{count} answer", "{count} answers", 4),
            t.ngettext("{count} joined", "{count} joined", 4),
            t.gettext("room open"),
            t.pgettext("agenda", "plan"),
        ):
            assert said in text, said
        assert t.gettext("next") in footer_descriptions(app)
        assert t.gettext("n for the next item") in text
        assert "Passwords" in text  # the agenda's words stay as written

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert t.gettext("open or close answering") in screen_text(app)
        await pilot.press("escape", "q")
        assert isinstance(app.screen, QuitScreen)
        assert t.gettext("Quit the workshop?") in screen_text(app)


@pytest.mark.skipif(
    not TERMINAL_WORDS_IN_CATALOG, reason="the terminal's words are not in the catalogs yet"
)
async def test_a_spanish_console_reads_no_english() -> None:
    engine = Engine.new(loads_agenda(SPANISH_DAY), clock=ManualClock())
    engine.join_code = JOIN_CODE
    app = make_app(engine, language="es")
    seen = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await redrawn(pilot)
        seen.append(screen_text(app))
        await pilot.press("n", "o")
        await answer(engine, "pick", 2)
        await redrawn(pilot)
        seen.append(screen_text(app))
        await answer(engine, "pick", 2, seed=8)
        await pilot.press("r", "l")
        await redrawn(pilot)
        seen.append(screen_text(app))
        await pilot.press("question_mark")
        seen.append(screen_text(app))
    allowed = words(SPANISH_DAY) | words(JOIN_URL)
    assert leaked("\n".join(seen), "es", allowed=allowed) == []


def test_lang_chooses_the_consoles_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitate.tui import cli as commands

    languages: list[str | None] = []

    def fake_run(engine, args, **options):
        languages.append(args.lang)
        engine.close()
        return 0

    monkeypatch.setattr(commands, "_run", fake_run)
    agenda = str(DEMO_AGENDA)
    assert main(["run", agenda, "--ephemeral", "--lang", "es-MX"]) == 0
    assert main(["demo", "--lang", "ar"]) == 0
    assert main(["run", agenda, "--ephemeral"]) == 0
    assert languages == ["es", "ar", None]


def test_lang_refuses_a_language_facilitate_does_not_speak(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--lang", "klingon"])
    assert "--lang" in capsys.readouterr().err


def test_the_served_app_takes_the_language_or_the_systems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = make_engine()
    assert served_app(engine, host="127.0.0.1", port=0, language="fr").t.language == "fr"
    monkeypatch.setenv("FACILITATE_LANG", "id")
    assert served_app(engine, host="127.0.0.1", port=0).t.language == "id"
    engine.close()
