"""Storage faults: named with their real cause, one log line each, visible to watchers,
recovered from; damaged and incomplete session files listed, never taken for the latest,
and wiped like any other (issue 12, findings 3, 4 and 6)."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from facilitate.agenda import loads_agenda
from facilitate.cli import main
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.faults import FaultKind, StorageError, StorageFault, fault_kind
from facilitate.session_index import DAMAGED, INCOMPLETE, latest_session, list_sessions
from facilitate.store import Store

AGENDA = """
title = "Fault day"
k = 1
[[items]]
id = "welcome"
title = "Welcome"
duration = "5m"
[[items]]
id = "say"
title = "Say"
duration = "5m"
[items.activity]
type = "text"
question = "One thing that helps"
"""
DISK_FULL = sqlite3.OperationalError("database or disk is full")


def full_disk(store: Store) -> list[bool]:
    """Make the store's writes fail as on a full disk until the returned switch is cleared."""
    switch = [True]
    store.inject_fault = lambda: DISK_FULL if switch[0] else None
    return switch


async def test_a_full_disk_is_named_by_its_real_cause_once_and_recovery_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Finding 3. Before: each refused answer logged a 21-line traceback ending in
    "cannot rollback - no transaction is active"."""
    caplog.set_level(logging.INFO, logger="facilitate.store")
    store = Store.create()
    heard: list[StorageFault | None] = []
    store.watch(heard.append)
    switch = full_disk(store)
    try:
        for number in range(20):
            with pytest.raises(StorageError) as refused:
                await store.put_answer_durably("say", f"p{number}", {"text": "hello"})
            assert refused.value.kind is FaultKind.FULL
            assert refused.value.cause == "database or disk is full"
        faults = [r for r in caplog.records if r.name == "facilitate.store"]
        assert len(faults) == 1
        assert faults[0].exc_info is None
        assert "disk full (database or disk is full)" in faults[0].getMessage()
        assert "rollback" not in caplog.text
        assert store.fault is not None and store.fault.kind is FaultKind.FULL
        switch[0] = False
        await store.put_answer_durably("say", "after", {"text": "saved"})
        assert store.fault is None
        assert store.answers() == {"say": {"after": {"text": "saved"}}}
        assert "saving works again" in caplog.records[-1].getMessage()
        await asyncio.sleep(0.05)
        assert [f.kind if f else None for f in heard] == [FaultKind.FULL, None]
    finally:
        store.close()


async def test_the_writer_notices_recovery_with_nothing_to_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("facilitate.store.PROBE_SECONDS", 0.05)
    store = Store.create()
    heard: list[StorageFault | None] = []
    store.watch(heard.append)
    switch = full_disk(store)
    try:
        with pytest.raises(StorageError):
            store.set_meta("x", 1).result()
        switch[0] = False
        for _ in range(100):
            await asyncio.sleep(0.02)
            if heard and heard[-1] is None:
                break
        assert heard[-1] is None and store.fault is None
    finally:
        store.close()


def test_fault_kinds_from_sqlite_codes_errnos_and_words() -> None:
    assert fault_kind(OSError(28, "No space left on device")) is FaultKind.FULL
    assert fault_kind(OSError(30, "Read-only file system")) is FaultKind.READ_ONLY
    assert fault_kind(sqlite3.DatabaseError("file is not a database")) is FaultKind.DAMAGED
    assert fault_kind(sqlite3.OperationalError("disk I/O error")) is FaultKind.IO
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    assert fault_kind(readonly) is FaultKind.READ_ONLY


async def test_settled_waits_for_every_write_since_the_mark_and_reports_a_failure() -> None:
    store = Store.create()
    try:
        store.set_meta("before", 1)
        mark = store.mark()
        switch = full_disk(store)
        store.set_meta("a", 1)
        with pytest.raises(StorageError):
            await store.settled(mark)
        switch[0] = False
        mark = store.mark()
        store.set_meta("b", 2)
        await store.settled(mark)
        assert store.meta()["b"] == 2
    finally:
        store.close()


def test_a_new_session_on_a_full_disk_leaves_no_file(
    facilitate_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 5 (serve on a full disk left a 0-byte session file, then a traceback)."""

    def no_space(*_: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("facilitate.session_files.os.write", no_space)
    with pytest.raises(StorageError) as refused:
        Store.create()
    assert refused.value.kind is FaultKind.FULL
    assert list((facilitate_home / "sessions").iterdir()) == []


# -- sessions that stopped in their first moments, or are damaged ------------------------

BORN = textwrap.dedent(
    """
    import sys
    from facilitate.agenda import loads_agenda
    from facilitate.engine import Engine
    from facilitate.store import Store

    agenda = loads_agenda(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    Engine.new(agenda, Store.create())
    sys.stdin.read()
    """
)


def kill_while_starting(facilitate_home: Path, delay: float) -> None:
    """A session started, killed ``delay`` seconds into its life."""
    child = subprocess.Popen(
        [sys.executable, "-c", BORN, AGENDA],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "FACILITATE_HOME": str(facilitate_home)},
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "ready"
    child.stdin.write("go\n")
    child.stdin.flush()
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


@pytest.mark.slow
def test_a_session_killed_in_its_first_milliseconds_never_hides_the_latest(
    facilitate_home: Path,
) -> None:
    """Finding 6. Before: 11 of 12 tries at 3 ms left a file with no details that sorted
    first, and `resume`/`report latest` failed."""
    engine = Engine.new(loads_agenda(AGENDA), Store.create(), clock=ManualClock())
    real = engine.store.id
    engine.close()
    failures = 0
    for attempt in range(12):
        kill_while_starting(facilitate_home, 0.003 + 0.001 * (attempt % 3))
        latest = latest_session()
        summaries = {s.id: s for s in list_sessions()}
        if not summaries[latest].complete:
            failures += 1
        for summary in summaries.values():  # either complete, or listed as incomplete
            assert summary.complete or summary.problem == INCOMPLETE
        assert real in summaries
    assert failures == 0


def test_an_incomplete_file_is_listed_and_skipped_as_the_latest(
    facilitate_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = Engine.new(loads_agenda(AGENDA), Store.create(), clock=ManualClock())
    real = engine.store.id
    engine.close()
    folder = facilitate_home / "sessions"
    (folder / "2099-12-31-ffffff.sqlite").write_bytes(b"")  # newer, empty
    assert latest_session() == real
    assert main(["sessions"]) == 0
    out = capsys.readouterr().out
    assert "2099-12-31-ffffff  incomplete" in out and "facilitate wipe 2099-12-31-ffffff" in out


async def session_with_answers(count: int) -> tuple[str, Path, list[str]]:
    engine = Engine.new(loads_agenda(AGENDA), Store.create(), clock=ManualClock())
    engine.next()
    engine.open_answering()
    texts = []
    for number in range(count):
        text = f"secret-answer-{number:03d}-zebra"
        await engine.submit(engine.join(), "say", {"text": [text]})
        texts.append(text)
    engine.close()
    assert engine.store.path is not None
    return engine.store.id, engine.store.path, texts


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) - 1000])  # the last page cut short
    else:
        garbled = bytearray(data)
        garbled[:100] = os.urandom(100)  # the header: SQLite no longer knows it
        path.write_bytes(bytes(garbled))


@pytest.mark.parametrize("how", ["truncated", "garbled"])
async def test_damaged_sessions_are_listed_with_why_and_wiped_unreadable(
    how: str, facilitate_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 4. Before: `sessions` skipped the file silently, `wipe` crashed on it and
    left the 100 answers readable with `strings`."""
    session, path, texts = await session_with_answers(100)
    damage(path, how)
    assert any(t.encode() in path.read_bytes() for t in texts)
    [summary] = list_sessions()
    if how == "garbled":
        assert summary.problem == DAMAGED and summary.detail
    assert main(["sessions"]) == 0
    listed = capsys.readouterr().out
    assert session in listed
    # A second name for the same bytes: after the wipe it shows what was left on disk.
    witness = path.parent.parent / "witness"
    os.link(path, witness)
    assert main(["wipe", session]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert not path.exists() and list(path.parent.glob(f"{session}*")) == []
    left = witness.read_bytes()
    assert not any(t.encode() in left for t in texts)
    if shutil.which("strings"):
        found = subprocess.run(["strings", str(witness)], capture_output=True, text=True).stdout
        assert "zebra" not in found
    assert set(left) <= {0}


def test_a_session_whose_log_names_a_missing_item_is_refused_in_one_line(
    facilitate_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 5: `resume` with an out-of-range item index in the log."""
    engine = Engine.new(loads_agenda(AGENDA), Store.create(), clock=ManualClock())
    engine.store.append("item", {"index": 7})
    session = engine.store.id
    engine.close()
    assert main(["resume", session]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "names item 7, but the agenda has items 0 to 1" in err
    assert main(["report", session]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "names item 7" in err


@pytest.mark.parametrize("how", ["truncated", "garbled"])
def test_commands_on_a_damaged_session_say_so_in_one_line(
    how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    session, path, _ = asyncio.run(session_with_answers(100))
    damage(path, how)
    for command in (["resume", session], ["report", session], ["serve", "--resume", session]):
        code = main(command)
        err = capsys.readouterr().err.strip()
        assert code == 1, (command, err)
        assert len(err.splitlines()) == 1 and "Traceback" not in err, err


@pytest.mark.parametrize("how", ["whole", "garbled"])
def test_listing_and_reporting_leave_no_files_beside_a_session(
    how: str, facilitate_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading a session never leaves a ``-wal``, ``-shm`` or ``.lock`` file behind (a
    read-only connection cannot remove what it makes; a damaged file's lock was kept)."""
    session, path, _ = asyncio.run(session_with_answers(20))
    if how == "garbled":
        damage(path, how)
    before = sorted(p.name for p in path.parent.iterdir())
    assert before == [path.name]
    assert main(["sessions"]) == 0
    main(["report", session, "-o", str(facilitate_home / "report.html")])
    capsys.readouterr()
    assert sorted(p.name for p in path.parent.iterdir()) == before
