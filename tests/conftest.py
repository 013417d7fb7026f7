"""Shared fixtures: every test gets its own FACILITATE_HOME, so no test touches real sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AGENDAS = ROOT / "facilitate" / "agendas"


@pytest.fixture(autouse=True)
def facilitate_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FACILITATE_HOME", str(home))
    return home


# A plugin written for facilitate 0.1, kept as it was: its own tests run inside
# tests/test_old_style_plugin.py, in a throwaway environment where it is installed.
collect_ignore = ["old_style_plugin"]
