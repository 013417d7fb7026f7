"""facilitate plugin: the Due Diligence Framework's 5 Ps, rated by the room, with its gaps."""

from __future__ import annotations

from typing import Any

from facilitate.api import hookimpl

from .duediligence import DueDiligence, DueDiligenceConfig, DueDiligenceResult

__all__ = ["DueDiligence", "DueDiligenceConfig", "DueDiligenceResult"]


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    register(DueDiligence)
