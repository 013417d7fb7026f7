"""What can go wrong with saving a session, named so a facilitator can act on it.

SQLite and the operating system say "database or disk is full", "attempt to write a
readonly database", ``[Errno 28]``; the store turns each of these into a
:class:`StorageError` of one :class:`FaultKind`, which the console, the control page,
the phones' error page and the command line word for people, each in its own place.
A fault is *refused writes*, never lost acknowledged ones: whatever failed to commit was
never acknowledged.
"""

from __future__ import annotations

import enum
import errno
import sqlite3

from attrs import frozen

from facilitate.i18n import N_, Translator
from facilitate.reprs import attrs_repr


class FaultKind(enum.StrEnum):
    """Why writing a session failed, as a facilitator can act on it."""

    FULL = "disk full"
    READ_ONLY = "read-only"
    DAMAGED = "damaged"
    IO = "I/O error"
    OTHER = "cannot write"


FAULT_WORDS = {
    FaultKind.FULL: N_("disk full"),
    FaultKind.READ_ONLY: N_("the disk or folder is read-only"),
    FaultKind.DAMAGED: N_("the session file is damaged"),
    FaultKind.IO: N_("the disk reports errors"),
    FaultKind.OTHER: N_("the session file cannot be written"),
}
"""Each kind in a few words for people (catalog message ids)."""

STORAGE_BANNER = N_("cannot save: {problem}; answers are being refused")
"""What the console and the control page say first while saving fails."""
SAVING_AGAIN = N_("Saving works again: everything is saved.")


def storage_banner(fault: StorageFault | None, t: Translator) -> str:
    """The banner for a fault in ``t``'s language; empty while saving works."""
    if fault is None:
        return ""
    return t.gettext(STORAGE_BANNER, problem=t.gettext(FAULT_WORDS[fault.kind]))


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_KINDS = {
    13: FaultKind.FULL,  # SQLITE_FULL
    8: FaultKind.READ_ONLY,  # SQLITE_READONLY
    23: FaultKind.READ_ONLY,  # SQLITE_AUTH
    14: FaultKind.READ_ONLY,  # SQLITE_CANTOPEN: a folder it may not write in, mostly
    11: FaultKind.DAMAGED,  # SQLITE_CORRUPT
    26: FaultKind.DAMAGED,  # SQLITE_NOTADB
    10: FaultKind.IO,  # SQLITE_IOERR
}
_ERRNO_KINDS = {
    errno.ENOSPC: FaultKind.FULL,
    errno.EDQUOT: FaultKind.FULL,
    errno.EROFS: FaultKind.READ_ONLY,
    errno.EACCES: FaultKind.READ_ONLY,
    errno.EPERM: FaultKind.READ_ONLY,
    errno.EIO: FaultKind.IO,
}
_MESSAGE_KINDS = (
    ("disk is full", FaultKind.FULL),
    ("no space left", FaultKind.FULL),
    ("readonly", FaultKind.READ_ONLY),
    ("read-only", FaultKind.READ_ONLY),
    ("unable to open database", FaultKind.READ_ONLY),
    ("not a database", FaultKind.DAMAGED),
    ("malformed", FaultKind.DAMAGED),
    ("disk i/o error", FaultKind.IO),
)


def fault_kind(error: BaseException) -> FaultKind:
    """The kind of a failed write, from SQLite's code, the errno, or the message."""
    if isinstance(error, StorageError):
        return error.kind
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_KINDS:
            return _SQLITE_KINDS[code & 0xFF]
    if isinstance(error, OSError) and error.errno in _ERRNO_KINDS:
        return _ERRNO_KINDS[error.errno]
    message = str(error).lower()
    for words, kind in _MESSAGE_KINDS:
        if words in message:
            return kind
    return FaultKind.OTHER


def cause_of(error: BaseException) -> str:
    """The real cause in one line: ``database or disk is full``, ``[Errno 30] ...``."""
    if isinstance(error, StorageError):
        return error.cause
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror}{where}"
    return " ".join(str(error).split()) or type(error).__name__


class StorageError(Exception):
    """Writing (or opening) a session failed; nothing of the failed write was saved.

    ``kind`` says what to do about it, ``cause`` is what SQLite or the system said.
    """

    def __init__(self, kind: FaultKind, cause: str) -> None:
        super().__init__(f"{kind.value}: {cause}")
        self.kind = kind
        self.cause = cause

    @classmethod
    def of(cls, error: BaseException) -> StorageError:
        if isinstance(error, StorageError):
            return error
        made = cls(fault_kind(error), cause_of(error))
        made.__cause__ = error
        return made


STORAGE_ERRORS = (sqlite3.Error, OSError)
"""What a failed write raises below the store (the store raises :class:`StorageError`)."""


@frozen
class StorageFault:
    """Saving the session fails now: since when (``time.monotonic``), of what kind, why."""

    __repr__ = attrs_repr

    kind: FaultKind
    cause: str
    since: float
