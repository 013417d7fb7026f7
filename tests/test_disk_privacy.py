"""What a seized laptop's session file can tell: not the order phones answered in, not an
answer's earlier value, not rejected words, not a confirmation of a guessed text.

Each test attacks the raw bytes of the database and its write-ahead log the way someone
holding the file would, and reports how much it recovered.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import sqlite3
import stat
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
    WAL_PAGES,
    SessionInUse,
    SessionNotFound,
    Store,
    list_sessions,
    wipe_session,
)

AGENDA = """
title = "Seized laptop"
k = 2

[[items]]
id = "vote"
title = "Vote"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["A", "B", "C", "D"]

[[items]]
id = "say"
title = "Say"
duration = "5m"
[items.activity]
type = "text"
question = "One thing that helps"

[[items]]
id = "end"
title = "End"
duration = "5m"
"""

TRIALS = 6
PHONES = 40


def kendall_tau(ranks: list[int]) -> float:
    """Kendall's tau between the arrival order (the list's order) and ``ranks``."""
    concordant = discordant = 0
    for i, a in enumerate(ranks):
        for b in ranks[i + 1 :]:
            concordant += a < b
            discordant += a > b
    return (concordant - discordant) / max(1, concordant + discordant)


def order_recovered(blob: bytes, pseudonyms: list[str]) -> float | None:
    """How well the byte offsets of each row give back arrival order: the best |tau| over
    the attacker's readings (file order; page order then offset within the page, either
    way). 1.0 is the exact order, about 0.1 chance for 40 rows; None if rows are missing."""
    offsets = [blob.find(p.encode()) for p in pseudonyms]
    if min(offsets) < 0:
        return None
    page = 4096
    readings = [
        offsets,
        [(o // page) * page * 2 + (page - o % page) for o in offsets],  # page, then downward
    ]
    return max(abs(kendall_tau(reading)) for reading in readings)


def files(store: Store) -> tuple[bytes, bytes]:
    assert store.path is not None
    wal = Path(f"{store.path}-wal")
    return store.path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def new_engine() -> Engine:
    return Engine.new(loads_agenda(AGENDA), Store.create(), clock=ManualClock())


async def answer_in_order(engine: Engine, count: int) -> tuple[list[str], list[str]]:
    """``count`` phones answer the open item one after another, each committed before
    the next (the worst case: one row per commit). Returns pseudonyms and tokens."""
    pseudonyms, tokens = [], []
    item = engine.current.id
    for i in range(count):
        token = engine.join()
        raw = {"choice": [str(i % 4)]} if item == "vote" else {"text": [f"text number {i}"]}
        await engine.submit(token, item, raw)
        pseudonyms.append(engine.pseudonym(token, item))
        tokens.append(token)
    return pseudonyms, tokens


async def test_arrival_order_cannot_be_read_once_an_item_closes() -> None:
    """Finding 1. Before: |tau| = 1.0 from the WAL while running and from the database
    after a stop, in every trial. After: chance, in the database; the WAL is empty."""
    while_running, after_stop = [], []
    for _ in range(TRIALS):
        engine = new_engine()
        engine.open_answering()
        pseudonyms, _ = await answer_in_order(engine, PHONES)
        engine.next()  # answering closes, the item is final
        engine.store.flush()
        db, wal = files(engine.store)
        assert wal == b"", "the WAL still holds the item's commits"
        recovered = order_recovered(db, pseudonyms)
        assert recovered is not None
        while_running.append(recovered)
        engine.close()
        db, wal = files(engine.store)
        assert wal == b""
        recovered = order_recovered(db, pseudonyms)
        assert recovered is not None
        after_stop.append(recovered)
    print(f"\norder recovered (|tau|) while running: {while_running}; after stop: {after_stop}")
    for figures in (while_running, after_stop):
        assert sum(figures) / len(figures) < 0.3  # chance is about 0.1; arrival order is 1.0
        assert max(figures) < 0.6


async def test_the_wal_stays_short_while_an_item_is_open() -> None:
    engine = new_engine()
    engine.open_answering()
    assert engine.store.path is not None
    wal = Path(f"{engine.store.path}-wal")
    page = engine.store._db.execute("PRAGMA page_size").fetchone()[0]
    limit = (WAL_PAGES + 8) * (page + 24) + 32  # a checkpoint's worth of frames, and header
    largest = 0
    for _ in range(6):
        await answer_in_order(engine, 50)
        largest = max(largest, wal.stat().st_size)
    print(f"\nlargest WAL while 300 answers came in one by one: {largest} bytes (limit {limit})")
    assert largest <= limit
    engine.close()


async def test_no_earlier_value_or_withdrawn_answer_survives_closing() -> None:
    engine = new_engine()
    engine.goto(1)
    engine.open_answering()
    changer, leaver = engine.join(), engine.join()
    await engine.submit(changer, "say", {"text": ["EARLIER words of the changer"]})
    await engine.submit(leaver, "say", {"text": ["WITHDRAWN words of the leaver"]})
    await answer_in_order(engine, 5)
    await engine.submit(changer, "say", {"text": ["later words"]})
    await engine.retract(leaver, "say")
    engine.store.flush()
    db, wal = files(engine.store)
    assert b"EARLIER" in db + wal  # the attack works while the item is open...
    engine.close_answering()
    engine.store.flush()
    for blob in files(engine.store):  # ...and finds nothing once it closes
        assert b"EARLIER" not in blob and b"WITHDRAWN" not in blob
    assert engine.answer_of(changer, "say") == {"text": "later words"}
    engine.close()
    for blob in files(engine.store):
        assert b"EARLIER" not in blob and b"WITHDRAWN" not in blob


SECRET = "Maria lives at 12 Calle Sol"


async def test_rejected_text_is_erased_from_disk_when_rejected() -> None:
    """Finding 2 (first half). Before: the rejected words stayed in the database after a
    normal stop. After: gone from the database and the WAL as soon as rejected."""
    engine = new_engine()
    engine.goto(1)
    engine.open_answering()
    author = engine.join()
    await engine.submit(author, "say", {"text": [SECRET]})
    await engine.submit(engine.join(), "say", {"text": ["rest days"]})
    [secret] = [p for p in engine.pending("say") if p.text == SECRET]
    assert engine.reject("say", secret.id) == 1
    engine.store.flush()
    for blob in files(engine.store):
        assert SECRET.encode() not in blob
    # The answer stays (it was given), without its words; the room never saw them.
    assert engine.run("say").count == 2
    assert engine.answer_of(author, "say") == {"text": None}
    assert engine.decision("say", SECRET) == "rejected"
    # Sent again, by someone else or by its author: erased before it is stored.
    await engine.submit(engine.join(), "say", {"text": [SECRET]})
    await engine.retract(author, "say")
    await engine.submit(author, "say", {"text": [SECRET]})
    engine.store.flush()
    for blob in files(engine.store):
        assert SECRET.encode() not in blob
    assert engine.pending("say")[0].text == "rest days"
    assert engine.moderation_counts("say") == (0, 1, 1)
    engine.close()
    for blob in files(engine.store):
        assert SECRET.encode() not in blob

    again = Engine.resume(Store.open(engine.store.id), clock=ManualClock())
    assert again.run("say").count == 3
    assert again.moderation_counts("say") == (0, 1, 1)
    again.close()


def legacy_text_id(item_id: str, text: str) -> str:
    return hashlib.blake2b(f"{item_id}\x00{text}".encode(), digest_size=6).hexdigest()


async def test_the_file_cannot_confirm_a_guessed_text() -> None:
    """Finding 2 (second half). Before: the log kept blake2b(item, text) of every
    moderated text, so a guess could be checked against the file. After: no id of a text
    anywhere in it, keyed or not; even with the session secret (which the file holds) a
    guess at words no longer in the answers cannot be confirmed."""
    engine = new_engine()
    engine.goto(1)
    engine.open_answering()
    approved_then_changed = engine.join()
    for text in ("rest days", SECRET, "Ana's phone number"):
        await engine.submit(engine.join(), "say", {"text": [text]})
    await engine.submit(approved_then_changed, "say", {"text": ["call the hotline"]})
    ids = {p.text: p.id for p in engine.pending("say")}
    engine.approve("say", [ids["rest days"], ids["call the hotline"]])
    engine.reject("say", [ids[SECRET]])
    await engine.submit(approved_then_changed, "say", {"text": ["something else"]})
    engine.close()
    assert engine.store.path is not None
    blob = engine.store.path.read_bytes()
    texts = ("rest days", SECRET, "Ana's phone number", "call the hotline", "something else")
    for text in texts:
        for guess in (legacy_text_id("say", text), engine.text_id("say", text)):
            assert guess.encode() not in blob, f"an id of {text!r} is in the file"
    db = sqlite3.connect(engine.store.path)
    records = [json.loads(data) for (data,) in db.execute("SELECT data FROM log")]
    db.close()
    moderation = [r for r in records if "decision" in r]
    assert moderation and all(set(r) == {"item_id", "decision", "texts"} for r in moderation)
    assert b"call the hotline" not in blob  # approved, then its author changed it


async def test_a_session_written_before_keeps_its_decisions_and_loses_its_text_ids() -> None:
    engine = new_engine()
    engine.goto(1)
    engine.open_answering()
    for text in ("rest days", SECRET, "pending words"):
        await engine.submit(engine.join(), "say", {"text": [text]})
    engine.close()
    path = engine.store.path
    assert path is not None
    # Make it look as facilitate 0.1 left it: no approved column, unkeyed text ids.
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE answers DROP COLUMN approved")
    for text, decision in (("rest days", "approved"), (SECRET, "rejected")):
        record = {"item_id": "say", "text_id": legacy_text_id("say", text), "decision": decision}
        db.execute("INSERT INTO log (kind, data) VALUES ('moderation', ?)", (json.dumps(record),))
    db.commit()
    db.close()

    resumed = Engine.resume(Store.open(engine.store.id), clock=ManualClock())
    assert resumed.decision("say", "rest days") == "approved"
    assert [p.text for p in resumed.pending("say")] == ["pending words"]
    assert resumed.moderation_counts("say") == (1, 1, 1)
    resumed.close()
    blob = path.read_bytes()
    assert SECRET.encode() not in blob
    for text in ("rest days", SECRET):
        assert legacy_text_id("say", text).encode() not in blob
    again = Engine.resume(Store.open(engine.store.id), clock=ManualClock())
    assert again.decision("say", "rest days") == "approved"
    assert again.moderation_counts("say") == (1, 1, 1)
    again.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_session_files_are_private_even_in_a_folder_made_before(facilitate_home: Path) -> None:
    """Finding 9 (files): before, files were 0644 and an existing folder kept its mode."""
    folder = facilitate_home / "sessions"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    store = Store.create()
    store.flush()
    assert store.path is not None
    assert mode(folder) == 0o700
    for suffix in ("", "-wal", "-shm"):
        assert mode(Path(f"{store.path}{suffix}")) == 0o600, suffix
    assert mode(store.path.with_suffix(".lock")) == 0o600
    store.close()
    os.chmod(store.path, 0o644)  # as facilitate 0.1 left it
    os.chmod(folder, 0o755)
    Store.open(store.id).close()
    assert mode(store.path) == 0o600 and mode(folder) == 0o700


async def test_wipe_refuses_a_running_session_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Finding 3. Before: a traceback ("database is locked"), files left, answers still
    stored. After: one line saying how to stop it; nothing touched; the session goes on."""
    engine = new_engine()
    engine.open_answering()
    await answer_in_order(engine, 3)
    session = engine.store.id
    assert main(["wipe", session]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"session {session} is open in another facilitate" in err
    assert "stop it there first" in err
    [summary] = list_sessions()
    assert summary.running
    await answer_in_order(engine, 2)  # the session goes on, whole
    assert engine.store.answer_count() == 5
    with pytest.raises(SessionInUse):
        Store.open(session)  # nor can a second facilitate open it meanwhile
    engine.close()
    assert not list_sessions()[0].running
    assert main(["wipe", session]) == 0
    assert list_sessions() == []


HOLDER = textwrap.dedent(
    """
    import sys
    from facilitate.agenda import loads_agenda
    from facilitate.engine import Engine
    from facilitate.store import Store

    engine = Engine.new(loads_agenda(sys.argv[1]), Store.create())
    engine.store.flush()
    print(engine.store.id, flush=True)
    sys.stdin.read()  # held open until killed
    """
)


def test_a_running_session_in_another_process_is_refused_then_wiped_after_a_crash(
    facilitate_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, AGENDA],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "FACILITATE_HOME": str(facilitate_home)},
    )
    try:
        assert holder.stdout is not None
        session = holder.stdout.readline().strip()
        assert main(["wipe", session]) == 1
        err = capsys.readouterr().err
        assert f"(process {holder.pid})" in err
        with pytest.raises(SessionInUse):
            wipe_session(session)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    # The operating system let go of the dead process's lock: wipe, -wal and lock too.
    folder = facilitate_home / "sessions"
    assert Path(folder / f"{session}.sqlite-wal").exists()
    assert main(["wipe", session]) == 0
    assert list(folder.iterdir()) == []


async def test_a_wiped_session_takes_no_more_answers() -> None:
    engine = new_engine()
    engine.open_answering()
    _, tokens = await answer_in_order(engine, 3)
    path = engine.store.path
    assert path is not None
    engine.wipe()
    assert list(path.parent.iterdir()) == []
    with pytest.raises(RuntimeError):
        await engine.submit(tokens[0], "vote", {"choice": ["1"]})
    engine.close()  # what the app does on its way out: nothing left to write
    engine.wipe()
    assert list(path.parent.iterdir()) == []
    with pytest.raises(SessionNotFound):
        wipe_session(engine.store.id)


async def test_compaction_keeps_every_acknowledged_answer() -> None:
    engine = new_engine()
    engine.open_answering()
    answers = [engine.submit(engine.join(), "vote", {"choice": [str(i % 4)]}) for i in range(60)]
    done = asyncio.gather(*answers)
    engine.store.compact()  # while answers are still arriving
    await done
    engine.close_answering()
    engine.close()
    again = Engine.resume(Store.open(engine.store.id), clock=ManualClock())
    assert again.result("vote").answers == 60
    again.close()
