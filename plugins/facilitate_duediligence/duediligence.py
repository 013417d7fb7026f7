"""Due diligence (the 5 Ps): how well does the State prevent, protect, prosecute, punish, redress?

Participants rate the State's performance in their own context on each of the Due
Diligence Framework's five areas, and may name the most urgent gap in each. The ratings
are shown as a spread per area; the gaps, moderated like any free text, go to the report.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    ActivityType,
    Form,
    GridField,
    ItemContext,
    Note,
    Radar,
    Spread,
    SpreadRow,
    Table,
    Tally,
    TextField,
    View,
    setting,
)

FIVE_PS = ["Prevention", "Protection", "Prosecution", "Punishment", "Provision of redress"]

GAP_LABEL: dict[str, str] = {
    "en": "{area}: the most urgent gap (optional)",
    "es": "{area}: la brecha más urgente (opcional)",
    "fr": "{area} : la lacune la plus urgente (facultatif)",
    "ar": "{area}: الثغرة الأكثر إلحاحًا (اختياري)",
    "id": "{area}: kesenjangan paling mendesak (opsional)",
}
"""The gap question in the agenda's language (the areas come from the agenda)."""


def check_areas(areas: tuple[str, ...]) -> str | None:
    if not 3 <= len(areas) <= 8:
        return f"expected 3 to 8 areas, got {len(areas)}"
    if any(not area.strip() for area in areas):
        return "areas must not be empty strings"
    if len(set(areas)) != len(areas):
        return "areas must differ from one another"
    return None


@frozen
class DueDiligenceConfig:
    question: str = setting(
        "In your context, how well does the State act with due diligence to end violence"
        " against women?",
        help="the question shown above the ratings, a string",
    )
    areas: tuple[str, ...] = setting(
        FIVE_PS,
        help="a list of 3 to 8 areas, in the workshop's language (the 5 Ps by default)",
        check=check_areas,
    )
    min: int = setting(1, help="the lowest point of the scale, 0 or 1")
    max: int = setting(5, help="the highest point of the scale, from 3 to 10")
    labels: tuple[str, ...] = setting(
        ["Not at all", "Fully"],
        help="a label for each point of the scale, or 2 for its ends",
    )
    gaps: bool = setting(True, help="true to ask for the most urgent gap in each area")

    def validate(self) -> list[tuple[str, str]]:
        problems = []
        if self.min not in (0, 1):
            problems.append(("min", f"expected 0 or 1, got {self.min}"))
        if not 3 <= self.max <= 10:
            problems.append(("max", f"expected a number from 3 to 10, got {self.max}"))
        points = self.max - self.min + 1
        if len(self.labels) not in (0, 2, points):
            problems.append(
                (
                    "labels",
                    f"expected {points} labels (one per point) or 2 (the ends), got"
                    f" {len(self.labels)}",
                )
            )
        return problems

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))


@frozen
class DueDiligenceResult:
    answers: int
    counts: tuple[tuple[int, ...], ...]
    """For each area, how many gave each point of the scale, lowest first."""
    gaps: tuple[tuple[tuple[str, int], ...], ...]
    """For each area, the approved gaps with how many named each, by text."""

    def means(self, points: tuple[int, ...]) -> tuple[float | None, ...]:
        return tuple(
            sum(p * c for p, c in zip(points, row, strict=True)) / sum(row) if sum(row) else None
            for row in self.counts
        )


def gap_field(index: int) -> str:
    return f"gap_{index}"


class DueDiligenceTally(Tally[DueDiligenceResult]):
    def __init__(self, config: DueDiligenceConfig) -> None:
        self.config = config
        self.answers = 0
        self.counts = [[0] * len(config.points) for _ in config.areas]
        self.gaps: list[Counter[str]] = [Counter() for _ in config.areas]

    def _apply(self, value: dict[str, Any], sign: int) -> None:
        self.answers += sign
        for area, rating in enumerate(value.get("ratings") or []):
            self.counts[area][rating - self.config.min] += sign
        for area in range(len(self.config.areas)):
            gap = value.get(gap_field(area))
            if isinstance(gap, str):  # None until approved
                self.gaps[area][gap] += sign

    def add(self, value: dict[str, Any]) -> None:
        self._apply(value, 1)

    def remove(self, value: dict[str, Any]) -> None:
        self._apply(value, -1)

    def result(self) -> DueDiligenceResult:
        return DueDiligenceResult(
            self.answers,
            tuple(tuple(row) for row in self.counts),
            tuple(tuple(sorted((t, n) for t, n in gaps.items() if n)) for gaps in self.gaps),
        )


class DueDiligence(ActivityType[DueDiligenceConfig, DueDiligenceResult]):
    """Rate the State on the 5 Ps and name the most urgent gap in each."""

    kind = "duediligence"
    example: ClassVar[dict[str, Any] | None] = {
        "question": "How well does the State act on violence against women where you work?",
    }
    title = "Due diligence: the 5 Ps"
    Config = DueDiligenceConfig

    def form(self, config: DueDiligenceConfig, context: ItemContext) -> Form:
        fields: list[Any] = [
            GridField(
                name="ratings",
                label=config.question,
                rows=config.areas,
                min=config.min,
                max=config.max,
                labels=config.labels,
            )
        ]
        if config.gaps:
            language = context.language.split("-")[0].lower()
            gap_label = GAP_LABEL.get(language, GAP_LABEL["en"])
            fields += [
                TextField(
                    name=gap_field(index),
                    label=gap_label.format(area=area),
                    required=False,
                    moderated=True,
                    max_length=280,
                )
                for index, area in enumerate(config.areas)
            ]
        return Form(fields)

    def new_tally(self, config: DueDiligenceConfig) -> DueDiligenceTally:
        return DueDiligenceTally(config)

    def _point_labels(self, config: DueDiligenceConfig) -> tuple[str, ...]:
        if len(config.labels) == len(config.points):
            return config.labels
        if len(config.labels) == 2:
            middle = [str(p) for p in config.points[1:-1]]
            return (config.labels[0], *middle, config.labels[1])
        return tuple(str(p) for p in config.points)

    def spread(self, config: DueDiligenceConfig, result: DueDiligenceResult) -> Spread:
        return Spread(
            tuple(
                SpreadRow(area, row) for area, row in zip(config.areas, result.counts, strict=True)
            ),
            config.points,
            self._point_labels(config),
            title="How the State performs, as the room sees it",
        )

    def view(self, config: DueDiligenceConfig, result: DueDiligenceResult) -> View:
        return (self.spread(config, result), Note(f"{result.answers} answers"))

    def report(self, config: DueDiligenceConfig, result: DueDiligenceResult) -> View:
        means = result.means(config.points)
        blocks: list[Any] = [
            Radar(
                config.areas,
                tuple(config.min if m is None else round(m, 2) for m in means),
                maximum=float(config.max),
                minimum=float(config.min),
                title="Mean rating per area",
            ),
            self.spread(config, result),
            Table(
                ("Area", "Mean", "Answers"),
                tuple(
                    (area, "–" if m is None else f"{m:.1f}", str(sum(row)))
                    for area, m, row in zip(config.areas, means, result.counts, strict=True)
                ),
                title="Ratings per area",
            ),
        ]
        gap_rows = tuple(
            (area, text, str(count))
            for area, gaps in zip(config.areas, result.gaps, strict=True)
            for text, count in sorted(gaps, key=lambda gap: (-gap[1], gap[0]))
        )
        if gap_rows:
            blocks.append(Table(("Area", "Most urgent gap", "Named by"), gap_rows, title="Gaps"))
        blocks.append(Note(f"{result.answers} answers"))
        return tuple(blocks)

    def prompt(self, config: DueDiligenceConfig) -> str:
        return config.question
