"""facilitate plugin: strategy sharing, post strategies and mark those you use or would try."""

from __future__ import annotations

from typing import Any

from facilitate.api import hookimpl

from .strategies import (
    Strategies,
    StrategiesConfig,
    StrategiesResult,
    StrategiesVote,
    StrategiesVoteConfig,
    StrategiesVoteResult,
    Strategy,
    StrategyMarks,
)

__all__ = [
    "Strategies",
    "StrategiesConfig",
    "StrategiesResult",
    "StrategiesVote",
    "StrategiesVoteConfig",
    "StrategiesVoteResult",
    "Strategy",
    "StrategyMarks",
]


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    register(Strategies)
    register(StrategiesVote)
