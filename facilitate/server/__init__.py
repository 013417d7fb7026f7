"""The participant web server, started inside whatever asyncio loop runs the engine.

``make_app`` builds the aiohttp application; ``start_server`` binds it and returns a
``RunningServer`` with the join, projector and control URLs. They are loaded on first
use, so that importing :mod:`facilitate.server.cli` (which ``facilitate check``
does, to build its parser) does not pull in aiohttp.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from facilitate.server.app import make_app
    from facilitate.server.running import RunningServer, lan_address, start_server

__all__ = ["RunningServer", "lan_address", "make_app", "start_server"]

_HOMES = {
    "make_app": "facilitate.server.app",
    "RunningServer": "facilitate.server.running",
    "lan_address": "facilitate.server.running",
    "start_server": "facilitate.server.running",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
