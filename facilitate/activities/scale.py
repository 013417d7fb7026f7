"""A point on a scale: Likert questions, "how are you arriving today?", confidence checks."""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    Form,
    ItemContext,
    Note,
    ScaleField,
    Spread,
    SpreadRow,
    Tally,
    View,
    attrs_repr,
    setting,
)

from .words import CATALOG

MAX_POINTS = 11


def check_labels(labels: tuple[str, ...]) -> str | None:
    if any(not label.strip() for label in labels):
        return "labels must not be empty strings"
    return None


@frozen
class ScaleResult:
    """How many answers gave each point, lowest first, with the mean and median point.

    ``mean`` and ``median`` are ``None`` while there are no answers. They are computed
    from the counts, so two tallies with the same counts give equal results.
    """

    __repr__ = attrs_repr

    answers: int
    points: tuple[int, ...]
    counts: tuple[int, ...]
    mean: float | None
    median: float | None

    @classmethod
    def from_counts(cls, points: tuple[int, ...], counts: tuple[int, ...]) -> ScaleResult:
        answers = sum(counts)
        if not answers:
            return cls(0, points, counts, None, None)
        mean = sum(p * c for p, c in zip(points, counts, strict=True)) / answers
        return cls(answers, points, counts, mean, _median(points, counts, answers))


def _median(points: tuple[int, ...], counts: tuple[int, ...], answers: int) -> float:
    """The middle answer's point; halfway between the two middle ones for an even count."""

    def nth(position: int) -> int:  # the point of the answer at 0-based position, in order
        seen = 0
        for point, count in zip(points, counts, strict=True):
            seen += count
            if position < seen:
                return point
        raise AssertionError("position beyond the answers")

    low, high = nth((answers - 1) // 2), nth(answers // 2)
    return (low + high) / 2


@frozen
class ScaleConfig:
    __repr__ = attrs_repr

    question: str = setting(help="the question, a string")
    min: int = setting(1, help="the lowest point of the scale, a whole number (default 1)")
    max: int = setting(5, help="the highest point of the scale, a whole number (default 5)")
    labels: tuple[str, ...] = setting(
        [],
        help='a list of labels: one per point, or two for the ends (["Not at all", "Completely"])',
        check=check_labels,
    )

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))

    def validate(self) -> list[tuple[str, str]]:
        size = self.max - self.min + 1
        if size < 2:
            return [("max", f"expected more than min ({self.min}), got {self.max}")]
        if size > MAX_POINTS:
            return [
                (
                    "max",
                    f"expected at most {MAX_POINTS} points on a scale, got {size}"
                    f" (from {self.min} to {self.max})",
                )
            ]
        if self.labels and len(self.labels) not in (2, size):
            return [
                (
                    "labels",
                    f"expected {size} labels (one per point from {self.min} to {self.max})"
                    f" or 2 (for the ends), got {len(self.labels)}",
                )
            ]
        return []

    def field(self) -> ScaleField:
        return ScaleField(
            name="value", label=self.question, min=self.min, max=self.max, labels=self.labels
        )


class ScaleTally(Tally[ScaleResult]):
    def __init__(self, config: ScaleConfig) -> None:
        self.points = config.points
        self.counts = [0] * len(self.points)
        self.low = config.min

    def add(self, value: dict[str, Any]) -> None:
        self.counts[value["value"] - self.low] += 1

    def remove(self, value: dict[str, Any]) -> None:
        self.counts[value["value"] - self.low] -= 1

    def result(self) -> ScaleResult:
        return ScaleResult.from_counts(self.points, tuple(self.counts))


class Scale(ActivityType[ScaleConfig, ScaleResult]):
    """Choose one point on a scale from ``min`` to ``max``, with labels for the points."""

    kind = "scale"
    example: ClassVar[dict[str, Any] | None] = {
        "question": "How are you arriving today?",
        "min": 1,
        "max": 5,
        "labels": ["Exhausted", "Full of energy"],
    }
    title = N_("Scale (Likert)")
    catalog = CATALOG
    Config = ScaleConfig

    def form(self, config: ScaleConfig, context: ItemContext) -> Form:
        return Form([config.field()])

    def new_tally(self, config: ScaleConfig, context: ItemContext) -> ScaleTally:
        return ScaleTally(config)

    def summary(self, result: ScaleResult, context: ItemContext) -> Note:
        if result.mean is None or result.median is None:
            return Note(context.gettext("No answers yet"))
        return Note(
            context.ngettext(
                "Mean {mean}, median {median} ({count} answer)",
                "Mean {mean}, median {median} ({count} answers)",
                result.answers,
                mean=result.mean,
                median=result.median,
            )
        )

    def view(self, config: ScaleConfig, result: ScaleResult, context: ItemContext) -> View:
        field = config.field()
        spread = Spread(
            rows=[SpreadRow(config.question, result.counts)],
            points=result.points,
            point_labels=[field.label_for(point) for point in result.points],
        )
        return (spread, self.summary(result, context))
