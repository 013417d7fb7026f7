"""A plugin written for facilitate 0.1 keeps working: installed, tested, rehearsed, reported.

``tests/old_style_plugin`` is such a plugin, kept as it was: ``view``, ``report``,
``new_tally`` and ``prompt`` without ``context``. It loads with one deprecation warning
that names the new signatures, and everything it did still works.
"""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import pytest
from throwaway_venv import clean_env, install_editable, venv_that_sees_this_one

from facilitate.activity import FacilitateDeprecationWarning
from facilitate.room import public_view, room_view
from facilitate.testing import Rehearsal, isolated_plugins

PACKAGE = Path(__file__).resolve().parent / "old_style_plugin"
AGENDA = """
title = "Deciding"
language = "es"
k = 3

[[items]]
title = "Pulgares"
duration = "5m"
[items.activity]
type = "thumbs"
proposal = "Nos reunimos los martes."
"""


@pytest.fixture
def thumbs(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.syspath_prepend(str(PACKAGE))
    import facilitate_thumbs

    return facilitate_thumbs


def test_it_loads_with_one_warning_naming_the_new_signatures(thumbs: object) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        isolated_plugins([thumbs])
    messages = [str(w.message) for w in caught if w.category is FacilitateDeprecationWarning]
    assert len(messages) == 1
    assert "Thumbs defines new_tally, view, report, prompt without the context" in messages[0]
    assert "view(self, config, result, context)" in messages[0]


def test_it_runs_a_whole_item_and_its_report(thumbs: object) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FacilitateDeprecationWarning)
        rehearsal = Rehearsal(AGENDA, plugins=[thumbs], seed=2)
    with rehearsal:
        rehearsal.simulate(5)
        rehearsal.reveal()
        assert rehearsal.assert_tally_consistent().answers == 5
        room = room_view(rehearsal.engine)
        assert room.prompt == "Nos reunimos los martes."
        assert public_view(rehearsal.engine, rehearsal.item_id()) is not None
        assert "5 hands" in rehearsal.text()
        assert "Hands" in rehearsal.text(report=True)
        csv = rehearsal.written_report("csv")
        assert csv.count("Nos reunimos los martes.") == 5


@pytest.mark.slow
def test_installed_it_is_listed_passes_its_own_tests_and_rehearses(tmp_path: Path) -> None:
    python = venv_that_sees_this_one(tmp_path / "venv")
    install_editable(python, PACKAGE)
    env = clean_env(FACILITATE_HOME=str(tmp_path / "home"))

    def run(*args: str, cwd: Path = tmp_path) -> str:
        result = subprocess.run(
            [str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    listed = {p["name"]: p for p in json.loads(run("-m", "facilitate.cli", "plugins", "--json"))}
    assert listed["thumbs"]["activity_types"] == ["thumbs"]
    assert listed["thumbs"]["error"] is None

    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=PACKAGE)
    assert "3 passed" in tests

    (tmp_path / "day.toml").write_text(AGENDA, encoding="utf-8")
    assert "day.toml: ok" in run("-m", "facilitate.cli", "check", "day.toml")
    run("-m", "facilitate.cli", "rehearse", "day.toml", "--participants", "5", "--in-process")
    report = run("-m", "facilitate.cli", "report", "latest", "--format", "md")
    assert "Nos reunimos los martes." in report
