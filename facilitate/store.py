"""Durable sessions: one SQLite file per session, so a crash loses nothing acknowledged.

Three tables:

- ``meta``: the agenda as run (TOML), the session's secrets, the join code, the count
  of devices that joined, the day it was created (a date, never a time);
- ``log``: an append-only record of the facilitator's actions (item changes, timer
  states, phases, moderation decisions by count, room locks), replayed on resume;
- ``answers``: one row per (item, pseudonym), ``WITHOUT ROWID`` so that rows are kept
  in pseudonym order, with the names of the row's text fields the facilitator approved.

All writes go through one writer thread that commits whatever has queued up in a
single transaction (group commit) and only then resolves each write's future: an
answer is acknowledged after it is on disk, and many answers cost one fsync.

What the file must not keep (see ``docs/security.md``): the order in which phones
answered, an answer's earlier value, rejected text. While an item is open its pages
and the write-ahead log hold the order of commits; so the WAL is kept short
(checkpointed every few pages, then written over from its start), and :meth:`Store.compact`,
run when an item closes and when the session stops, rebuilds the file (``VACUUM``: every
row rewritten in key order into fresh pages, the tail cut off) and truncates the WAL.
Rejected text is overwritten in place (``secure_delete``) and the WAL truncated at once.

Where the files live, their permissions, the lock that says a session is open, and
wiping are in :mod:`facilitate.session_files`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import queue
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from facilitate.session_files import (
    SUFFIX,
    SessionInUse,
    SessionLock,
    SessionNotFound,
    erase_files,
    private_file,
    private_folder,
    session_in_use,
    session_path,
    sessions_dir,
    wipe_session,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""2: ``answers.approved`` holds moderation with the answer; the log keeps no text id."""

WAL_PAGES = 64
"""Checkpoint the write-ahead log every this many pages (SQLite's default is 1000):
while an item is open the WAL holds the last few commits, not the whole room's order.
After a checkpoint SQLite writes the WAL again from its start, over the old frames."""
WAL_LIMIT = 1 << 20
"""Bytes the WAL is cut back to when it starts over, should it have grown (a VACUUM).
Not 0: a WAL cut to nothing and grown again on every start costs a third of the answers
a second when each answer is its own commit (measured); one written over in place does not."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    item_id TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    value TEXT NOT NULL,
    approved TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (item_id, pseudonym)
) WITHOUT ROWID;
"""

__all__ = [
    "LogRecord",
    "SessionInUse",
    "SessionNotFound",
    "SessionSummary",
    "Store",
    "latest_session",
    "list_sessions",
    "new_session_id",
    "session_path",
    "sessions_dir",
    "wipe_session",
]


def new_session_id(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{today.isoformat()}-{secrets.token_hex(3)}"


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
"""Built once: ``json.dumps`` with options builds a new encoder on every call."""


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


@frozen
class _LoopWaiter:
    """An answer awaited on an event loop; see :meth:`Store.put_answer_durably`."""

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]


def _settle(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in futures:
        if future.done():  # its waiter was cancelled
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


@frozen
class LogRecord:
    seq: int
    kind: str
    data: dict[str, Any]


@frozen
class SessionSummary:
    id: str
    title: str
    created: str
    path: Path
    answers: int
    current: int
    items: int
    running: bool = False
    """Another process has it open now."""


class Store:
    """One session's SQLite database and its group-committing writer thread."""

    def __init__(self, path: Path | None, session_id: str) -> None:
        self.path = path
        self.id = session_id
        self._session_lock = SessionLock(path, session_id) if path is not None else None
        try:
            if path is not None:
                private_file(path)
            target = str(path) if path is not None else ":memory:"
            self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
            self._lock = threading.Lock()
            with self._lock:
                self._configure(file=path is not None)
        except BaseException:
            if self._session_lock is not None:
                self._session_lock.release(remove=False)
            raise
        self._queue: queue.SimpleQueue[
            tuple[str, tuple[Any, ...], concurrent.futures.Future[None] | _LoopWaiter] | None
        ] = queue.SimpleQueue()
        self._writer = threading.Thread(
            target=self._write_loop, name=f"store-{session_id}", daemon=True
        )
        self._writer.start()
        self.closed = False
        self.commits = 0

    def _configure(self, *, file: bool) -> None:
        db = self._db
        db.execute("PRAGMA secure_delete=ON")  # freed cells and pages are zeroed
        db.execute("PRAGMA temp_store=MEMORY")  # VACUUM's copy never lands in /tmp
        if file:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
            db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(answers)")}
        if "approved" not in columns:  # a session written by facilitate 0.1
            db.execute("ALTER TABLE answers ADD COLUMN approved TEXT NOT NULL DEFAULT '[]'")

    # -- opening -------------------------------------------------------------

    @classmethod
    def create(cls, *, ephemeral: bool = False, directory: Path | None = None) -> Store:
        session_id = new_session_id()
        if ephemeral:
            return cls(None, session_id)
        directory = private_folder(directory or sessions_dir())
        return cls(directory / f"{session_id}{SUFFIX}", session_id)

    @classmethod
    def open(cls, session_id: str, directory: Path | None = None) -> Store:
        """Open a stored session; :class:`SessionInUse` if another process has it open."""
        path = session_path(session_id, directory)
        private_folder(path.parent)
        return cls(path, path.stem)

    @property
    def ephemeral(self) -> bool:
        return self.path is None

    # -- writing -------------------------------------------------------------

    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while True:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            error: BaseException | None = None
            try:
                with self._lock:
                    self._db.execute("BEGIN IMMEDIATE")
                    try:
                        self._apply_batch(batch)
                        self._db.execute("COMMIT")
                    except BaseException:
                        self._db.execute("ROLLBACK")
                        raise
                    self.commits += 1
                    self._tidy_after(op for op, _, _ in batch)
            except BaseException as failure:  # every waiting writer must hear of it
                error = failure
            waiting: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
            for _, _, future in batch:
                if isinstance(future, _LoopWaiter):
                    waiting.setdefault(future.loop, []).append(future.future)
                elif error is None:
                    future.set_result(None)
                else:
                    future.set_exception(error)
            for loop, futures in waiting.items():
                # One wake-up of the event loop per commit, not one per answer.
                with contextlib.suppress(RuntimeError):  # that loop has closed meanwhile
                    loop.call_soon_threadsafe(_settle, futures, error)
            if stop:
                return

    def _apply_batch(self, batch: list[tuple[str, tuple[Any, ...], Any]]) -> None:
        """Every write of a batch in order; runs of stored answers go in one executemany."""
        stored: list[tuple[Any, ...]] = []
        for op, args, _ in batch:
            if op == "answer" and args[2] is not None:
                stored.append(args)
                continue
            if stored:
                self._store_answers(stored)
                stored = []
            self._apply(op, args)
        if stored:
            self._store_answers(stored)

    def _store_answers(self, rows: list[tuple[Any, ...]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO answers (item_id, pseudonym, value, approved)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )

    def _apply(self, op: str, args: tuple[Any, ...]) -> None:
        if op == "log":
            self._db.execute("INSERT INTO log (kind, data) VALUES (?, ?)", args)
        elif op == "meta":
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", args)
        elif op == "answer":  # a retraction; stored answers go through _store_answers
            item_id, pseudonym, _, _ = args
            self._db.execute(
                "DELETE FROM answers WHERE item_id = ? AND pseudonym = ?", (item_id, pseudonym)
            )
        elif op in ("approve", "erase"):
            self._moderate(op, *args)
        elif op == "forget":
            self._forget_text_ids()
        elif op != "compact":  # pragma: no cover - programming error
            raise ValueError(op)

    def _moderate(self, op: str, item_id: str, fields: Sequence[str], texts: Sequence[str]) -> None:
        """Mark these texts approved in every answer that carries them, or erase them."""
        wanted = set(texts)
        changes = []
        for pseudonym, encoded, approved_json in self._db.execute(
            "SELECT pseudonym, value, approved FROM answers WHERE item_id = ?", (item_id,)
        ).fetchall():
            value = json.loads(encoded)
            if not isinstance(value, dict):
                continue
            hits = {f for f in fields if isinstance(value.get(f), str) and value[f] in wanted}
            if not hits:
                continue
            approved = set(json.loads(approved_json))
            if op == "erase":
                value.update(dict.fromkeys(hits))
                approved -= hits
            else:
                approved |= hits
            changes.append((_dumps(value), _dumps(sorted(approved)), item_id, pseudonym))
        self._db.executemany(
            "UPDATE answers SET value = ?, approved = ? WHERE item_id = ? AND pseudonym = ?",
            changes,
        )

    def _forget_text_ids(self) -> None:
        """Take the text ids out of moderation records written by facilitate 0.1."""
        rows = self._db.execute(
            "SELECT seq, data FROM log WHERE kind = 'moderation' AND data LIKE '%text_id%'"
        ).fetchall()
        for seq, data in rows:
            record = json.loads(data)
            record.pop("text_id", None)
            self._db.execute("UPDATE log SET data = ? WHERE seq = ?", (_dumps(record), seq))

    def _tidy_after(self, ops: Iterable[str]) -> None:
        """After a commit: rebuild the file if asked, or truncate the WAL after an erasure.

        A failure here loses nothing (the commit is done); it is logged, and the next
        compaction tries again.
        """
        done = set(ops)
        if self.path is None or not done & {"compact", "erase", "forget"}:
            return
        try:
            if "compact" in done:
                self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as error:
            log.warning("could not compact the session file: %s", error)

    def _submit(self, op: str, *args: Any) -> concurrent.futures.Future[None]:
        if self.closed:
            raise RuntimeError("the session store is closed")
        future: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._queue.put((op, args, future))
        return future

    def append(self, kind: str, data: dict[str, Any]) -> concurrent.futures.Future[None]:
        """Queue a log record; it is written in order with everything else queued."""
        return self._submit("log", kind, _dumps(data))

    def set_meta(self, key: str, value: Any) -> concurrent.futures.Future[None]:
        return self._submit("meta", key, _dumps(value))

    def put_answer(
        self, item_id: str, pseudonym: str, value: Any | None, approved: Sequence[str] = ()
    ) -> concurrent.futures.Future[None]:
        """Queue an answer (``None`` retracts it), with the names of its text fields
        already approved; the future resolves once it is committed."""
        encoded = None if value is None else _dumps(value)
        return self._submit("answer", item_id, pseudonym, encoded, _approved(approved))

    async def put_answer_durably(
        self, item_id: str, pseudonym: str, value: Any | None, approved: Sequence[str] = ()
    ) -> None:
        """Queue an answer and return once it is committed (the coroutine form of
        :meth:`put_answer`, waking the event loop once per commit rather than per answer)."""
        if self.closed:
            raise RuntimeError("the session store is closed")
        loop = asyncio.get_running_loop()
        waiter = _LoopWaiter(loop, loop.create_future())
        encoded = None if value is None else _dumps(value)
        self._queue.put(("answer", (item_id, pseudonym, encoded, _approved(approved)), waiter))
        await waiter.future

    def approve_texts(
        self, item_id: str, fields: Sequence[str], texts: Sequence[str]
    ) -> concurrent.futures.Future[None]:
        """Mark ``texts`` approved in every answer to the item that carries one of them
        in one of ``fields`` (answers stored later carry their own mark)."""
        return self._submit("approve", item_id, tuple(fields), tuple(texts))

    def erase_texts(
        self, item_id: str, fields: Sequence[str], texts: Sequence[str]
    ) -> concurrent.futures.Future[None]:
        """Erase ``texts`` from every answer to the item (the field becomes null), the
        old bytes overwritten, and truncate the WAL that still held them."""
        return self._submit("erase", item_id, tuple(fields), tuple(texts))

    def forget_text_ids(self) -> concurrent.futures.Future[None]:
        """Take the text ids out of old moderation records (see the engine's resume)."""
        return self._submit("forget")

    def compact(self, *, wait: bool = False) -> concurrent.futures.Future[None]:
        """After what is queued: rebuild the file so no page keeps the order rows arrived
        in or an old value, and truncate the WAL. Run when an item closes."""
        future = self._submit("compact")
        if wait:
            future.result()
        return future

    def flush(self) -> None:
        """Block until everything queued so far is committed."""
        if not self.closed:
            self._submit("meta", "schema", _dumps(SCHEMA_VERSION)).result()

    # -- reading -------------------------------------------------------------

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def meta(self) -> dict[str, Any]:
        return {key: json.loads(value) for key, value in self._read("SELECT key, value FROM meta")}

    def log(self) -> list[LogRecord]:
        rows = self._read("SELECT seq, kind, data FROM log ORDER BY seq")
        return [LogRecord(seq, kind, json.loads(data)) for seq, kind, data in rows]

    def answers(self) -> dict[str, dict[str, Any]]:
        """Every stored answer: item id -> pseudonym -> value."""
        result: dict[str, dict[str, Any]] = {}
        for item_id, pseudonym, value in self._read(
            "SELECT item_id, pseudonym, value FROM answers"
        ):
            result.setdefault(item_id, {})[pseudonym] = json.loads(value)
        return result

    def approved_texts(self) -> dict[str, set[str]]:
        """Item id -> the texts the facilitator approved that answers still carry."""
        result: dict[str, set[str]] = {}
        for item_id, value, approved in self._read(
            "SELECT item_id, value, approved FROM answers WHERE approved != '[]'"
        ):
            fields, value = json.loads(approved), json.loads(value)
            for name in fields:
                text = value.get(name) if isinstance(value, dict) else None
                if isinstance(text, str):
                    result.setdefault(item_id, set()).add(text)
        return result

    def answer_count(self) -> int:
        return int(self._read("SELECT count(*) FROM answers")[0][0])

    # -- closing -------------------------------------------------------------

    def close(self) -> None:
        """Write what is queued, compact the file (see :meth:`compact`), close it, and let
        go of the session."""
        if self.closed:
            return
        try:
            self.compact(wait=True)
        finally:  # a failed write is raised, and the session let go all the same
            self._stop_writer()
            with self._lock:
                self._db.close()
            if self._session_lock is not None:
                self._session_lock.release()

    def wipe(self) -> None:
        """Erase this session now: no further write is taken, every file is overwritten
        with zeros and removed, then the session is let go."""
        holding = self._session_lock is not None and self._session_lock.held
        if self.closed and not holding:  # closed before: wipe it as any stopped session
            if self.path is not None and self.path.exists():
                wipe_session(self.id, self.path.parent)
            return
        self._stop_writer()
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.close()
        if self.path is not None:
            erase_files(self.path)
        if self._session_lock is not None:
            self._session_lock.release()

    def _stop_writer(self) -> None:
        if not self.closed:
            self.closed = True
            self._queue.put(None)
            self._writer.join()


def _approved(fields: Sequence[str]) -> str:
    return _dumps(sorted(fields)) if fields else "[]"


def _session_files(directory: Path | None = None) -> Iterator[Path]:
    directory = directory or sessions_dir()
    if directory.is_dir():
        yield from sorted(directory.glob(f"*{SUFFIX}"))


def list_sessions(directory: Path | None = None) -> list[SessionSummary]:
    """Every session on this machine, oldest first, read without changing any."""
    summaries = []
    for path in _session_files(directory):
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
                answers = db.execute("SELECT count(*) FROM answers").fetchone()[0]
                current = 0
                for (data,) in db.execute("SELECT data FROM log WHERE kind = 'item' ORDER BY seq"):
                    current = json.loads(data)["index"]
            finally:
                db.close()
        except (sqlite3.Error, ValueError, KeyError):
            continue
        summaries.append(
            SessionSummary(
                path.stem,
                str(meta.get("title", "?")),
                str(meta.get("created", "?")),
                path,
                int(answers),
                int(current),
                int(meta.get("items", 0)),
                running=session_in_use(path),
            )
        )
    return summaries


def latest_session(directory: Path | None = None) -> str:
    sessions = list_sessions(directory)
    if not sessions:
        raise SessionNotFound("no sessions yet")
    return max(sessions, key=lambda s: (s.created, s.path.stat().st_mtime)).id
