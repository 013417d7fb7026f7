"""A ``facilitate serve`` in a child process: started, read, hurt and killed.

The child is the real command line, so the harness tests what a facilitator runs.
``pythonpath`` puts another copy of facilitate first (to measure an older version
against the same harness); ``open_files`` sets the child's open-file limit before it
starts (soft, hard).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from attrs import define

AGENDA = """
title = "Torture"
k = 1

[[items]]
id = "welcome"
title = "Welcome"
duration = "5m"

[[items]]
id = "pick"
title = "Pick one"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["A", "B", "C", "D", "E", "F", "G", "H"]

[[items]]
id = "scale"
title = "How much"
duration = "5m"
[items.activity]
type = "scale"
question = "How much?"
min = 1
max = 9

[[items]]
id = "words"
title = "Say something"
duration = "5m"
[items.activity]
type = "text"
question = "What helps?"
max_length = 200
"""

ANSWERED_ITEMS = ("pick", "scale", "words")
"""The items the harness's phones answer (index 1, 2, 3 of :data:`AGENDA`)."""

LAUNCH = "import sys; from facilitate.cli import main; sys.exit(main())"


def write_agenda(folder: Path) -> Path:
    path = folder / "torture.toml"
    path.write_text(AGENDA, encoding="utf-8")
    return path


@define
class Child:
    """A running ``facilitate serve``: its process, the URLs it printed, its stderr file."""

    process: subprocess.Popen[bytes]
    info: dict[str, Any]
    stderr_path: Path

    @property
    def port(self) -> int:
        return int(self.info["port"])

    @property
    def control_path(self) -> str:
        return "/control/" + self.info["control_url"].rsplit("/control/", 1)[1]

    @property
    def join_path(self) -> str:
        return "/j/" + self.info["join_url"].rsplit("/j/", 1)[1]

    @property
    def session(self) -> str | None:
        return self.info.get("session")

    def kill(self) -> None:
        """``kill -9``: no clean-up of any kind runs in the child."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, as Ctrl-C would: the session is closed cleanly."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return int(self.process.returncode)

    def stderr_bytes(self) -> int:
        try:
            return self.stderr_path.stat().st_size
        except FileNotFoundError:
            return 0

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


SLOW_SYNC = Path(__file__).with_name("slowsync.c")
_built: list[Path | None] = []


def slow_sync_library() -> Path | None:
    """The slower-disk shim (see ``slowsync.c``), built once; ``None`` without a compiler."""
    if not _built:
        compiler = shutil.which("cc") or shutil.which("gcc")
        target = Path(tempfile.gettempdir()) / f"facilitate-slowsync-{os.getuid()}.so"
        if compiler is not None:
            done = subprocess.run(
                [compiler, "-shared", "-fPIC", "-O2", "-o", str(target), str(SLOW_SYNC), "-ldl"],
                capture_output=True,
                check=False,
            )
            _built.append(target if done.returncode == 0 else None)
        else:
            _built.append(None)
    return _built[0]


def environment(home: Path, pythonpath: str | None = None, fsync_ms: int = 0) -> dict[str, str]:
    env = dict(os.environ)
    env["FACILITATE_HOME"] = str(home)
    env["FACILITATE_LANG"] = "en"
    env.pop("PYTHONWARNINGS", None)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, env.get("PYTHONPATH", "")) if p)
    library = slow_sync_library() if fsync_ms else None
    if library is not None:
        env["LD_PRELOAD"] = str(library)
        env["TORTURE_FSYNC_MS"] = str(fsync_ms)
    return env


def run_facilitate(
    args: list[str], home: Path, *, pythonpath: str | None = None, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """A short ``facilitate`` command to its end (``sessions``, ``wipe``, ``report``)."""
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args],
        env=environment(home, pythonpath),
        capture_output=True,
        text=True,
        cwd=home,
        timeout=timeout,
        check=False,
    )


def start_serve(
    home: Path,
    agenda: Path | None,
    *,
    resume: str | None = None,
    pythonpath: str | None = None,
    open_files: tuple[int, int] | None = None,
    stderr_path: Path | None = None,
    timeout: float = 30.0,
    extra: list[str] | None = None,
    fsync_ms: int = 0,
) -> Child:
    """Start ``facilitate serve`` on 127.0.0.1 (a free port) and wait for its URLs."""
    args = ["serve"]
    if resume is not None:
        args += ["--resume", resume]
    elif agenda is not None:
        args.append(str(agenda))
    args += ["--host", "127.0.0.1", "--port", "0", "--json", *(extra or [])]
    stderr_path = stderr_path or home / f"serve-{time.monotonic_ns()}.err"

    def limit() -> None:
        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, open_files)

    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *args],
            env=environment(home, pythonpath, fsync_ms),
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=home,  # not the repository: "-c" puts the working folder first on the path
            preexec_fn=limit,  # only setrlimit, before exec
        )
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = b""
    os.set_blocking(process.stdout.fileno(), False)
    while time.monotonic() < deadline:
        chunk = process.stdout.read() or b""
        line += chunk
        if b"\n" in line or process.poll() is not None:
            break
        time.sleep(0.01)
    first = line.split(b"\n", 1)[0]
    try:
        info = json.loads(first)
    except ValueError:
        process.kill()
        process.wait()
        raise RuntimeError(
            f"facilitate serve did not start: {first!r} {stderr_path.read_text()[-2000:]}"
        ) from None
    return Child(process, info, stderr_path)
