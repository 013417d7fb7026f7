"""The sessions on this machine, as ``facilitate sessions`` lists them: every file, damaged
or not, read without changing any, even on a read-only disk.

A session file is *complete* once its first transaction (the agenda, its title, the day
and the secrets, all at once) is committed; until then it is listed as incomplete and
never chosen as the latest (a session killed in its first milliseconds must not hide
the real latest one). A file SQLite cannot read is listed as damaged, with why, and
``facilitate wipe`` still erases it.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from attrs import frozen

from facilitate.faults import FaultKind, cause_of, fault_kind
from facilitate.reprs import attrs_repr
from facilitate.session_files import (
    SUFFIX,
    SessionNotFound,
    companions,
    private_copy,
    session_in_use,
    sessions_dir,
)

INCOMPLETE, DAMAGED, UNREADABLE = "incomplete", "damaged", "unreadable"
PROBLEM_WORDS = {
    INCOMPLETE: "incomplete: it stopped before its first save",
    DAMAGED: "damaged",
    UNREADABLE: "cannot be read",
}
"""How ``facilitate sessions`` describes each problem (the command line speaks English)."""
REQUIRED_META = ("agenda", "created", "title", "secret")
"""What the first transaction of a session writes; a file without them is incomplete."""


@frozen
class SessionSummary:
    __repr__ = attrs_repr

    id: str
    title: str
    created: str
    path: Path
    answers: int
    current: int
    items: int
    running: bool = False
    """Another process has it open now."""
    problem: str = ""
    """``""``, or :data:`INCOMPLETE`, :data:`DAMAGED` or :data:`UNREADABLE`."""
    detail: str = ""
    """What SQLite or the system said about a damaged or unreadable file."""

    @property
    def complete(self) -> bool:
        return not self.problem


def session_files(directory: Path | None = None) -> list[Path]:
    directory = directory or sessions_dir()
    if not directory.is_dir():
        return []
    return sorted(directory.glob(f"*{SUFFIX}"))


@contextlib.contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a session file, wherever it is.

    On a read-only disk SQLite cannot make the ``-shm`` file a WAL database needs: a
    file without a write-ahead log is then read as it is (``immutable``), and one with
    a log is read from a private copy, erased after. A read-only connection cannot
    remove the ``-wal`` and ``-shm`` files it makes: they are removed after it, when no
    other process has the session open, so that listing sessions leaves nothing behind.
    """
    made = [companion for companion in companions(path)[:2] if not companion.exists()]
    try:
        with _connection(path) as db:
            yield db
    finally:
        wal = companions(path)[0]
        empty = not wal.exists() or wal.stat().st_size == 0
        if made and empty and not session_in_use(path):
            for companion in made:
                with contextlib.suppress(OSError):
                    companion.unlink()


@contextlib.contextmanager
def _connection(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as error:
        if fault_kind(error) is not FaultKind.READ_ONLY:
            raise
        wal = companions(path)[0]
        if not wal.exists() or wal.stat().st_size == 0:
            db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        else:
            with private_copy(path) as copy, contextlib.closing(sqlite3.connect(copy)) as copied:
                yield copied
            return
    try:
        yield db
    finally:
        db.close()


def summarise(path: Path) -> SessionSummary:
    """One session file, described without changing it."""
    running = session_in_use(path)
    try:
        with reading(path) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            meta: dict[str, object] = {}
            if "meta" in tables:
                meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
            if not all(key in meta for key in REQUIRED_META) or not {"log", "answers"} <= tables:
                return SessionSummary(
                    path.stem, "", "", path, 0, 0, 0, running=running, problem=INCOMPLETE
                )
            answers = db.execute("SELECT count(*) FROM answers").fetchone()[0]
            current = 0
            for (data,) in db.execute("SELECT data FROM log WHERE kind = 'item' ORDER BY seq"):
                current = json.loads(data)["index"]
    except (sqlite3.Error, OSError, ValueError, KeyError, TypeError) as error:
        kind = fault_kind(error)
        problem = UNREADABLE if kind in (FaultKind.READ_ONLY, FaultKind.IO) else DAMAGED
        return SessionSummary(
            path.stem, "", "", path, 0, 0, 0, running=running, problem=problem,
            detail=cause_of(error),
        )  # fmt: skip
    return SessionSummary(
        path.stem,
        str(meta.get("title", "?")),
        str(meta.get("created", "?")),
        path,
        int(answers),
        int(current),
        int(str(meta.get("items", 0))),
        running=running,
    )


def list_sessions(directory: Path | None = None) -> list[SessionSummary]:
    """Every session file on this machine, oldest first, the damaged ones too."""
    return [summarise(path) for path in session_files(directory)]


def latest_session(directory: Path | None = None) -> str:
    """The latest complete session (an incomplete or damaged file is never chosen)."""
    complete = [s for s in list_sessions(directory) if s.complete]
    if not complete:
        raise SessionNotFound("no sessions yet")
    return max(complete, key=lambda s: (s.created, s.path.stat().st_mtime)).id
