"""Quiz: a single-choice question with one correct option, shown when the facilitator reveals.

The room sees results only once the facilitator reveals them, so the correct answer
stays hidden while people answer and appears, marked, on demand.
"""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    ChoiceField,
    Form,
    ItemContext,
    Note,
    Tally,
    View,
    attrs_repr,
    setting,
)

from .choice import ChoiceResult, OptionTally, check_options, option_bars
from .words import CATALOG


@frozen
class QuizResult(ChoiceResult):
    """A single choice's result, plus the index of the correct option."""

    __repr__ = attrs_repr

    correct: int

    @property
    def right(self) -> int:
        """How many answers picked the correct option."""
        return self.counts[self.correct]


@frozen
class QuizConfig:
    __repr__ = attrs_repr

    question: str = setting(help="the question, a string")
    options: tuple[str, ...] = setting(help="a list of 2 to 20 options", check=check_options)
    correct: int | str = setting(
        help="the correct option: its text exactly as in options, or its number counting from 1"
    )
    explanation: str = setting(
        "", help="a sentence shown with the correct answer, saying why (optional)"
    )

    @property
    def correct_index(self) -> int:
        """The correct option's index, counting from 0 (the config is checked already)."""
        if isinstance(self.correct, str):
            return self.options.index(self.correct)
        return self.correct - 1

    def validate(self) -> list[tuple[str, str]]:
        if isinstance(self.correct, str):
            if self.correct in self.options:
                return []
            import difflib  # only for this hint: not worth a workshop's start-up

            near = difflib.get_close_matches(self.correct, self.options, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            return [("correct", f"{self.correct!r} is not one of the options{hint}")]
        if not 1 <= self.correct <= len(self.options):
            return [
                (
                    "correct",
                    f"expected an option number from 1 to {len(self.options)}, got {self.correct}",
                )
            ]
        return []


class QuizTally(Tally[QuizResult]):
    def __init__(self, config: QuizConfig) -> None:
        self.choices = OptionTally(len(config.options), "choice")
        self.correct = config.correct_index

    def add(self, value: dict[str, Any]) -> None:
        self.choices.add(value)

    def remove(self, value: dict[str, Any]) -> None:
        self.choices.remove(value)

    def result(self) -> QuizResult:
        return QuizResult(self.choices.answers, tuple(self.choices.counts), self.correct)


class Quiz(ActivityType[QuizConfig, QuizResult]):
    """Pick the right option; the reveal marks it and says how many found it."""

    kind = "quiz"
    example: ClassVar[dict[str, Any] | None] = {
        "question": "Which of these can be a sign of stalkerware on a phone?",
        "options": ["The battery drains fast", "The screen is cracked", "The ringtone changed"],
        "correct": "The battery drains fast",
    }
    title = N_("Quiz question")
    catalog = CATALOG
    Config = QuizConfig

    def form(self, config: QuizConfig, context: ItemContext) -> Form:
        return Form([ChoiceField(name="choice", label=config.question, options=config.options)])

    def new_tally(self, config: QuizConfig, context: ItemContext) -> QuizTally:
        return QuizTally(config)

    def view(self, config: QuizConfig, result: QuizResult, context: ItemContext) -> View:
        notes = [
            Note(
                context.gettext("Correct answer: {option}", option=config.options[result.correct])
            ),
            Note(
                context.ngettext(
                    "{right} of {count} answer correct ({percent})",
                    "{right} of {count} answers correct ({percent})",
                    result.answers,
                    right=result.right,
                    percent=context.percent(result.right, result.answers),
                )
            ),
        ]
        if config.explanation:
            notes.append(Note(config.explanation))
        return (option_bars(config.options, result, marked=result.correct), *notes)
