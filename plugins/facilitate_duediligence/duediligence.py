"""Due diligence (the 5 Ps): how well does the State prevent, protect, prosecute, punish, redress?

Participants rate the State's performance in their own context on each of the Due
Diligence Framework's five areas, and may name the most urgent gap in each. The ratings
are shown as a spread per area; the gaps, moderated like any free text, go to the report.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    Form,
    GridField,
    ItemContext,
    MessageCatalog,
    Note,
    Radar,
    Spread,
    SpreadRow,
    Table,
    Tally,
    TextField,
    View,
    attrs_repr,
    setting,
)

CATALOG = MessageCatalog(Path(__file__).resolve().parent / "locale", "facilitate_duediligence")


def default_question(context: ItemContext) -> str:
    return context.gettext(
        "In your context, how well does the State act with due diligence to end violence"
        " against women?"
    )


def five_ps(context: ItemContext) -> tuple[str, ...]:
    """The Due Diligence Framework's five areas, in the room's language."""
    return (
        context.pgettext("due diligence area", "Prevention"),
        context.pgettext("due diligence area", "Protection"),
        context.pgettext("due diligence area", "Prosecution"),
        context.pgettext("due diligence area", "Punishment"),
        context.pgettext("due diligence area", "Provision of redress"),
    )


def scale_ends(context: ItemContext) -> tuple[str, ...]:
    return (
        context.pgettext("how well the State acts", "Not at all"),
        context.pgettext("how well the State acts", "Fully"),
    )


def check_areas(areas: tuple[str, ...] | None) -> str | None:
    if areas is None:
        return None
    if not 3 <= len(areas) <= 8:
        return f"expected 3 to 8 areas, got {len(areas)}"
    if any(not area.strip() for area in areas):
        return "areas must not be empty strings"
    if len(set(areas)) != len(areas):
        return "areas must differ from one another"
    return None


@frozen
class DueDiligenceConfig:
    __repr__ = attrs_repr

    question: str | None = setting(
        None,
        help="the question shown above the ratings, a string; by default, how well the State"
        " acts with due diligence to end violence against women, in the agenda's language",
    )
    areas: tuple[str, ...] | None = setting(
        None,
        help="a list of 3 to 8 areas; by default the 5 Ps (Prevention, Protection,"
        " Prosecution, Punishment, Provision of redress) in the agenda's language",
        check=check_areas,
    )
    min: int = setting(1, help="the lowest point of the scale, 0 or 1")
    max: int = setting(5, help="the highest point of the scale, from 3 to 10")
    labels: tuple[str, ...] | None = setting(
        None,
        help="a label for each point of the scale, or 2 for its ends; by default"
        ' "Not at all" and "Fully" in the agenda\'s language',
    )
    gaps: bool = setting(True, help="true to ask for the most urgent gap in each area")

    def validate(self) -> list[tuple[str, str]]:
        problems = []
        if self.min not in (0, 1):
            problems.append(("min", f"expected 0 or 1, got {self.min}"))
        if not 3 <= self.max <= 10:
            problems.append(("max", f"expected a number from 3 to 10, got {self.max}"))
        points = self.max - self.min + 1
        if self.labels is not None and len(self.labels) not in (0, 2, points):
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
    __repr__ = attrs_repr

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
    def __init__(self, config: DueDiligenceConfig, areas: int) -> None:
        self.config = config
        self.areas = areas
        self.answers = 0
        self.counts = [[0] * len(config.points) for _ in range(areas)]
        self.gaps: list[Counter[str]] = [Counter() for _ in range(areas)]

    def _apply(self, value: dict[str, Any], sign: int) -> None:
        self.answers += sign
        for area, rating in enumerate(value.get("ratings") or []):
            self.counts[area][rating - self.config.min] += sign
        for area in range(self.areas):
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
    title = N_("Due diligence: the 5 Ps")
    catalog = CATALOG
    Config = DueDiligenceConfig

    # -- words that follow the room's language unless the agenda sets them ----------------

    def question(self, config: DueDiligenceConfig, context: ItemContext) -> str:
        return config.question if config.question is not None else default_question(context)

    def areas(self, config: DueDiligenceConfig, context: ItemContext) -> tuple[str, ...]:
        return config.areas if config.areas is not None else five_ps(context)

    def labels(self, config: DueDiligenceConfig, context: ItemContext) -> tuple[str, ...]:
        return config.labels if config.labels is not None else scale_ends(context)

    def point_labels(self, config: DueDiligenceConfig, context: ItemContext) -> tuple[str, ...]:
        labels = self.labels(config, context)
        if len(labels) == len(config.points):
            return labels
        if len(labels) == 2:
            middle = [str(p) for p in config.points[1:-1]]
            return (labels[0], *middle, labels[1])
        return tuple(str(p) for p in config.points)

    # -- asking ----------------------------------------------------------------------------

    def form(self, config: DueDiligenceConfig, context: ItemContext) -> Form:
        areas = self.areas(config, context)
        fields: list[Any] = [
            GridField(
                name="ratings",
                label=self.question(config, context),
                rows=areas,
                min=config.min,
                max=config.max,
                labels=self.labels(config, context),
            )
        ]
        if config.gaps:
            fields += [
                TextField(
                    name=gap_field(index),
                    label=context.gettext("{area}: the most urgent gap (optional)", area=area),
                    required=False,
                    moderated=True,
                    max_length=280,
                )
                for index, area in enumerate(areas)
            ]
        return Form(fields)

    def new_tally(self, config: DueDiligenceConfig, context: ItemContext) -> DueDiligenceTally:
        return DueDiligenceTally(config, len(self.areas(config, context)))

    def prompt(self, config: DueDiligenceConfig, context: ItemContext) -> str:
        return self.question(config, context)

    # -- showing ---------------------------------------------------------------------------

    def spread(
        self, config: DueDiligenceConfig, result: DueDiligenceResult, context: ItemContext
    ) -> Spread:
        areas = self.areas(config, context)
        return Spread(
            tuple(SpreadRow(area, row) for area, row in zip(areas, result.counts, strict=True)),
            config.points,
            self.point_labels(config, context),
            title=context.gettext("How the State performs, as the room sees it"),
        )

    def answers_note(self, result: DueDiligenceResult, context: ItemContext) -> Note:
        return Note(context.ngettext("{count} answer", "{count} answers", result.answers))

    def view(
        self, config: DueDiligenceConfig, result: DueDiligenceResult, context: ItemContext
    ) -> View:
        return (self.spread(config, result, context), self.answers_note(result, context))

    def report(
        self, config: DueDiligenceConfig, result: DueDiligenceResult, context: ItemContext
    ) -> View:
        areas = self.areas(config, context)
        means = result.means(config.points)
        blocks: list[Any] = [
            Radar(
                areas,
                tuple(config.min if m is None else round(m, 2) for m in means),
                maximum=float(config.max),
                minimum=float(config.min),
                title=context.gettext("Mean rating per area"),
            ),
            self.spread(config, result, context),
            Table(
                (
                    context.pgettext("table header", "Area"),
                    context.pgettext("table header", "Mean"),
                    context.pgettext("table header", "Answers"),
                ),
                tuple(
                    (
                        area,
                        "–" if m is None else context.number(m),
                        context.number(sum(row)),
                    )
                    for area, m, row in zip(areas, means, result.counts, strict=True)
                ),
                title=context.gettext("Ratings per area"),
            ),
        ]
        gap_rows = tuple(
            (area, text, context.number(count))
            for area, gaps in zip(areas, result.gaps, strict=True)
            for text, count in sorted(gaps, key=lambda gap: (-gap[1], gap[0]))
        )
        if gap_rows:
            blocks.append(
                Table(
                    (
                        context.pgettext("table header", "Area"),
                        context.pgettext("table header", "Most urgent gap"),
                        context.pgettext("table header", "Named by"),
                    ),
                    gap_rows,
                    title=context.gettext("Gaps"),
                )
            )
        blocks.append(self.answers_note(result, context))
        return tuple(blocks)
