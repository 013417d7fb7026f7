"""An answer costs the same at 20,000 answers as at 100, for every installed type.

Answering, changing an answer, withdrawing it, and approving or rejecting a free text
must not walk all the item's answers (nor hash every text): the engine keeps per-item
moderation state and the room's steps of ``k`` incrementally. Each operation is
measured on an item with 100 answers and on one with 20,000, in the same run, two ways:

- the Python function calls it makes (each generator step counts as one), which does
  not depend on how busy the machine is: within 2x;
- its time, as the best of several batches with the garbage collector paused, which
  also catches a walk done in C (a ``sorted`` of every answer): within 10x, a bound
  loose enough for a busy machine that a walk of 20,000 answers still breaks it.

Before this was built, a free-text answer at 20,000 answers cost hundreds of times the
calls and about 50 times the time of one at 100.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.plugins import default_plugins
from facilitate.random_answers import form_answer
from facilitate.room import held_back, moderation_preview, room_view
from facilitate.types_command import describe

SMALL, LARGE = 100, 20_000
BATCH, REPEATS, ATTEMPTS = 20, 7, 3
CALLS_LIMIT = 2.0
TIME_LIMIT = 10.0
FIRST_PARTY = {"core", "duediligence", "evaluation", "riskmap", "strategies"}


def _types() -> list[Any]:
    return [info for info in describe(default_plugins()) if info.plugin in FIRST_PARTY]


TYPES = _types()


class Room:
    """One item of one type, open and revealed, with ``size`` answers already in."""

    def __init__(self, example: str, kind: str, size: int) -> None:
        agenda = loads_agenda(f'title = "Cost"\nk = 5\n{example}', plugins=default_plugins())
        self.engine = Engine.new(agenda, clock=ManualClock())
        self.index = max(i for i, item in enumerate(agenda.items) if item.kind == kind)
        for earlier in range(self.index):  # an item this type reads (``from = ...``)
            self.fill(earlier)
        self.engine.goto(self.index)
        self.engine.open_answering()
        self.engine.reveal()
        self.item_id = self.engine.current.id
        self.run = self.engine.runs[self.item_id]
        self.form = self.engine.form(self.item_id)
        self.moderated = self.form.moderated_fields()
        self.rng = random.Random(size)
        self.serial = 0
        pool = [self.engine.validate(self.item_id, self.raw()) for _ in range(50)]
        for number in range(size):
            value = dict(pool[number % len(pool)])
            for name in self.moderated:
                value[name] = f"words {number} {name}"
            self.run.answers[f"p{number}"] = value
        self.engine.answers.reset_tally(self.run)
        self.view()  # the room's first step

    def fill(self, index: int) -> None:
        """Answer an earlier item a few times and approve its texts."""
        engine = self.engine
        engine.goto(index)
        if engine.current.activity is None:
            return
        engine.open_answering()
        item_id = engine.current.id
        form, rng = engine.form(item_id), random.Random(index)
        for number in range(12):
            raw = form_answer(form, rng, engine.agenda.language)
            for name in form.moderated_fields():
                raw[name] = [f"earlier {number} {name}"]
            value = engine.validate(item_id, raw)
            engine.answers.apply(engine.runs[item_id], f"e{number}", value)
        engine.approve(item_id, [p.id for p in engine.pending(item_id)])
        engine.close_answering()

    def raw(self) -> dict[str, list[str]]:
        """A new answer as a phone posts it, its free texts all different."""
        self.serial += 1
        raw = form_answer(self.form, self.rng, self.engine.agenda.language)
        for name in self.moderated:
            raw[name] = [f"new words {self.serial} {name}"]
        return raw

    def answer(self, pseudonym: str) -> None:
        """What ``Engine.submit`` does on the loop but the write, and what the server and
        the console then read: the room's view, the pending count, the console's preview."""
        answers = self.engine.answers
        value = answers.validate(self.item_id, self.raw())
        if self.moderated:
            value, _ = answers.screen(self.run, value)
        answers.apply(self.run, pseudonym, value)
        self.view()

    def view(self) -> None:
        room_view(self.engine)
        held_back(self.engine, self.item_id)
        self.engine.pending_count(self.item_id)
        moderation_preview(self.engine, limit=5)

    def operations(self) -> dict[str, Callable[[int], None]]:
        """Each operation, given a number that makes it touch a fresh answer or text."""
        found: dict[str, Callable[[int], None]] = {
            "answer": lambda n: self.answer(f"new{n}"),
            "change": lambda n: self.answer(f"p{n}"),
            "withdraw": lambda n: self.withdraw(f"p{n + BATCH * REPEATS * ATTEMPTS * 2}"),
        }
        if self.moderated:
            found["approve"] = lambda n: self.decide(n, self.engine.approve)
            found["reject"] = lambda n: self.decide(n, self.engine.reject)
        return found

    def withdraw(self, pseudonym: str) -> None:
        self.engine.answers.apply(self.run, pseudonym, None)
        self.view()

    def decide(self, number: int, decide: Callable[[str, list[str]], int]) -> None:
        head = self.engine.first_pending(self.item_id, 1)
        if head:
            decide(self.item_id, [head[0].id])
        self.view()


class Timer:
    """The best time of a batch of one operation, numbered on so each touches anew."""

    def __init__(self) -> None:
        self.next = 0

    def best(self, operation: Callable[[int], None]) -> float:
        best = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            for _ in range(BATCH):
                operation(self.next)
                self.next += 1
            best = min(best, time.perf_counter() - start)
        return best / BATCH


def test_every_first_party_type_is_measured() -> None:
    kinds = {info.kind for info in TYPES}
    assert {"choice", "multi", "scale", "text", "wordcloud", "ranking", "quiz"} <= kinds
    assert {"duediligence", "evaluation", "riskmap", "strategies"} & kinds


def calls(operation: Callable[[int], None], start: int) -> int:
    """The function calls (Python, builtin and generator steps) of a batch."""
    count = 0

    def counted(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(counted)
    try:
        for number in range(start, start + BATCH):
            operation(number)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("kind", [info.kind for info in TYPES])
def test_an_answer_costs_the_same_at_20000_answers_as_at_100(kind: str) -> None:
    info = next(info for info in TYPES if info.kind == kind)
    rooms = Room(info.example, kind, SMALL), Room(info.example, kind, LARGE)
    try:
        for operation in rooms[0].operations():
            small, large = (calls(room.operations()[operation], 10**6) for room in rooms)
            assert large <= CALLS_LIMIT * small, (
                f"{operation} on {kind}: at {LARGE} answers {large} calls, at {SMALL} {small}"
            )
            ratio = cost_ratio(rooms, operation)
            assert ratio <= TIME_LIMIT, (
                f"{operation} on {kind}: {LARGE} answers cost {ratio:.1f}x what {SMALL} cost"
            )
    finally:
        for room in rooms:
            room.engine.close()


def cost_ratio(rooms: tuple[Room, Room], operation: str) -> float:
    """How many times an operation costs on the large item what it costs on the small
    one: the best of a few attempts, each the best of several batches."""
    timers = (Timer(), Timer())
    ratios = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(ATTEMPTS):
            small, large = (
                timer.best(room.operations()[operation])
                for timer, room in zip(timers, rooms, strict=True)
            )
            ratios.append(large / small)
            if ratios[-1] <= TIME_LIMIT:
                break
    finally:
        gc.enable()
    return min(ratios)
