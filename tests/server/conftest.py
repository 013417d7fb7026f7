"""Fixtures for the server tests: an engine with every field kind, and joined clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from server_helpers import AGENDA, EveryFieldPlugin

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.plugins import Plugins
from facilitate.server import make_app


@pytest.fixture
def plugins() -> Plugins:
    return Plugins(extra=[EveryFieldPlugin()])


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(plugins: Plugins, clock: ManualClock) -> Iterator[Engine]:
    engine = Engine.new(loads_agenda(AGENDA, plugins=plugins), plugins=plugins, clock=clock)
    yield engine
    engine.close()


@pytest.fixture
async def client(aiohttp_client: Any, engine: Engine) -> Any:
    return await aiohttp_client(make_app(engine))


@pytest.fixture
async def joined(client: Any, engine: Engine) -> Any:
    """A client whose browser has joined the session."""
    response = await client.get(f"/j/{engine.join_code.replace(' ', '')}", allow_redirects=False)
    assert response.status == 303
    return client
