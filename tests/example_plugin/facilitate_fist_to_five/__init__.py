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
    N_,
    ActivityType,
    AnswerError,
    Bar,
    Bars,
    Form,
    ItemContext,
    MessageCatalog,
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
    N_("Fist: I block this"),
    N_("1: serious concerns"),
    N_("2: some concerns"),
    N_("3: I can live with it"),
    N_("4: I support it"),
    N_("5: I champion it"),
)
"""What each hand means, from a fist (0) to five fingers (translated where shown)."""
CATALOG = MessageCatalog(Path(__file__).parent / "locale", "facilitate_fist_to_five")
"""This plugin's own words in every language a room may speak (standard .po files)."""


def hands(context: ItemContext) -> tuple[str, ...]:
    return tuple(context.gettext(meaning) for meaning in FINGERS)


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
    title = N_("Fist to five")
    Config = FistToFiveConfig
    catalog = CATALOG

    def form(self, config: FistToFiveConfig, context: ItemContext) -> Form:
        _ = context.gettext
        fields: list[Any] = [
            ScaleField(name="fingers", label=config.proposal, min=0, max=5, labels=hands(context))
        ]
        if config.ask_why:
            fields.append(
                TextField(
                    name="change",
                    label=_("What would need to change for you to show more fingers?"),
                    help=_("Optional, unless you block. Shown to the room only once approved."),
                    required=False,
                    max_length=200,
                )
            )
        return Form(fields, intro=_("Show your hand: nobody sees who showed what."))

    def accept(
        self, config: FistToFiveConfig, value: dict[str, Any], context: ItemContext
    ) -> dict[str, Any]:
        if config.ask_why and value["fingers"] == 0 and not value.get("change"):
            raise AnswerError(
                "invalid",
                field="change",
                message=context.gettext(
                    "A fist blocks the proposal: please say what would need to change."
                ),
            )
        if value["fingers"] >= config.discuss_below and value.get("change"):
            # Only hands below the line are asked why; keep the others' notes out of the room.
            return {**value, "change": None}
        return value

    def new_tally(self, config: FistToFiveConfig, context: ItemContext) -> FistToFiveTally:
        return FistToFiveTally()

    def prompt(self, config: FistToFiveConfig, context: ItemContext) -> str:
        return config.proposal

    def verdict(
        self, config: FistToFiveConfig, result: FistToFiveResult, context: ItemContext
    ) -> str:
        line = config.discuss_below
        if not result.answers:
            return context.gettext("No hands yet.")
        below = result.below(line)
        if below == 0:
            return context.gettext("Consensus: every hand shows {line} or more.", line=line)
        if result.counts[0]:
            return context.ngettext(
                "Not yet: {below} of {count} hand shows fewer than {line}, {fists} of them a"
                " fist; talk before deciding.",
                "Not yet: {below} of {count} hands show fewer than {line}, {fists} of them a"
                " fist; talk before deciding.",
                result.answers,
                below=below,
                line=line,
                fists=result.counts[0],
            )
        return context.ngettext(
            "Not yet: {below} of {count} hand shows fewer than {line}; talk before deciding.",
            "Not yet: {below} of {count} hands show fewer than {line}; talk before deciding.",
            result.answers,
            below=below,
            line=line,
        )

    def view(
        self, config: FistToFiveConfig, result: FistToFiveResult, context: ItemContext
    ) -> View:
        bars = Bars(
            [Bar(label, count) for label, count in zip(hands(context), result.counts, strict=True)],
            title=config.proposal,
            of_answers=True,
        )
        if result.mean is None:
            count = context.ngettext("{count} hand", "{count} hands", result.answers)
        else:
            count = context.ngettext(
                "{count} hand, average {mean} fingers",
                "{count} hands, average {mean} fingers",
                result.answers,
                mean=context.number(result.mean),
            )
        blocks: list[Any] = [bars, Note(self.verdict(config, result, context)), Note(count)]
        if result.changes:
            title = context.gettext("What would need to change")
            blocks.append(Texts(result.changes, title=title))
        return tuple(blocks)

    def report(
        self, config: FistToFiveConfig, result: FistToFiveResult, context: ItemContext
    ) -> View:
        rows = [
            (str(fingers), meaning, str(count))
            for fingers, (meaning, count) in enumerate(
                zip(hands(context), result.counts, strict=True)
            )
        ]
        _ = context.gettext
        table = Table((_("Fingers"), _("Meaning"), _("Hands")), rows, title=config.proposal)
        return (*self.view(config, result, context), table)


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    register(FistToFive)


@hookimpl
def facilitate_agenda_templates(register: Any) -> None:
    register("fist-to-five-example", Path(__file__).with_name("example.toml"))
