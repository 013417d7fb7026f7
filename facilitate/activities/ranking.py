"""Ranking: each participant puts every option in order; the room's order by Borda count.

With n options, a first place earns n-1 points, a second n-2, and so on down to 0 for
the last place; an option's score is the sum of its points over every answer. The
Borda count rewards options that many people place high, not only those that a few
put first, which suits "what should we work on first?" questions.
"""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    Bar,
    Bars,
    Form,
    ItemContext,
    Note,
    RankField,
    Table,
    Tally,
    View,
    attrs_repr,
    setting,
)

from .words import CATALOG, answers_note

MOST_OPTIONS = 10


def check_ranking_options(options: tuple[str, ...]) -> str | None:
    if not 2 <= len(options) <= MOST_OPTIONS:
        return f"expected 2 to {MOST_OPTIONS} options to rank, got {len(options)}"
    if any(not option.strip() for option in options):
        return "options must not be empty strings"
    if len(set(options)) != len(options):
        return "options must differ from one another"
    return None


@frozen
class RankingResult:
    """How many answers, each option's Borda score, and how often it took each place.

    ``scores`` and ``places`` follow the options' order; ``places[i][p]`` counts the
    answers that put option ``i`` in place ``p + 1``.
    """

    __repr__ = attrs_repr

    answers: int
    scores: tuple[int, ...]
    places: tuple[tuple[int, ...], ...]


@frozen
class RankingConfig:
    __repr__ = attrs_repr

    question: str = setting(help="the question, a string")
    options: tuple[str, ...] = setting(
        help=f"a list of 2 to {MOST_OPTIONS} options to put in order",
        check=check_ranking_options,
    )


class BordaTally(Tally[RankingResult]):
    def __init__(self, options: int) -> None:
        self.options = options
        self.answers = 0
        self.places = [[0] * options for _ in range(options)]

    def _count(self, order: list[int], step: int) -> None:
        self.answers += step
        for place, option in enumerate(order):
            self.places[option][place] += step

    def add(self, value: dict[str, Any]) -> None:
        self._count(value["order"], 1)

    def remove(self, value: dict[str, Any]) -> None:
        self._count(value["order"], -1)

    def result(self) -> RankingResult:
        last = self.options - 1
        scores = tuple(
            sum((last - place) * count for place, count in enumerate(row)) for row in self.places
        )
        return RankingResult(self.answers, scores, tuple(map(tuple, self.places)))


class Ranking(ActivityType[RankingConfig, RankingResult]):
    """Put every option in order, first to last; options are scored by Borda count."""

    kind = "ranking"
    example: ClassVar[dict[str, Any] | None] = {
        "question": "Which should our organisation work on first?",
        "options": ["A security plan", "Safe communication", "Rest and care"],
    }
    title = N_("Ranking")
    catalog = CATALOG
    Config = RankingConfig

    def form(self, config: RankingConfig, context: ItemContext) -> Form:
        return Form([RankField(name="order", label=config.question, options=config.options)])

    def new_tally(self, config: RankingConfig, context: ItemContext) -> BordaTally:
        return BordaTally(len(config.options))

    def explain(self, config: RankingConfig, context: ItemContext) -> Note:
        """How the points are counted, without ordinals ("1st") that only English spells so."""
        first = len(config.options) - 1
        return Note(
            context.ngettext(
                "Borda count: a first place earns {count} point, each place below one point"
                " fewer, the last place none.",
                "Borda count: a first place earns {count} points, each place below one point"
                " fewer, the last place none.",
                first,
            )
        )

    def view(self, config: RankingConfig, result: RankingResult, context: ItemContext) -> View:
        # Highest score first; ties keep the options' own order (sorted() is stable).
        ranked = sorted(zip(config.options, result.scores, strict=True), key=lambda pair: -pair[1])
        bars = Bars(
            [Bar(option, score) for option, score in ranked], unit=context.gettext("points")
        )
        return (bars, self.explain(config, context), answers_note(context, result.answers))

    def report(self, config: RankingConfig, result: RankingResult, context: ItemContext) -> View:
        places = range(1, len(config.options) + 1)
        headers = (
            context.pgettext("table header", "Option"),
            context.pgettext("table header", "Points"),
            *(context.pgettext("table header", "Place {place}", place=place) for place in places),
        )
        rows = [
            (option, context.number(score), *(context.number(count) for count in row))
            for option, score, row in zip(config.options, result.scores, result.places, strict=True)
        ]
        return (*self.view(config, result, context), Table(headers, rows))
