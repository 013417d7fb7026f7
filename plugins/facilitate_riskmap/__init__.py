"""facilitate plugin: risk mapping, a likelihood x impact heat map of the threats a group faces."""

from __future__ import annotations

from typing import Any

from facilitate.api import hookimpl

from .riskmap import RiskMap, RiskMapConfig
from .tally import RiskMapResult, ThreatRating

__all__ = ["RiskMap", "RiskMapConfig", "RiskMapResult", "ThreatRating"]


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    register(RiskMap)
