"""The risk map's running tally: each threat's ratings, means and cells, added and removed.

Risk sums are kept as fractions, so removing an answer gives back exactly the result of
never having counted it, whatever the order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from attrs import frozen

from facilitate.api import Tally, attrs_repr

if TYPE_CHECKING:  # imported where sums are kept: fractions (and decimal) cost start-up
    from fractions import Fraction

POINTS = (1, 2, 3, 4, 5)

Grid = tuple[tuple[int, ...], ...]
"""Ratings per cell: ``grid[impact - 1][likelihood - 1]``."""
EMPTY_GRID: Grid = tuple(tuple(0 for _ in POINTS) for _ in POINTS)


@frozen
class ThreatRating:
    """How the room rated one threat; means are ``None`` before anyone rated it."""

    __repr__ = attrs_repr

    threat: str
    ratings: int
    likelihood: float | None
    impact: float | None
    risk: float | None
    vulnerability: float | None = None
    capacity: float | None = None
    cells: Grid = EMPTY_GRID
    """This threat's ratings in each cell: ``cells[impact - 1][likelihood - 1]``."""


@frozen
class RiskMapResult:
    __repr__ = attrs_repr

    answers: int
    cells: Grid
    """Ratings of every threat in each cell: ``cells[impact - 1][likelihood - 1]``."""
    threats: tuple[ThreatRating, ...]
    """Highest risk first; unrated threats last, in the configured order."""
    proposals: tuple[tuple[str, int], ...]
    """Approved proposed threats with how many proposed each, by text."""


class _ThreatSums:
    __slots__ = ("capacity", "cells", "impact", "likelihood", "ratings", "risk", "vulnerability")

    def __init__(self) -> None:
        from fractions import Fraction

        self.ratings = 0
        self.likelihood = 0
        self.impact = 0
        self.vulnerability = 0
        self.capacity = 0
        self.risk = Fraction(0)
        self.cells: Counter[tuple[int, int]] = Counter()

    def grid(self) -> Grid:
        return tuple(tuple(self.cells[(impact, like)] for like in POINTS) for impact in POINTS)


def _mean(total: int | Fraction, count: int) -> float:
    from fractions import Fraction

    return float(Fraction(total) / count)


def add_grids(grids: Iterable[Grid]) -> Grid:
    """Cell by cell sums of grids (the empty grid for none)."""
    total = [list(row) for row in EMPTY_GRID]
    for grid in grids:
        for row, cells in zip(total, grid, strict=True):
            for column, count in enumerate(cells):
                row[column] += count
    return tuple(tuple(row) for row in total)


class RiskMapTally(Tally[RiskMapResult]):
    """``threats``: the configured ones, listed unrated until someone rates them;
    ``capacities``: whether vulnerability and capacity means are kept."""

    def __init__(self, threats: tuple[str, ...], capacities: bool) -> None:
        self.threats = threats
        self.capacities = capacities
        self.answers = 0
        self.sums: dict[str, _ThreatSums] = {}
        self.proposals: Counter[str] = Counter()

    def _apply(self, value: dict[str, Any], sign: int) -> None:
        from fractions import Fraction

        self.answers += sign
        proposal = value.get("proposal")
        if isinstance(proposal, str):
            self.proposals[proposal] += sign
        threats = value.get("threats") or []
        likelihoods = value.get("likelihood") or []
        impacts = value.get("impact") or []
        vulnerabilities = value.get("vulnerability") or [1] * len(threats)
        capacities = value.get("capacity") or [1] * len(threats)
        for threat, likelihood, impact, vulnerability, capacity in zip(
            threats, likelihoods, impacts, vulnerabilities, capacities, strict=True
        ):
            sums = self.sums.setdefault(threat, _ThreatSums())
            sums.cells[(impact, likelihood)] += sign
            sums.ratings += sign
            sums.likelihood += sign * likelihood
            sums.impact += sign * impact
            sums.vulnerability += sign * vulnerability
            sums.capacity += sign * capacity
            sums.risk += sign * Fraction(likelihood * impact * vulnerability, capacity)
            if not sums.ratings:
                del self.sums[threat]

    def add(self, value: dict[str, Any]) -> None:
        self._apply(value, 1)

    def remove(self, value: dict[str, Any]) -> None:
        self._apply(value, -1)

    def result(self) -> RiskMapResult:
        rated = []
        for threat, sums in self.sums.items():
            count = sums.ratings
            rated.append(
                ThreatRating(
                    threat,
                    count,
                    _mean(sums.likelihood, count),
                    _mean(sums.impact, count),
                    _mean(sums.risk, count),
                    _mean(sums.vulnerability, count) if self.capacities else None,
                    _mean(sums.capacity, count) if self.capacities else None,
                    sums.grid(),
                )
            )
        rated.sort(key=lambda t: (-(t.risk or 0), t.threat))
        unrated = [
            ThreatRating(threat, 0, None, None, None)
            for threat in self.threats
            if threat not in self.sums
        ]
        proposals = tuple(sorted((text, n) for text, n in self.proposals.items() if n))
        cells = add_grids(t.cells for t in rated)
        return RiskMapResult(self.answers, cells, (*rated, *unrated), proposals)
