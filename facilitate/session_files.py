"""A session's files on disk: where they live, who may read them, who has them open,
and erasing them.

Session files hold answers from people who may be under surveillance, so they are
readable by their owner only (files 0600, their folder 0700, tightened when they were
made before). One process at a time has a session open: it holds an exclusive lock on
the session's ``.lock`` file, which the operating system lets go if the process dies;
so ``wipe`` (or a second ``resume``) can tell a running session from a stopped or
crashed one, and refuse with a clear message instead of failing half-way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import platformdirs

if sys.platform == "win32":  # pragma: no cover
    import msvcrt
else:
    import fcntl

SUFFIX = ".sqlite"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def sessions_dir() -> Path:
    """Where session files live: ``$FACILITATE_HOME/sessions`` or the user data directory."""
    home = os.environ.get("FACILITATE_HOME")
    base = Path(home) if home else Path(platformdirs.user_data_dir("facilitate", appauthor=False))
    return base / "sessions"


def private_folder(directory: Path) -> Path:
    """Make ``directory`` (and its parents) and keep it to its owner, even if it existed."""
    directory.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    os.chmod(directory, FOLDER_MODE)
    return directory


def companions(path: Path) -> tuple[Path, ...]:
    """SQLite's files beside a session's database."""
    return tuple(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))


class SessionNotFound(LookupError):
    pass


class SessionInUse(SessionNotFound):
    """Another facilitate has the session open (or is wiping it): it cannot be opened
    or wiped from here until that one stops."""

    def __init__(self, session_id: str, pid: int | None) -> None:
        self.session_id = session_id
        self.pid = pid
        process = f" (process {pid})" if pid else ""
        super().__init__(
            f"session {session_id} is open in another facilitate{process}; stop it there"
            " first (q in its console, Ctrl-C for serve), or wipe it from its console (!)"
        )


def lock_path(path: Path) -> Path:
    return path.with_suffix(".lock")


class SessionLock:
    """An exclusive lock on a session's ``.lock`` file, held while a process has the
    session open. The operating system lets it go when the process dies, so a crashed
    session can be resumed or wiped; the file names the holder's process id."""

    def __init__(self, path: Path, session_id: str) -> None:
        self.path = lock_path(path)
        for _ in range(5):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            if not _try_lock(fd):
                pid = _read_pid(fd)
                os.close(fd)
                raise SessionInUse(session_id, pid)
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:  # its holder removed it as we took it: take a new one
                same = False
            if same:
                break
            os.close(fd)
        else:  # pragma: no cover - five removals in a row
            raise SessionInUse(session_id, None)
        self._fd: int | None = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:  # a full disk: let go, and leave no lock file behind
            self.release()
            raise

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self, *, remove: bool = True) -> None:
        """Let go of the lock, removing the file first (nobody can take it meanwhile)."""
        if self._fd is None:
            return
        if remove:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        os.close(self._fd)  # closing the file lets go of the lock
        self._fd = None


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":  # pragma: no cover
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _read_pid(fd: int) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        os.lseek(fd, 0, os.SEEK_SET)
        return int(os.read(fd, 32).decode().strip() or 0) or None
    return None


def session_in_use(path: Path) -> bool:
    """Whether another process has this session open now (its lock is held)."""
    lock = lock_path(path)
    if not lock.exists():
        return False
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)  # lets go of the lock if this probe took it


def private_file(path: Path) -> None:
    """Create the database file for its owner only, or tighten one made before."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        for existing in (path, *companions(path)):
            with contextlib.suppress(FileNotFoundError):
                os.chmod(existing, FILE_MODE)
    # SQLite gives the -wal and -shm files the database file's permissions.


def erase_files(path: Path) -> None:
    """Overwrite a session's files with zeros, then remove them: companions first, so
    that an interrupted wipe leaves a database a second wipe still finds."""
    for candidate in (*companions(path), path):
        with contextlib.suppress(FileNotFoundError):
            with open(candidate, "r+b") as handle:
                remaining = os.fstat(handle.fileno()).st_size
                zeros = bytes(1 << 16)
                while remaining > 0:
                    remaining -= handle.write(zeros[: min(remaining, len(zeros))])
                handle.flush()
                os.fsync(handle.fileno())
            candidate.unlink()
    if sys.platform != "win32":
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the removals are on disk too
        finally:
            os.close(folder)


@contextlib.contextmanager
def private_copy(path: Path) -> Iterator[Path]:
    """A copy of a session's database and write-ahead log, for reading a session on a
    read-only disk: in a private temporary folder, overwritten and removed after."""
    folder = Path(tempfile.mkdtemp(prefix="facilitate-"))  # 0700, like the sessions folder
    copy = folder / path.name
    try:
        for source, target in ((path, copy), (companions(path)[0], companions(copy)[0])):
            if source.exists():
                descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
                with open(descriptor, "wb") as out, open(source, "rb") as given:
                    shutil.copyfileobj(given, out)
        yield copy
    finally:
        erase_files(copy)
        shutil.rmtree(folder, ignore_errors=True)


def session_path(session_id: str, directory: Path | None = None) -> Path:
    directory = directory or sessions_dir()
    if not session_id or "/" in session_id or "\\" in session_id or session_id.startswith("."):
        raise SessionNotFound(f"no session {session_id!r}")
    path = directory / f"{session_id}{SUFFIX}"
    if not path.exists():
        raise SessionNotFound(f"no session {session_id!r} in {directory}")
    return path


def wipe_session(session_id: str, directory: Path | None = None) -> Path:
    """Erase a stopped session: every file overwritten with zeros, then removed.

    Raises :class:`SessionNotFound`, or :class:`SessionInUse` (changing nothing) while
    another process has it open: that one must stop it, or wipe it from its console.
    """
    path = session_path(session_id, directory)
    lock = SessionLock(path, session_id)
    try:
        erase_files(path)
    finally:
        lock.release()
    return path
