"""Fist to five: a quick consensus check on a proposal, as a facilitate session type.

Each participant shows, anonymously, how many fingers they would hold up: a fist blocks
the proposal, five champions it. The room sees how the hands spread and whether anyone
is below the line where the group talks before deciding, never who.

Made with ``facilitate new-plugin fist-to-five`` and then adapted. Import only from
``facilitate.api``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from attrs import frozen
from facilitate.api import (
    ActivityType,
    AnswerError,
    Bar,
    Bars,
    Form,
    ItemContext,
    Note,
    ScaleField,
    Table,
    Tally,
    TextField,
    Texts,
    View,
    hookimpl,
    setting,
    unordered,
)

FINGERS = (
    "Fist: I block this",
    "1: serious concerns",
    "2: some concerns",
    "3: I can live with it",
    "4: I support it",
    "5: I champion it",
)
"""What each hand means, from a fist (0) to five fingers."""


def check_line(fingers: int) -> str | None:
    return None if 0 <= fingers <= 5 else f"expected 0 to 5 fingers, got {fingers}"


@frozen
class FistToFiveConfig:
    """The item's settings, as written under ``[items.activity]`` in an agenda."""

    proposal: str = setting(help="the proposal the group is testing, a string")
    discuss_below: int = setting(
        3,
        help="a number of fingers from 0 to 5: anyone showing fewer means the group talks first",
        check=check_line,
    )
    ask_why: bool = setting(
        True, help="true or false: ask those below the line what would need to change"
    )


@frozen
class FistToFiveResult:
    """How many answers, how many showed each hand (fist first), and the approved notes."""

    answers: int
    counts: tuple[int, ...]
    changes: tuple[str, ...] = ()

    def below(self, fingers: int) -> int:
        """How many showed fewer than ``fingers``."""
        return sum(self.counts[:fingers])

    @property
    def mean(self) -> float | None:
        if not self.answers:
            return None
        return sum(fingers * count for fingers, count in enumerate(self.counts)) / self.answers


class FistToFiveTally(Tally[FistToFiveResult]):
    """Hands per number of fingers, and the approved notes (each distinct note once)."""

    def __init__(self) -> None:
        self.answers = 0
        self.counts = [0] * len(FINGERS)
        self.changes: Counter[str] = Counter()

    def _note(self, value: dict[str, Any]) -> str | None:
        # Notes not yet approved by the facilitator reach the tally as None.
        note = value.get("change")
        return note if isinstance(note, str) and note else None

    def add(self, value: dict[str, Any]) -> None:
        self.answers += 1
        self.counts[value["fingers"]] += 1
        note = self._note(value)
        if note:
            self.changes[note] += 1

    def remove(self, value: dict[str, Any]) -> None:
        self.answers -= 1
        self.counts[value["fingers"]] -= 1
        note = self._note(value)
        if note:
            self.changes[note] -= 1

    def result(self) -> FistToFiveResult:
        notes = [note for note, count in self.changes.items() if count > 0]
        # unordered(): the order owes nothing to who answered first.
        return FistToFiveResult(self.answers, tuple(self.counts), unordered(notes))


class FistToFive(ActivityType[FistToFiveConfig, FistToFiveResult]):
    """A consensus check: from a fist (block) to five fingers (champion)."""

    kind = "fist-to-five"
    title = "Fist to five"
    Config = FistToFiveConfig

    def form(self, config: FistToFiveConfig, context: ItemContext) -> Form:
        fields: list[Any] = [
            ScaleField(name="fingers", label=config.proposal, min=0, max=5, labels=FINGERS)
        ]
        if config.ask_why:
            fields.append(
                TextField(
                    name="change",
                    label="What would need to change for you to show more fingers?",
                    help="Optional, unless you block. Shown to the room only once approved.",
                    required=False,
                    max_length=200,
                )
            )
        return Form(fields, intro="Show your hand: nobody sees who showed what.")

    def accept(
        self, config: FistToFiveConfig, value: dict[str, Any], context: ItemContext
    ) -> dict[str, Any]:
        if config.ask_why and value["fingers"] == 0 and not value.get("change"):
            raise AnswerError(
                "invalid",
                field="change",
                message="A fist blocks the proposal: please say what would need to change.",
            )
        if value["fingers"] >= config.discuss_below and value.get("change"):
            # Only hands below the line are asked why; keep the others' notes out of the room.
            return {**value, "change": None}
        return value

    def new_tally(self, config: FistToFiveConfig) -> FistToFiveTally:
        return FistToFiveTally()

    def prompt(self, config: FistToFiveConfig) -> str:
        return config.proposal

    def verdict(self, config: FistToFiveConfig, result: FistToFiveResult) -> str:
        line = config.discuss_below
        if not result.answers:
            return "No hands yet."
        below = result.below(line)
        if below == 0:
            return f"Consensus: every hand shows {line} or more."
        blocks = f", {result.counts[0]} of them a fist" if result.counts[0] else ""
        return (
            f"Not yet: {below} of {result.answers} hands show fewer than {line}{blocks};"
            " talk before deciding."
        )

    def view(self, config: FistToFiveConfig, result: FistToFiveResult) -> View:
        bars = Bars(
            [Bar(label, count) for label, count in zip(FINGERS, result.counts, strict=True)],
            title=config.proposal,
            unit="hands",
        )
        mean = "" if result.mean is None else f", average {result.mean:.1f} fingers"
        blocks: list[Any] = [
            bars,
            Note(self.verdict(config, result)),
            Note(f"{result.answers} {'hand' if result.answers == 1 else 'hands'}{mean}"),
        ]
        if result.changes:
            blocks.append(Texts(result.changes, title="What would need to change"))
        return tuple(blocks)

    def report(self, config: FistToFiveConfig, result: FistToFiveResult) -> View:
        rows = [
            (str(fingers), meaning, str(count))
            for fingers, (meaning, count) in enumerate(zip(FINGERS, result.counts, strict=True))
        ]
        table = Table(("Fingers", "Meaning", "Hands"), rows, title=config.proposal)
        return (*self.view(config, result), table)


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    register(FistToFive)


@hookimpl
def facilitate_agenda_templates(register: Any) -> None:
    register("fist-to-five-example", Path(__file__).with_name("example.toml"))
