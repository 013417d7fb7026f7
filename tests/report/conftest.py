"""Fixtures for the report tests (the helpers live in report_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixtures import AGENDA, make_plugins, seeded_rehearsal

from facilitate.agenda import loads_agenda
from facilitate.dress_rehearsal import DressRehearsalOutcome
from facilitate.model import Agenda
from facilitate.plugins import Plugins


@pytest.fixture
def plugins() -> Plugins:
    return make_plugins()


@pytest.fixture
def agenda(plugins: Plugins) -> Agenda:
    return loads_agenda(AGENDA, "report-test.toml", plugins)


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    directory = tmp_path / "sessions"
    directory.mkdir()
    return directory


@pytest.fixture
def rehearsed(agenda: Agenda, plugins: Plugins, sessions: Path) -> DressRehearsalOutcome:
    return seeded_rehearsal(agenda, plugins, sessions)
