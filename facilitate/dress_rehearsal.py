"""A dress rehearsal: the whole agenda at accelerated time, simulated participants, kept.

The rehearsal drives the engine as a facilitator would (go to the item, start the
timer, open answering, wait for the room, approve free text, reveal, close, move on)
and saves the session, so a facilitator can preview the day and its report, and the
tests have real sessions to report on.

Participants answer either through the real HTTP server on 127.0.0.1 (``via="http"``,
what ``facilitate rehearse`` uses) or straight into the engine (``via="engine"``: fast
and fully deterministic for a seed, for tests). Time runs on a manual clock moved on
by each item's simulated length, so the day takes as long as the answers take.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import random
import secrets
import time
from typing import Any

from attrs import frozen

from facilitate.clock import ManualClock
from facilitate.commands import perform_durably
from facilitate.engine import Engine
from facilitate.forms import AnswerError
from facilitate.model import Agenda, Item
from facilitate.plugins import Plugins
from facilitate.random_answers import form_answer
from facilitate.reprs import attrs_repr
from facilitate.store import Store

VIA_ENGINE, VIA_HTTP = "engine", "http"
ANSWER_RATE = 0.92
"""The share of participants who answer a given item: real rooms are never complete."""
ATTEMPTS = 5
"""Fresh random answers tried before a simulated participant gives up on an item."""
THINK_TIME = (0.05, 0.4)
"""Seconds a simulated phone waits between looks at its page: quick, it is a rehearsal."""
SETTLE = 1.5
"""Seconds without a new answer after which the room is taken to have answered."""


@frozen
class DressRehearsalOutcome:
    __repr__ = attrs_repr

    session_id: str
    title: str
    participants: int
    seed: int
    via: str
    items: int
    answers: int
    approved: int
    planned: int
    actual: int
    failed_requests: int = 0
    """Simulated phones' requests that failed outright (through the server only)."""


def simulated_length(item: Item, rng: random.Random) -> int:
    """How long an item takes in the rehearsal: near its plan, more often over than under."""
    factor = rng.triangular(0.8, 1.35, 1.0)
    return max(15, round(item.duration * factor / 15) * 15)


def _rehearsal_clock(agenda: Agenda) -> ManualClock:
    start = dt.datetime.combine(dt.date.today(), agenda.start or dt.time(9, 0))
    return ManualClock(start.astimezone())


async def _answer_in_process(
    engine: Engine, item: Item, tokens: list[str], rng: random.Random
) -> None:
    """Each participant (most of them) answers the item, straight into the engine."""
    form = engine.form(item.id)
    language = engine.agenda.language
    planned: list[tuple[str, list[dict[str, list[str]]]]] = []
    for token in tokens:
        if rng.random() < ANSWER_RATE:
            planned.append((token, [form_answer(form, rng, language) for _ in range(ATTEMPTS)]))

    async def answer(token: str, tries: list[dict[str, list[str]]]) -> None:
        for raw in tries:
            try:
                await engine.submit(token, item.id, raw)
                return
            except AnswerError:
                continue  # a plugin refused this random answer; a person would try again

    # Together, so the store commits them in a few transactions instead of one each.
    await asyncio.gather(*(answer(token, tries) for token, tries in planned))


async def _wait_for_room(engine: Engine, item: Item, participants: int, limit: float) -> None:
    """Wait until every participant answered, or answers stop coming, or ``limit`` passes."""
    run = engine.run(item.id)
    deadline = time.monotonic() + limit
    last_count, last_change = -1, time.monotonic()
    while time.monotonic() < deadline and run.count < participants:
        if run.count != last_count:
            last_count, last_change = run.count, time.monotonic()
        elif run.count > 0 and time.monotonic() - last_change > SETTLE:
            return
        await asyncio.sleep(0.05)


def server_available() -> bool:
    try:
        from facilitate.server import start_server  # noqa: F401
        from facilitate.server.simulated_phones import simulate_participants  # noqa: F401
    except ImportError:
        return False
    return True


class _Room:
    """The simulated participants: joined in-process, or phones over the real HTTP server."""

    def __init__(self, engine: Engine, participants: int, seed: int, via: str) -> None:
        self.engine = engine
        self.participants = participants
        self.seed = seed
        self.via = via
        self.rng = random.Random(f"{seed}:answers")
        self.tokens: list[str] = []
        self.server: Any = None
        self.crowd: asyncio.Task[Any] | None = None
        self.stop = asyncio.Event()

    async def gather(self, on_server: Any) -> None:
        if self.via == VIA_ENGINE:
            self.tokens = [self.engine.join() for _ in range(self.participants)]
            return
        from facilitate.server import start_server
        from facilitate.server.simulated_phones import simulate_participants

        self.server = await start_server(self.engine, host="127.0.0.1", port=0)
        if on_server is not None:
            on_server(self.server)
        self.crowd = asyncio.create_task(
            simulate_participants(
                self.engine,
                self.server.local_url,
                self.participants,
                seed=self.seed,
                stop=self.stop,
                think_time=THINK_TIME,
            )
        )

    async def answer(self, item: Item, answer_wait: float) -> None:
        if self.via == VIA_HTTP:
            await _wait_for_room(self.engine, item, self.participants, answer_wait)
        else:
            await _answer_in_process(self.engine, item, self.tokens, self.rng)

    async def leave(self) -> int:
        """Stop the phones and the server; how many of the phones' requests failed."""
        self.stop.set()
        failed = 0
        if self.crowd is not None:
            try:
                stats = await asyncio.wait_for(self.crowd, timeout=10)
                failed = int(getattr(stats, "errors", 0))
            except (TimeoutError, asyncio.CancelledError):
                self.crowd.cancel()
        if self.server is not None:
            await self.server.stop()
        return failed


async def _facilitate(engine: Engine, item: Item, room: _Room, answer_wait: float) -> int:
    """One activity as a facilitator runs it, through the same commands as the console's
    keys, each confirmed once saved; returns how many free texts were approved."""
    await perform_durably(engine, "open")
    await room.answer(item, answer_wait)
    await perform_durably(engine, "close")
    approved = 0
    # Nobody moderates a rehearsal: every text is approved, so the report shows them.
    if engine.pending(item.id):
        done = await perform_durably(engine, "approve", {"item": item.id, "all": True})
        approved = int(done.data["changed"])
    await perform_durably(engine, "reveal")
    return approved


async def dress_rehearsal_async(
    agenda: Agenda,
    participants: int,
    *,
    seed: int | None = None,
    via: str = VIA_ENGINE,
    speed: float = 0.0,
    store: Store | None = None,
    plugins: Plugins | None = None,
    clock: ManualClock | None = None,
    answer_wait: float = 15.0,
    on_item: Any = None,
    on_server: Any = None,
) -> DressRehearsalOutcome:
    """Run the agenda with ``participants`` simulated people and save the session.

    ``speed`` > 0 also paces the rehearsal in real time (an item of 10 minutes takes
    ``600 / speed`` seconds), so it can be watched on the projector page; 0 runs as
    fast as answers come. ``on_item(number, item)`` is called as each item starts, and
    ``on_server(server)`` once the server is up (to show its projector page's address).
    """
    if participants < 1:
        raise ValueError("a rehearsal needs at least one participant")
    if via not in (VIA_ENGINE, VIA_HTTP):
        raise ValueError(f"via must be {VIA_ENGINE!r} or {VIA_HTTP!r}")
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    clock = clock or _rehearsal_clock(agenda)
    store = store or Store.create()
    engine = Engine.new(agenda, store, plugins=plugins, clock=clock)
    store.set_meta("rehearsal", {"participants": participants, "seed": seed, "via": via})
    time_rng = random.Random(f"{seed}:time")
    room = _Room(engine, participants, seed, via)
    approved = failed_requests = 0
    try:
        await room.gather(on_server)
        for index, item in enumerate(agenda.items):
            await perform_durably(engine, "next" if index else "start")
            if on_item is not None:
                on_item(index + 1, item)
            length = simulated_length(item, time_rng)
            started = time.monotonic()
            if item.activity is not None:
                approved += await _facilitate(engine, item, room, answer_wait)
            if speed > 0:
                await asyncio.sleep(max(0.0, length / speed - (time.monotonic() - started)))
            clock.advance(length)
        await perform_durably(engine, "pause")
    finally:
        failed_requests = await room.leave()
        answers = sum(run.count for run in engine.runs.values())
        actual = round(sum(t.actual or 0 for t in engine.timings()))
        engine.close()
    return DressRehearsalOutcome(
        session_id=store.id,
        title=agenda.title,
        participants=participants,
        seed=seed,
        via=via,
        items=len(agenda.items),
        answers=answers,
        approved=approved,
        planned=agenda.planned_seconds,
        actual=actual,
        failed_requests=failed_requests,
    )


def dress_rehearsal(agenda: Agenda, participants: int, **options: Any) -> DressRehearsalOutcome:
    """:func:`dress_rehearsal_async` from synchronous code (in its own thread if a loop runs)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(dress_rehearsal_async(agenda, participants, **options))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(
            lambda: asyncio.run(dress_rehearsal_async(agenda, participants, **options))
        ).result()
