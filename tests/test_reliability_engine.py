"""Facilitator actions confirmed after their commit, and the workshop saved again once
saving works after a fault (issue 12, finding 2)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.commands import NotSaved, perform, perform_durably
from facilitate.dress_rehearsal import dress_rehearsal_async
from facilitate.engine import CLOSED, OPEN, Engine
from facilitate.i18n import translator
from facilitate.store import Store

AGENDA = """
title = "Durable day"
k = 1
[[items]]
id = "welcome"
title = "Welcome"
duration = "5m"
[[items]]
id = "vote"
title = "Vote"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["A", "B"]
[[items]]
id = "say"
title = "Say"
duration = "5m"
[items.activity]
type = "text"
question = "One thing that helps"
"""
DISK_FULL = sqlite3.OperationalError("database or disk is full")


def new_engine() -> Engine:
    return Engine.new(loads_agenda(AGENDA), Store.create(), clock=ManualClock())


def on_disk(path: Path) -> list[tuple[str, str]]:
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return reader.execute("SELECT kind, data FROM log ORDER BY seq").fetchall()
    finally:
        reader.close()


async def test_an_action_returns_once_its_record_is_committed() -> None:
    engine = new_engine()
    engine.store.flush()
    gate = threading.Event()
    engine.store.inject_fault = lambda: (gate.wait(5), None)[1]
    confirming = asyncio.ensure_future(perform_durably(engine, "goto", {"index": 1}))
    await asyncio.sleep(0.1)
    assert engine.index == 1  # the room shows it at once
    assert not confirming.done()  # but it is not confirmed before it is saved
    assert engine.store.path is not None
    assert ("item", '{"index":1}') not in on_disk(engine.store.path)
    gate.set()
    await confirming
    assert ("item", '{"index":1}') in on_disk(engine.store.path)
    engine.close()


async def test_a_failed_save_is_not_confirmed_and_is_saved_once_the_disk_has_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("facilitate.store.PROBE_SECONDS", 0.05)
    engine = new_engine()
    engine.watch_storage()
    await perform_durably(engine, "goto", {"index": 1})
    await perform_durably(engine, "open")
    token = engine.join()
    await engine.submit(token, "vote", {"choice": ["0"]})
    switch = [True]
    engine.store.inject_fault = lambda: DISK_FULL if switch[0] else None
    for name, params in (("extend", {"minutes": 2}), ("lock", {}), ("goto", {"index": 2})):
        with pytest.raises(NotSaved) as refused:
            await perform_durably(engine, name, params)
        assert refused.value.text(translator("en")).startswith("Not saved: disk full.")
    perform(engine, "open")  # done, its save failing in the background
    assert engine.index == 2 and engine.locked and engine.current_run.phase == OPEN
    switch[0] = False
    for _ in range(200):
        await asyncio.sleep(0.02)
        if engine.storage_fault is None:
            break
    assert engine.storage_fault is None
    engine.close()
    resumed = Engine.resume(Store.open(engine.store.id), clock=ManualClock())
    try:
        assert resumed.index == 2 and resumed.locked
        assert resumed.run("vote").phase == CLOSED and resumed.run("say").phase == OPEN
        assert resumed.run("vote").timer.state().adjustment == 120
        assert resumed.run("vote").count == 1
    finally:
        resumed.close()


async def test_text_rejected_while_the_disk_was_full_is_erased_once_it_has_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("facilitate.store.PROBE_SECONDS", 0.05)
    engine = new_engine()
    engine.watch_storage()
    engine.goto(2)
    engine.open_answering()
    await engine.submit(engine.join(), "say", {"text": ["call the unicorn hotline"]})
    await engine.submit(engine.join(), "say", {"text": ["rest"]})
    switch = [True]
    engine.store.inject_fault = lambda: DISK_FULL if switch[0] else None
    bad = next(p.id for p in engine.pending("say") if "unicorn" in p.text)
    with pytest.raises(NotSaved):
        await perform_durably(engine, "reject", {"item": "say", "id": [bad]})
    switch[0] = False
    for _ in range(200):
        await asyncio.sleep(0.02)
        if engine.storage_fault is None:
            break
    engine.store.flush()
    assert engine.store.path is not None
    engine.close()
    raw = engine.store.path.read_bytes()
    assert b"unicorn" not in raw


async def test_the_rehearsal_confirms_its_actions_through_the_durable_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called: list[str] = []
    real = perform_durably

    async def recorded(engine: Engine, name: str, given: object = None) -> object:
        called.append(name)
        return await real(engine, name, given)  # type: ignore[arg-type]

    monkeypatch.setattr("facilitate.dress_rehearsal.perform_durably", recorded)
    await dress_rehearsal_async(loads_agenda(AGENDA), 3, seed=1)
    assert called[:3] == ["start", "next", "open"] and "reveal" in called
