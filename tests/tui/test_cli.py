"""The run, resume and demo commands: their errors, and the demo's whole loop on loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from facilitate.cli import main
from facilitate.tui.cli import DEMO_AGENDA, served_app

from .conftest import make_engine, redrawn


def test_resume_without_sessions_says_how_to_find_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resume"]) == 1
    assert "facilitate sessions" in capsys.readouterr().err


def test_run_names_the_agenda_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\n[[items]]\ntitle = "A"\nduration = "soon"\n')
    assert main(["run", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.toml" in err and "duration" in err
    assert main(["run", str(tmp_path / "missing.toml")]) == 1
    assert "missing.toml" in capsys.readouterr().err


def test_demo_refuses_a_negative_crowd(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--simulate", "-3"]) == 1
    assert "--simulate" in capsys.readouterr().err


def test_the_demo_agenda_exists_and_uses_every_core_type() -> None:
    from facilitate.agenda import load_agenda

    from .conftest import available_kinds

    kinds = {item.kind for item in load_agenda(DEMO_AGENDA).items}
    assert set(available_kinds()) <= kinds


async def test_simulated_phones_answer_through_the_real_server() -> None:
    engine = make_engine()
    app = served_app(engine, host="127.0.0.1", port=0, simulate=6, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.wait_for(app.started.wait(), 10)  # the server starts after the first frame
        assert app.server is not None
        assert app.join_url.startswith("http://127.0.0.1:")
        await pilot.press("n", "o")
        for _ in range(100):  # up to ten seconds
            if engine.runs["choice"].count >= 3:
                break
            await asyncio.sleep(0.1)
        assert engine.runs["choice"].count >= 3
        await pilot.press("r", "tab")
        await redrawn(pilot)
        text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Passwords" in text
    assert app.return_code in (None, 0)


def test_run_simulates_phones_only_in_an_ephemeral_session(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from facilitate.tui import cli as commands

    agenda = str(DEMO_AGENDA)
    assert main(["run", agenda, "--simulate", "4"]) == 1
    assert "--ephemeral" in capsys.readouterr().err
    assert main(["run", agenda, "--ephemeral", "--simulate", "-1"]) == 1
    assert "--simulate" in capsys.readouterr().err

    ran: dict[str, object] = {}

    def fake_run(engine, args, **options):
        ran.update(options, ephemeral=engine.store.ephemeral)
        engine.close()
        return 0

    monkeypatch.setattr(commands, "_run", fake_run)
    assert main(["run", agenda, "--ephemeral", "--simulate", "4", "--port", "0"]) == 0
    assert ran == {"simulate": 4, "seed": None, "ephemeral": True, "tls": None}


async def test_the_wifi_code_reaches_the_real_web_projector() -> None:
    engine = make_engine()
    app = served_app(engine, host="127.0.0.1", port=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.wait_for(app.started.wait(), 10)
        if not hasattr(app.server, "wifi_shown"):
            pytest.skip("this server cannot show a Wi-Fi code yet")
        await pilot.press("w", *"Home", "enter", *"secret", "enter")
        assert app.server.wifi_shown
        await pilot.press("w")
        await pilot.click("#remove")
        assert not app.server.wifi_shown
