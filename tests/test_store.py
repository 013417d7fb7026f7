"""The durable store: group commit, crash safety, listing and wiping sessions."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from facilitate.agenda import loads_agenda
from facilitate.cli import main
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.store import (
    SessionInUse,
    SessionNotFound,
    Store,
    latest_session,
    list_sessions,
    wipe_session,
)

AGENDA = """
title = "Crash day"
[[items]]
title = "Welcome"
duration = "5m"
[[items]]
title = "Vote"
duration = "10m"
[items.activity]
type = "choice"
question = "Which?"
options = ["A", "B", "C", "D"]
"""


def test_store_settings_are_durable_ones(facilitate_home: Path) -> None:
    store = Store.create()
    db = store._db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert store.path is not None and store.path.parent == facilitate_home / "sessions"
    store.close()


async def test_answers_arriving_together_commit_together() -> None:
    store = Store.create()
    engine = Engine.new(loads_agenda(AGENDA), store, clock=ManualClock())
    engine.next()
    engine.open_answering()
    tokens = [engine.join() for _ in range(200)]
    store.flush()
    before = store.commits
    await asyncio.gather(
        *(engine.submit(t, "vote", {"choice": [str(i % 4)]}) for i, t in enumerate(tokens))
    )
    assert engine.result("vote").answers == 200
    assert store.answer_count() == 200
    # 200 answers, far fewer transactions: they queued while the previous one committed.
    assert store.commits - before < 100
    engine.close()


def test_answers_table_keeps_no_arrival_order() -> None:
    store = Store.create(ephemeral=True)
    columns = [row[1] for row in store._db.execute("PRAGMA table_info(answers)")]
    # No time, no sequence: the approved text fields are the only thing beside the value.
    assert columns == ["item_id", "pseudonym", "value", "approved"]
    without_rowid = store._db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'answers'"
    ).fetchone()[0]
    assert "WITHOUT ROWID" in without_rowid
    store.close()


def test_ephemeral_sessions_write_no_file(facilitate_home: Path) -> None:
    store = Store.create(ephemeral=True)
    engine = Engine.new(loads_agenda(AGENDA), store, clock=ManualClock())
    engine.next()
    engine.close()
    assert not (facilitate_home / "sessions").exists() or not any(
        (facilitate_home / "sessions").iterdir()
    )


CRASHING_WRITER = textwrap.dedent(
    """
    import asyncio, json, sys
    from facilitate.agenda import load_agenda
    from facilitate.engine import Engine
    from facilitate.store import Store

    async def main():
        store = Store.create()
        engine = Engine.new(load_agenda(sys.argv[1]), store)
        engine.next()
        engine.start_timer()
        engine.extend(120)
        engine.open_answering()
        store.flush()
        print(json.dumps({"session": store.id}), flush=True)
        n = 0
        async def one(i):
            token = engine.join()
            choice = str(i % 4)
            await engine.submit(token, "vote", {"choice": [choice]})
            print(json.dumps({"token": token, "choice": int(choice)}), flush=True)
        while True:  # killed from outside
            await asyncio.gather(*(one(n + i) for i in range(20)))
            n += 20

    asyncio.run(main())
    """
)


def test_sigkill_loses_no_acknowledged_answer(tmp_path: Path, facilitate_home: Path) -> None:
    agenda_file = tmp_path / "crash.toml"
    agenda_file.write_text(AGENDA)
    script = tmp_path / "writer.py"
    script.write_text(CRASHING_WRITER)
    process = subprocess.Popen(
        [sys.executable, str(script), str(agenda_file)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "FACILITATE_HOME": str(facilitate_home)},
    )
    assert process.stdout is not None
    session = json.loads(process.stdout.readline())["session"]
    acknowledged = []
    try:
        for line in process.stdout:
            acknowledged.append(json.loads(line))
            if len(acknowledged) >= 300:
                break
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    # Lines the kill interrupted may be half-written; only whole ones count.
    for line in process.stdout.read().splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            acknowledged.append(json.loads(line))

    engine = Engine.resume(Store.open(session))
    try:
        assert engine.index == 1
        run = engine.current_run
        assert run.phase == "open"
        assert run.timer.running
        assert run.timer.adjustment == 120
        for answer in acknowledged:
            assert engine.answer_of(answer["token"], "vote") == {"choice": answer["choice"]}
        assert engine.result("vote").answers >= len(acknowledged)
    finally:
        engine.close()


def test_sessions_are_listed_and_the_latest_found(capsys: pytest.CaptureFixture[str]) -> None:
    engine = Engine.new(loads_agenda(AGENDA), Store.create(), clock=ManualClock())
    engine.next()
    session = engine.store.id
    engine.close()
    [summary] = list_sessions()
    assert (summary.id, summary.title, summary.current, summary.items) == (
        session,
        "Crash day",
        1,
        2,
    )
    assert latest_session() == session
    assert main(["sessions"]) == 0
    assert session in capsys.readouterr().out


def test_wipe_erases_the_session_and_its_wal(capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.create()
    engine = Engine.new(loads_agenda(AGENDA), store)
    engine.store.flush()
    assert store.path is not None
    path = store.path
    # Leave the session open, as after a crash, so -wal and -shm exist.
    assert Path(f"{path}-wal").exists()
    engine.close()
    assert main(["wipe", store.id]) == 0
    for suffix in ("", "-wal", "-shm"):
        assert not Path(f"{path}{suffix}").exists()
    with pytest.raises(SessionNotFound):
        wipe_session(store.id)
    assert main(["wipe", "no-such-session"]) == 1
    assert "no session 'no-such-session'" in capsys.readouterr().err


def test_wipe_refuses_paths() -> None:
    with pytest.raises(SessionNotFound):
        wipe_session("../etc/passwd")


def test_a_session_is_open_in_one_process_at_a_time_and_leaves_nothing_beside_it() -> None:
    store = Store.create()
    assert store.path is not None
    with pytest.raises(SessionInUse):
        Store.open(store.id)
    store.close()
    # Closed: the WAL emptied into the file and removed, the lock let go and removed.
    assert sorted(p.name for p in store.path.parent.iterdir()) == [store.path.name]
    Store.open(store.id).close()


def test_approvals_and_erasures_reach_every_row_that_carries_the_text() -> None:
    store = Store.create()
    rows = {"a": "rest days", "b": "Ana's address", "c": "rest days", "d": None}
    for pseudonym, text in rows.items():
        store.put_answer("say", pseudonym, {"text": text, "score": 3})
    store.approve_texts("say", ["text"], ["rest days"])
    store.erase_texts("say", ["text"], ["Ana's address"])
    store.flush()
    assert store.approved_texts() == {"say": {"rest days"}}
    assert store.answers()["say"]["b"] == {"text": None, "score": 3}
    # A later answer carries its own approval; one withdrawn takes its approval with it.
    store.put_answer("say", "e", {"text": "call the hotline", "score": 1}, approved=["text"])
    store.put_answer("say", "a", None)
    store.put_answer("say", "c", None)
    store.flush()
    assert store.approved_texts() == {"say": {"call the hotline"}}
    store.close()
