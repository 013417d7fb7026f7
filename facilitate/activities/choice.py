"""Single and multiple choice: the everyday poll."""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    Bar,
    Bars,
    ChoiceField,
    Form,
    ItemContext,
    MultiField,
    Tally,
    View,
    attrs_repr,
    setting,
)

from .words import CATALOG, answers_note


def check_options(options: tuple[str, ...]) -> str | None:
    if not 2 <= len(options) <= 20:
        return f"expected 2 to 20 options, got {len(options)}"
    if any(not option.strip() for option in options):
        return "options must not be empty strings"
    if len(set(options)) != len(options):
        return "options must differ from one another"
    return None


@frozen
class ChoiceResult:
    """How many answers, and how many picked each option (in the options' order)."""

    __repr__ = attrs_repr

    answers: int
    counts: tuple[int, ...]


class OptionTally(Tally[ChoiceResult]):
    def __init__(self, options: int, field: str) -> None:
        self.answers = 0
        self.counts = [0] * options
        self.field = field

    def _picks(self, value: dict[str, Any]) -> list[int]:
        picked = value[self.field]
        return [picked] if isinstance(picked, int) else list(picked or [])

    def add(self, value: dict[str, Any]) -> None:
        self.answers += 1
        for index in self._picks(value):
            self.counts[index] += 1

    def remove(self, value: dict[str, Any]) -> None:
        self.answers -= 1
        for index in self._picks(value):
            self.counts[index] -= 1

    def result(self) -> ChoiceResult:
        return ChoiceResult(self.answers, tuple(self.counts))


def option_bars(
    options: tuple[str, ...],
    result: ChoiceResult,
    marked: int | None = None,
    *,
    several: bool = False,
) -> Bars:
    """``several``: one answer may pick several options, so shares are of ``answers``."""
    return Bars(
        tuple(
            Bar(option, count, marked=index == marked)
            for index, (option, count) in enumerate(zip(options, result.counts, strict=True))
        ),
        answers=result.answers if several else None,
        of_answers=True,
    )


@frozen
class SingleChoiceConfig:
    __repr__ = attrs_repr

    question: str = setting(help="the question, a string")
    options: tuple[str, ...] = setting(help="a list of 2 to 20 options", check=check_options)


class SingleChoice(ActivityType[SingleChoiceConfig, ChoiceResult]):
    """Pick one option."""

    kind = "choice"
    example: ClassVar[dict[str, Any] | None] = {
        "question": "Which topic should we start with?",
        "options": ["Digital security", "Well-being", "Protection networks"],
    }
    title = N_("Single choice")
    catalog = CATALOG
    Config = SingleChoiceConfig

    def form(self, config: SingleChoiceConfig, context: ItemContext) -> Form:
        return Form([ChoiceField(name="choice", label=config.question, options=config.options)])

    def new_tally(self, config: SingleChoiceConfig, context: ItemContext) -> OptionTally:
        return OptionTally(len(config.options), "choice")

    def view(self, config: SingleChoiceConfig, result: ChoiceResult, context: ItemContext) -> View:
        return (option_bars(config.options, result), answers_note(context, result.answers))


@frozen
class MultipleChoiceConfig:
    __repr__ = attrs_repr

    question: str = setting(help="the question, a string")
    options: tuple[str, ...] = setting(help="a list of 2 to 20 options", check=check_options)
    min: int = setting(1, help="the fewest options a participant must pick (0 or more)")
    max: int | None = setting(None, help="the most options a participant may pick")

    def validate(self) -> list[tuple[str, str]]:
        problems = []
        if self.min < 0:
            problems.append(("min", f"expected 0 or more, got {self.min}"))
        lowest, most = max(1, self.min), len(self.options)
        if self.max is not None and not lowest <= self.max <= most:
            problems.append(("max", f"expected a number from {lowest} to {most}, got {self.max}"))
        if self.min > most:
            problems.append(("min", f"expected at most {most} (the number of options)"))
        return problems


class MultipleChoice(ActivityType[MultipleChoiceConfig, ChoiceResult]):
    """Pick several options, between ``min`` and ``max``."""

    kind = "multi"
    example: ClassVar[dict[str, Any] | None] = {
        "question": "Which of these do you already do?",
        "options": ["Lock my phone", "Back up my files", "Check in with someone after a trip"],
        "max": 2,
    }
    title = N_("Multiple choice")
    catalog = CATALOG
    Config = MultipleChoiceConfig

    def form(self, config: MultipleChoiceConfig, context: ItemContext) -> Form:
        field = MultiField(
            name="choices",
            label=config.question,
            options=config.options,
            min=config.min,
            max=config.max,
        )
        return Form([field])

    def new_tally(self, config: MultipleChoiceConfig, context: ItemContext) -> OptionTally:
        return OptionTally(len(config.options), "choices")

    def view(
        self, config: MultipleChoiceConfig, result: ChoiceResult, context: ItemContext
    ) -> View:
        bars = option_bars(config.options, result, several=True)
        return (bars, answers_note(context, result.answers))
