"""Thumbs up, sideways or down: how does the room feel about a proposal? (facilitate 0.1 style)"""

from __future__ import annotations

from typing import Any

from attrs import frozen

from facilitate.api import (
    ActivityType,
    Bar,
    Bars,
    Form,
    ItemContext,
    Note,
    ScaleField,
    Table,
    Tally,
    View,
    hookimpl,
    setting,
)

THUMBS = ("Thumbs down", "Sideways", "Thumbs up")


@frozen
class ThumbsConfig:
    proposal: str = setting(help="the proposal, a string")
    min_hands: int = setting(3, help="show the result only from this many hands")


@frozen
class ThumbsResult:
    answers: int
    counts: tuple[int, ...]


class ThumbsTally(Tally[ThumbsResult]):
    def __init__(self) -> None:
        self.answers = 0
        self.counts = [0, 0, 0]

    def add(self, value: dict[str, Any]) -> None:
        self.answers += 1
        self.counts[value["thumb"] - 1] += 1

    def remove(self, value: dict[str, Any]) -> None:
        self.answers -= 1
        self.counts[value["thumb"] - 1] -= 1

    def result(self) -> ThumbsResult:
        return ThumbsResult(self.answers, tuple(self.counts))


class Thumbs(ActivityType[ThumbsConfig, ThumbsResult]):
    kind = "thumbs"
    title = "Thumbs"
    Config = ThumbsConfig

    def form(self, config: ThumbsConfig, context: ItemContext) -> Form:
        field = ScaleField(name="thumb", label=config.proposal, min=1, max=3, labels=THUMBS)
        return Form([field])

    def new_tally(self, config: ThumbsConfig) -> ThumbsTally:
        return ThumbsTally()

    def view(self, config: ThumbsConfig, result: ThumbsResult) -> View:
        if result.answers < config.min_hands:
            return (Note(f"Waiting for {config.min_hands} hands"),)
        bars = Bars([Bar(t, c) for t, c in zip(THUMBS, result.counts, strict=True)], unit="answers")
        return (bars, Note(f"{result.answers} hands"))

    def report(self, config: ThumbsConfig, result: ThumbsResult) -> View:
        rows = [(t, str(c)) for t, c in zip(THUMBS, result.counts, strict=True)]
        return (*self.view(config, result), Table(("Thumb", "Hands"), rows))

    def prompt(self, config: ThumbsConfig) -> str:
        return config.proposal


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    register(Thumbs)
