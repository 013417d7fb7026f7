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
import collections
import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from facilitate.faults import (
    STORAGE_ERRORS,
    FaultKind,
    StorageError,
    StorageFault,
)
from facilitate.reprs import attrs_repr
from facilitate.session_files import (
    SUFFIX,
    SessionInUse,
    SessionLock,
    SessionNotFound,
    companions,
    erase_files,
    lock_path,
    private_file,
    private_folder,
    session_path,
    sessions_dir,
    wipe_session,
)
from facilitate.session_index import SessionSummary, latest_session, list_sessions

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

AFTER_TIDYING = ("compact", "flush")
"""Writes that write nothing themselves: their waiters hear once the file is tidied
after the commit (a compaction done), where everyone else hears right after it."""
PROBE_SECONDS = 2.0
"""While saving fails, the writer tries again this often even with nothing to write, so
the console hears that saving works again (a freed disk) without waiting for an answer."""

__all__ = [
    "FaultKind",
    "LogRecord",
    "SessionInUse",
    "SessionNotFound",
    "SessionSummary",
    "StorageError",
    "StorageFault",
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


_STORE_ONE = (
    "INSERT OR REPLACE INTO answers (item_id, pseudonym, value, approved) VALUES (?, ?, ?, ?)"
)
_STORE_MANY = (
    "INSERT OR REPLACE INTO answers (item_id, pseudonym, value, approved)"
    " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
    " json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(?)"
)
"""A run of answers as one JSON array of rows, stored in array order (a later answer
of the same phone replaces an earlier one, as one statement a row would)."""
_BATCH = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


class _LoopBatch:
    """The answers one event loop queued in one turn of it (see
    :meth:`Store.put_answer_durably`): one write for the writer thread, whose commit
    wakes that loop once for all of them."""

    __slots__ = ("futures", "loop", "rows")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.rows: list[tuple[str, str, str | None, str]] = []
        self.futures: list[asyncio.Future[None]] = []


def _nobody() -> concurrent.futures.Future[None]:
    """The future of a write nobody waits for (the writer's own retries)."""
    return concurrent.futures.Future()


def _only_answers(batch: list[Write]) -> list[tuple[Any, ...]] | None:
    """The rows of a batch that stores answers and does nothing else, else ``None``."""
    rows: list[tuple[Any, ...]] = []
    for op, args, _ in batch:
        if op == "answers":
            if any(row[2] is None for row in args[0]):  # a retraction among them
                return None
            rows.extend(args[0])
            continue
        if op != "answer" or args[2] is None:
            return None
        rows.append(args)
    return rows


def _resolve(batch: list[Write], error: BaseException | None) -> None:
    """Tell everyone waiting on these writes; one wake-up per event loop, not per answer."""
    waiting: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for _, _, future in batch:
        if isinstance(future, _LoopBatch):
            waiting.setdefault(future.loop, []).extend(future.futures)
        elif future.done():  # pragma: no cover - resolved once only
            continue
        elif error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
    for loop, futures in waiting.items():
        with contextlib.suppress(RuntimeError):  # that loop has closed meanwhile
            loop.call_soon_threadsafe(_settle, futures, error)


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
    __repr__ = attrs_repr

    seq: int
    kind: str
    data: dict[str, Any]


Waiter = concurrent.futures.Future[None] | _LoopBatch
Write = tuple[str, tuple[Any, ...], Waiter]
Watcher = Callable[[StorageFault | None], None]


class Store:
    """One session's SQLite database and its group-committing writer thread.

    A write that cannot be committed (a full disk, a read-only or failing one) fails
    with :class:`~facilitate.faults.StorageError` for everyone waiting on it, and the
    store is *faulted* (:attr:`fault`) until a write goes through again; the writer
    logs one line when a fault of a kind begins and one when it ends, and tells
    :meth:`watch`-ers on their event loop.
    """

    def __init__(self, path: Path | None, session_id: str, *, new: bool = False) -> None:
        self.path = path
        self.id = session_id
        self.closed = False
        self.commits = 0
        self.fault: StorageFault | None = None
        """Set while saving fails; ``None`` while writes go through."""
        self.inject_fault: Callable[[], BaseException | None] | None = None
        """For tests and the fault harness: called in every transaction before it commits;
        an error it returns fails that transaction as a real fault would."""
        self._watchers: list[tuple[asyncio.AbstractEventLoop, Watcher]] = []
        self._issued = 0
        self._recent: collections.deque[tuple[int, concurrent.futures.Future[None]]] = (
            collections.deque()
        )
        self._pruned_failure: tuple[int, BaseException] | None = None
        self._session_lock: SessionLock | None = None
        self._json = False
        """Whether SQLite has its JSON functions (a run of answers is then one statement)."""
        try:
            if path is not None:
                self._session_lock = SessionLock(path, session_id)
                private_file(path)
            target = str(path) if path is not None else ":memory:"
            self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
            self._lock = threading.Lock()
            with self._lock:
                self._configure(file=path is not None)
        except BaseException as error:
            self._abandon(new=new)
            if isinstance(error, STORAGE_ERRORS):
                raise StorageError.of(error) from error
            raise
        self._queue: queue.SimpleQueue[Write | None] = queue.SimpleQueue()
        self._gathering: _LoopBatch | None = None
        """Answers awaited on an event loop, not yet handed to the writer."""
        self._gathering_lock = threading.Lock()
        self._writer = threading.Thread(
            target=self._write_loop, name=f"store-{session_id}", daemon=True
        )
        self._writer.start()

    def _abandon(self, *, new: bool) -> None:
        """A store that could not be opened lets go of its session; a new one leaves no
        file behind (a full disk must not leave an empty session to be listed)."""
        db = getattr(self, "_db", None)
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        if self._session_lock is not None:
            self._session_lock.release()
        if new and self.path is not None:
            with contextlib.suppress(OSError):
                erase_files(self.path)
            for leftover in (self.path, *companions(self.path), lock_path(self.path)):
                with contextlib.suppress(OSError):
                    leftover.unlink()

    def _configure(self, *, file: bool) -> None:
        db = self._db
        db.execute("PRAGMA secure_delete=ON")  # freed cells and pages are zeroed
        db.execute("PRAGMA temp_store=MEMORY")  # VACUUM's copy never lands in /tmp
        if file:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
            db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
        db.execute("PRAGMA synchronous=FULL")
        try:  # SQLite's JSON functions are built in since 3.38, and usually before
            db.execute("SELECT json_extract('[1]', '$[0]')")
            self._json = True
        except sqlite3.OperationalError:  # pragma: no cover - a SQLite built without them
            self._json = False
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
        try:
            directory = private_folder(directory or sessions_dir())
        except OSError as error:
            raise StorageError.of(error) from error
        return cls(directory / f"{session_id}{SUFFIX}", session_id, new=True)

    @classmethod
    def open(cls, session_id: str, directory: Path | None = None) -> Store:
        """Open a stored session; :class:`SessionInUse` if another process has it open,
        :class:`~facilitate.faults.StorageError` if it cannot be written there (a
        read-only disk) or is damaged."""
        path = session_path(session_id, directory)
        try:
            private_folder(path.parent)
        except OSError as error:
            raise StorageError.of(error) from error
        return cls(path, path.stem)

    @property
    def ephemeral(self) -> bool:
        return self.path is None

    # -- writing -------------------------------------------------------------

    def _write_loop(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=PROBE_SECONDS if self.fault else None)
            except queue.Empty:  # saving failed and nothing came since: try again
                self._commit([("meta", ("schema", _dumps(SCHEMA_VERSION)), _nobody())])
                continue
            if first is None:
                return
            batch: list[Write] = [first]
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
            error = self._commit(batch)
            # Acknowledged as soon as committed; who waits for a compaction (or for
            # everything, see flush), once that is done too.
            _resolve([w for w in batch if w[0] not in AFTER_TIDYING], error)
            if error is None:
                with self._lock:
                    self._tidy_after(op for op, _, _ in batch)
            _resolve([w for w in batch if w[0] in AFTER_TIDYING], error)
            if stop:
                return

    def _commit(self, batch: list[Write]) -> BaseException | None:
        """One transaction for the whole batch; what went wrong, if anything."""
        error: BaseException | None = None
        try:
            with self._lock:
                self._transaction(batch)
                self.commits += 1
        except (*STORAGE_ERRORS, StorageError) as failure:
            error = StorageError.of(failure)
        except BaseException as failure:  # every waiting writer must hear of it
            error = failure
        if error is not None or any(op not in AFTER_TIDYING for op, _, _ in batch):
            self._health(error)  # an empty transaction proves nothing about the disk
        return error

    def _transaction(self, batch: list[Write]) -> None:
        db = self._db
        rows = _only_answers(batch) if self._json and self.inject_fault is None else None
        if rows is not None:
            # One statement is a transaction of its own (the connection autocommits):
            # as atomic and as durable, and it lets go of the interpreter lock once
            # instead of three times (BEGIN, INSERT, COMMIT), each time taking it back
            # from the event loop's thread that is answering phones.
            self._store_answers(rows)
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            self._apply_batch(batch)
            injected = self.inject_fault() if self.inject_fault is not None else None
            if injected is not None:
                raise injected
            db.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk does): rolling back again
            # would raise "cannot rollback" and hide the real cause.
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise

    def _health(self, error: BaseException | None) -> None:
        """One log line when saving starts failing (per kind), one when it works again."""
        fault = self.fault
        if isinstance(error, StorageError):
            if fault is None or fault.kind != error.kind:
                log.error("cannot save session %s: %s (%s)", self.id, error.kind.value, error.cause)
                self.fault = StorageFault(error.kind, error.cause, time.monotonic())
                self._tell(self.fault)
        elif error is None and fault is not None:
            log.warning("session %s: saving works again (%s is over)", self.id, fault.kind.value)
            self.fault = None
            self._tell(None)

    def _tell(self, fault: StorageFault | None) -> None:
        for loop, callback in list(self._watchers):
            with contextlib.suppress(RuntimeError):  # that loop has closed meanwhile
                loop.call_soon_threadsafe(callback, fault)

    def watch(self, callback: Watcher) -> Callable[[], None]:
        """Call ``callback(fault)`` on the running event loop when saving starts failing,
        and ``callback(None)`` when it works again. Returns a function that stops it."""
        entry = (asyncio.get_running_loop(), callback)
        self._watchers.append(entry)
        return lambda: self._watchers.remove(entry) if entry in self._watchers else None

    def _apply_batch(self, batch: list[Write]) -> None:
        """Every write of a batch in order; runs of stored answers go in one executemany."""
        stored: list[tuple[Any, ...]] = []
        for op, args, _ in batch:
            rows = args[0] if op == "answers" else (args,) if op == "answer" else ()
            for row in rows:
                if row[2] is not None:
                    stored.append(row)
                    continue
                if stored:
                    self._store_answers(stored)
                    stored = []
                self._apply("answer", row)  # a retraction
            if rows:
                continue
            if stored:
                self._store_answers(stored)
                stored = []
            self._apply(op, args)
        if stored:
            self._store_answers(stored)

    def _store_answers(self, rows: list[tuple[Any, ...]]) -> None:
        if len(rows) == 1 or not self._json:
            self._db.executemany(_STORE_ONE, rows)
            return
        # The whole run in one statement: executemany steps SQLite once a row, and each
        # step lets go of the interpreter lock and takes it back from the event loop's
        # thread, which is busy answering phones (two thread switches per answer).
        self._db.execute(_STORE_MANY, (_BATCH.encode(rows),))

    def _apply(self, op: str, args: tuple[Any, ...]) -> None:
        if op == "log":
            self._db.execute("INSERT INTO log (kind, data) VALUES (?, ?)", args)
        elif op == "meta":
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", args)
        elif op == "metas":
            self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", args[0])
        elif op == "answer":  # a retraction; stored answers go through _store_answers
            item_id, pseudonym, _, _ = args
            self._db.execute(
                "DELETE FROM answers WHERE item_id = ? AND pseudonym = ?", (item_id, pseudonym)
            )
        elif op in ("approve", "erase"):
            self._moderate(op, *args)
        elif op == "forget":
            self._forget_text_ids()
        elif op not in AFTER_TIDYING:  # pragma: no cover - programming error
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
        if self._gathering is not None:  # answers given before this write go first
            self._hand_over()
        future: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._queue.put((op, args, future))
        if op not in AFTER_TIDYING:  # they carry nothing to wait for (see settled)
            self._issued += 1
            recent = self._recent
            recent.append((self._issued, future))
            while recent and recent[0][1].done():
                number, done = recent.popleft()
                failure = done.exception()
                if failure is not None:
                    self._pruned_failure = (number, failure)
        return future

    def mark(self) -> int:
        """A point in the queue of writes: :meth:`settled` waits for those queued after."""
        return self._issued

    async def settled(self, mark: int) -> None:
        """Return once every write queued since ``mark`` is committed (a facilitator's
        action is confirmed only then); raise :class:`StorageError` if one was not."""
        failed = self._pruned_failure
        if failed is not None and failed[0] > mark:
            raise failed[1]
        waiting = [future for number, future in list(self._recent) if number > mark]
        if not waiting:
            return
        outcomes = await asyncio.gather(
            *(asyncio.wrap_future(future) for future in waiting), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    def append(self, kind: str, data: dict[str, Any]) -> concurrent.futures.Future[None]:
        """Queue a log record; it is written in order with everything else queued."""
        return self._submit("log", kind, _dumps(data))

    def set_meta(self, key: str, value: Any) -> concurrent.futures.Future[None]:
        return self._submit("meta", key, _dumps(value))

    def set_metas(self, values: Mapping[str, Any]) -> concurrent.futures.Future[None]:
        """Several keys in one write, so they are committed together or not at all (a
        new session's details: until they are, the file is listed as incomplete)."""
        return self._submit("metas", tuple((key, _dumps(value)) for key, value in values.items()))

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
        future = loop.create_future()
        row = (item_id, pseudonym, None if value is None else _dumps(value), _approved(approved))
        # Answers given in the same turn of the loop go to the writer together, when the
        # turn ends (or before any other write, so the order of writes is kept): one
        # hand-over and one wake-up of the writer thread for all of them.
        with self._gathering_lock:
            if self.closed:
                raise RuntimeError("the session store is closed")
            gathering = self._gathering
            if gathering is None or gathering.loop is not loop:
                if gathering is not None:
                    self._queue.put(("answers", (gathering.rows,), gathering))
                gathering = self._gathering = _LoopBatch(loop)
                loop.call_soon(self._hand_over)
            gathering.rows.append(row)
            gathering.futures.append(future)
        await future

    def _hand_over(self) -> None:
        """Queue the answers gathered so far for the writer."""
        with self._gathering_lock:
            gathering, self._gathering = self._gathering, None
            if gathering is not None:
                self._queue.put(("answers", (gathering.rows,), gathering))

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
            self._submit("flush").result()

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
            with self._gathering_lock:
                self.closed = True
            self._hand_over()
            self._queue.put(None)
            self._writer.join()


def _approved(fields: Sequence[str]) -> str:
    return _dumps(sorted(fields)) if fields else "[]"
