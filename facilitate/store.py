"""Durable sessions: one SQLite file per session, so a crash loses nothing acknowledged.

Three tables:

- ``meta``: the agenda as run (TOML), the session's secrets, the join code, the count
  of devices that joined, the day it was created (a date, never a time);
- ``log``: an append-only record of the facilitator's actions (item changes, timer
  states, phases, moderation decisions, room locks), replayed on resume;
- ``answers``: one row per (item, pseudonym), ``WITHOUT ROWID`` so that rows are kept
  in pseudonym order and nothing records the order in which answers arrived, which
  could otherwise link one device's answers across items.

All writes go through one writer thread that commits whatever has queued up in a
single transaction (group commit) and only then resolves each write's future: an
answer is acknowledged after it is on disk, and many answers cost one fsync.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import queue
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import platformdirs
from attrs import frozen

SCHEMA_VERSION = 1
SUFFIX = ".sqlite"

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
    PRIMARY KEY (item_id, pseudonym)
) WITHOUT ROWID;
"""


def sessions_dir() -> Path:
    """Where session files live: ``$FACILITATE_HOME/sessions`` or the user data directory."""
    home = os.environ.get("FACILITATE_HOME")
    base = Path(home) if home else Path(platformdirs.user_data_dir("facilitate", appauthor=False))
    return base / "sessions"


def new_session_id(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{today.isoformat()}-{secrets.token_hex(3)}"


class SessionNotFound(LookupError):
    pass


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


class Store:
    """One session's SQLite database and its group-committing writer thread."""

    def __init__(self, path: Path | None, session_id: str) -> None:
        self.path = path
        self.id = session_id
        target = str(path) if path is not None else ":memory:"
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA secure_delete=ON")
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        self._queue: queue.SimpleQueue[
            tuple[str, tuple[Any, ...], concurrent.futures.Future[None] | _LoopWaiter] | None
        ] = queue.SimpleQueue()
        self._writer = threading.Thread(
            target=self._write_loop, name=f"store-{session_id}", daemon=True
        )
        self._writer.start()
        self.closed = False
        self.commits = 0

    # -- opening -------------------------------------------------------------

    @classmethod
    def create(cls, *, ephemeral: bool = False, directory: Path | None = None) -> Store:
        session_id = new_session_id()
        if ephemeral:
            return cls(None, session_id)
        directory = directory or sessions_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(directory / f"{session_id}{SUFFIX}", session_id)

    @classmethod
    def open(cls, session_id: str, directory: Path | None = None) -> Store:
        path = session_path(session_id, directory)
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
            "INSERT OR REPLACE INTO answers (item_id, pseudonym, value) VALUES (?, ?, ?)", rows
        )

    def _apply(self, op: str, args: tuple[Any, ...]) -> None:
        if op == "log":
            self._db.execute("INSERT INTO log (kind, data) VALUES (?, ?)", args)
        elif op == "meta":
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", args)
        elif op == "answer":  # a retraction; stored answers go through _store_answers
            item_id, pseudonym, _ = args
            self._db.execute(
                "DELETE FROM answers WHERE item_id = ? AND pseudonym = ?", (item_id, pseudonym)
            )
        else:  # pragma: no cover - programming error
            raise ValueError(op)

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
        self, item_id: str, pseudonym: str, value: Any | None
    ) -> concurrent.futures.Future[None]:
        """Queue an answer (``None`` retracts it); the future resolves once it is committed."""
        return self._submit("answer", item_id, pseudonym, None if value is None else _dumps(value))

    async def put_answer_durably(self, item_id: str, pseudonym: str, value: Any | None) -> None:
        """Queue an answer and return once it is committed (the coroutine form of
        :meth:`put_answer`, waking the event loop once per commit rather than per answer)."""
        if self.closed:
            raise RuntimeError("the session store is closed")
        loop = asyncio.get_running_loop()
        waiter = _LoopWaiter(loop, loop.create_future())
        encoded = None if value is None else _dumps(value)
        self._queue.put(("answer", (item_id, pseudonym, encoded), waiter))
        await waiter.future

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

    def answer_count(self) -> int:
        return int(self._read("SELECT count(*) FROM answers")[0][0])

    # -- closing -------------------------------------------------------------

    def close(self) -> None:
        """Write what is queued, stop the writer, checkpoint the WAL and close the file."""
        if self.closed:
            return
        self.flush()
        self.closed = True
        self._queue.put(None)
        self._writer.join()
        with self._lock:
            if self.path is not None:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.close()


def session_path(session_id: str, directory: Path | None = None) -> Path:
    directory = directory or sessions_dir()
    if not session_id or "/" in session_id or "\\" in session_id or session_id.startswith("."):
        raise SessionNotFound(f"no session {session_id!r}")
    path = directory / f"{session_id}{SUFFIX}"
    if not path.exists():
        raise SessionNotFound(f"no session {session_id!r} in {directory}")
    return path


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
            )
        )
    return summaries


def latest_session(directory: Path | None = None) -> str:
    sessions = list_sessions(directory)
    if not sessions:
        raise SessionNotFound("no sessions yet")
    return max(sessions, key=lambda s: (s.created, s.path.stat().st_mtime)).id


def wipe_session(session_id: str, directory: Path | None = None) -> Path:
    """Erase a session: rows deleted (secure_delete), WAL truncated, files zeroed and removed."""
    path = session_path(session_id, directory)
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        db.execute("PRAGMA secure_delete=ON")
        db.execute("DELETE FROM answers")
        db.execute("DELETE FROM log")
        db.execute("DELETE FROM meta")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("VACUUM")
    finally:
        db.close()
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if candidate.exists():
            size = candidate.stat().st_size
            with open(candidate, "r+b") as handle:
                handle.write(b"\0" * size)
                handle.flush()
                os.fsync(handle.fileno())
            candidate.unlink()
    return path
