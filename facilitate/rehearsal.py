"""Rehearse a whole agenda at accelerated time with simulated participants, and keep it.

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
from facilitate.engine import Engine
from facilitate.forms import AnswerError
from facilitate.model import Agenda, Item
from facilitate.plugins import Plugins
from facilitate.simulate import form_answer
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
class RehearsalOutcome:
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
        from facilitate.server.simulate import simulate_participants  # noqa: F401
    except ImportError:
        return False
    return True


async def rehearse_async(
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
) -> RehearsalOutcome:
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
    answers_rng = random.Random(f"{seed}:answers")
    time_rng = random.Random(f"{seed}:time")
    approved = 0
    server: Any = None
    stop = asyncio.Event()
    crowd: asyncio.Task[Any] | None = None
    failed_requests = 0
    try:
        if via == VIA_HTTP:
            from facilitate.server import start_server
            from facilitate.server.simulate import simulate_participants

            server = await start_server(engine, host="127.0.0.1", port=0)
            if on_server is not None:
                on_server(server)
            crowd = asyncio.create_task(
                simulate_participants(
                    engine,
                    server.local_url,
                    participants,
                    seed=seed,
                    stop=stop,
                    think_time=THINK_TIME,
                )
            )
            tokens: list[str] = []
        else:
            tokens = [engine.join() for _ in range(participants)]
        for index, item in enumerate(agenda.items):
            if index:
                engine.next()
            else:
                engine.start_timer()
            if on_item is not None:
                on_item(index + 1, item)
            length = simulated_length(item, time_rng)
            started = time.monotonic()
            if item.activity is not None:
                engine.open_answering()
                if via == VIA_HTTP:
                    await _wait_for_room(engine, item, participants, answer_wait)
                else:
                    await _answer_in_process(engine, item, tokens, answers_rng)
                engine.close_answering()
                # Nobody moderates a rehearsal: every text is approved, so the report shows them.
                pending = [text.id for text in engine.pending(item.id)]
                if pending:
                    approved += engine.approve(item.id, pending)
                engine.reveal(True)
            if speed > 0:
                await asyncio.sleep(max(0.0, length / speed - (time.monotonic() - started)))
            clock.advance(length)
        engine.pause_timer()
    finally:
        stop.set()
        if crowd is not None:
            try:
                stats = await asyncio.wait_for(crowd, timeout=10)
                failed_requests = int(getattr(stats, "errors", 0))
            except (TimeoutError, asyncio.CancelledError):
                crowd.cancel()
        if server is not None:
            await server.stop()
        answers = sum(run.count for run in engine.runs.values())
        actual = round(sum(t.actual or 0 for t in engine.timings()))
        engine.close()
    return RehearsalOutcome(
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


def rehearse(agenda: Agenda, participants: int, **options: Any) -> RehearsalOutcome:
    """:func:`rehearse_async` from synchronous code (in a thread of its own if a loop runs)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(rehearse_async(agenda, participants, **options))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(
            lambda: asyncio.run(rehearse_async(agenda, participants, **options))
        ).result()
