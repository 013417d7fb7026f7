"""The console's speed, each figure next to its baseline measured in the same run.

- **first frame**: ``facilitate run AGENDA`` started in a pseudo-terminal until the
  console shows "room open", vs a bare Textual app (a Static and a footer) until it
  shows the same words; alternated, median of the runs.
- **key press to frame**: ``l`` (lock / unlock the room) written to the console's
  terminal until the frame saying "room LOCKED" / "room open" is read back, while
  another process sends RATE answers a second through the participant server; the
  same key on the bare app (no answers) is the baseline. p50, p90, p99.
- **answers/s**: ``run`` (engine, server and console in one process, the console in a
  terminal that is read all the time) vs ``serve`` (engine and server alone), wrk from
  its own process (Python client processes when wrk is missing: the result says which),
  alternated.

Everything listens on 127.0.0.1 with a port the system picks, every load stops by
itself, and every process started here is stopped here. Each function returns its
figures as a dict; :func:`measure` fills ``make bench``'s table with them.

    python -m benchmarks.console [first|keys|throughput|all] [--runs N] [--rate R] ...

The console's own processes (``app run|serve``, ``join``, ``paced``) are this
module too; its HTTP client, joining and load come from :mod:`benchmarks.load` and
:mod:`benchmarks.procs`. Python runs them with its
bytecode cache on (in a temporary folder), as an installed facilitate runs.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import importlib
import json
import os
import random
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks import procs
from benchmarks.load import Connection, join_to_file, read_phones

ROOT = Path(__file__).resolve().parent.parent
AGENDA = ROOT / "benchmarks" / "agenda.toml"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
COLUMNS, LINES = 100, 30
OPEN, LOCKED = b"room open", b"room LOCKED"
UNDER_TEST = os.environ.get("BENCH_FACILITATE_PATH", "")
"""A copy of facilitate to measure instead of this one (for before-figures), as in
:mod:`benchmarks.procs`: on ``PYTHONPATH`` for facilitate's processes only."""

_scratch: Path | None = None


def _folder() -> Path:
    """This run's temporary folder (bytecode cache, sessions, phones), removed at exit."""
    global _scratch
    if _scratch is None:
        _scratch = Path(tempfile.mkdtemp(prefix="facilitate-console-bench-"))
        atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
    return _scratch


def _env(facilitate: bool) -> dict[str, str]:
    """The environment of a measured process: bytecode cached (in a folder of ours, so
    a checkout that may not write ``__pycache__`` still runs as an installed copy would),
    sessions in a temporary home, a 100x30 terminal, the console in English. Processes
    start in our folder, so ``PYTHONPATH`` decides which facilitate they import."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        PYTHONPYCACHEPREFIX=str(_folder() / "pycache"),
        FACILITATE_HOME=str(_folder() / "home"),
        FACILITATE_LANG="en",
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
    )
    path = [str(ROOT)]
    if facilitate and UNDER_TEST:
        path.insert(0, UNDER_TEST)
    env["PYTHONPATH"] = os.pathsep.join(path)
    return env


# -- a terminal --------------------------------------------------------------------------


class Terminal:
    """A command in a pseudo-terminal of ours, read as a terminal would read it."""

    def __init__(self, command: list[str], *, facilitate: bool = True) -> None:
        import fcntl
        import pty
        import struct
        import termios

        env, folder = _env(facilitate), _folder()  # made here: the child only runs it
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: never returns
            try:
                os.chdir(folder)
                os.execve(command[0], command, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()

    def read_until(self, marker: bytes, timeout: float) -> float | None:
        """When ``marker`` was first read (``perf_counter``), or None after ``timeout``."""
        deadline = time.perf_counter() + timeout
        seen = b""
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                return None
            if not chunk:
                return None
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                return time.perf_counter()
        return None

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.02))
            if ready:
                try:
                    if not os.read(self.fd, 1 << 16):
                        return
                except OSError:
                    return

    def keep_reading(self) -> None:
        """Read (and drop) everything from now on, in a thread: a terminal nobody reads
        would block the app on its next frame."""

        def read() -> None:
            while not self._stop.is_set():
                self.drain(0.1)

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def close(self, *, at_once: bool = False) -> float:
        """Stop the command (``at_once``: with SIGKILL, no time to quit cleanly) and
        return the CPU seconds it used (user and system, its children's not counted)."""
        self._stop.set()
        if self._reader is not None:
            self._reader.join(1)
        if self.fd < 0:
            return 0.0
        if not at_once:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            self.drain(0.3)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        _, _, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        self.fd = -1
        return usage.ru_utime + usage.ru_stime

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static


class Bare(App):
    BINDINGS = [("l", "toggle", "toggle")]
    locked = False

    def compose(self):
        yield Static("room open", id="said")
        yield Footer()

    def action_toggle(self):
        self.locked = not self.locked
        self.query_one("#said", Static).update("room LOCKED" if self.locked else "room open")


Bare().run()
"""
"""The baseline: a bare Textual app saying "room open", ``l`` toggling it. It runs as
``python -c`` so that it imports Textual and nothing else."""


def _bare() -> list[str]:
    return [sys.executable, "-c", BARE_APP]


def _ours(*args: str) -> list[str]:
    """A command running this module (its ``app``, ``join`` and ``paced`` parts)."""
    return [sys.executable, "-m", "benchmarks.console", *args]


def _facilitate_run(agenda: Path) -> list[str]:
    """``facilitate run`` as a facilitator types it (nothing saved, this computer only)."""
    return [
        str(BIN / "facilitate"),
        "run",
        str(agenda),
        "--ephemeral",
        "--host",
        HOST,
        "--port",
        "0",
        "--lang",
        "en",
    ]


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"n": 0}

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return {
        "n": len(ordered),
        "p50": at(0.5),
        "p90": at(0.9),
        "p99": at(0.99),
        "max": ordered[-1],
    }


# -- first frame ---------------------------------------------------------------------------


def first_frame(agenda: Path = AGENDA, runs: int = 5) -> dict[str, Any]:
    """Milliseconds from starting ``facilitate run`` to its first frame showing the
    console ("room open"), and the same for a bare Textual app; alternated."""
    commands = {"bare": _bare(), "facilitate": _facilitate_run(agenda)}
    found: dict[str, list[float]] = {"bare": [], "facilitate": []}
    cpu: dict[str, list[float]] = {"bare": [], "facilitate": []}
    for name, command in commands.items():  # once each first: Python compiles and caches
        _frame_once(command, name == "facilitate")
    for _ in range(runs):
        for name, command in commands.items():
            took = _frame_once(command, name == "facilitate")
            if took is not None:
                found[name].append(took[0])
                cpu[name].append(took[1])

    def median(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    value, base = median(found["facilitate"]), median(found["bare"])
    return {
        "facilitate_ms": value,
        "bare_ms": base,
        "ratio": value / base if base else float("nan"),
        "runs": found["facilitate"],
        "baseline_runs": found["bare"],
        # CPU time to the first frame: what a busy machine's waiting does not inflate
        "facilitate_cpu_ms": median(cpu["facilitate"]),
        "bare_cpu_ms": median(cpu["bare"]),
        "cpu_ratio": median(cpu["facilitate"]) / median(cpu["bare"]) if cpu["bare"] else None,
    }


def _frame_once(command: list[str], facilitate: bool) -> tuple[float, float] | None:
    """Wall and CPU milliseconds to the first frame (the process is stopped at once)."""
    terminal = Terminal(command, facilitate=facilitate)
    try:
        at = terminal.read_until(OPEN, 20)
    finally:
        cpu = terminal.close(at_once=True)
    return None if at is None else ((at - terminal.started) * 1000, cpu * 1000)


# -- a key press to its frame --------------------------------------------------------------


def keys(
    agenda: Path = AGENDA, rate: float = 300, presses: int = 100, phones: int = 200
) -> dict[str, Any]:
    """Key press to frame on the console with ``rate`` answers/s arriving from another
    process, and on a bare Textual app (nothing arriving): percentiles in ms."""
    result = {"rate": rate, "facilitate": {}, "bare": {}}
    with Terminal(_bare(), facilitate=False) as bare:
        if bare.read_until(OPEN, 20) is not None:
            bare.drain(0.5)
            result["bare"] = _percentiles(_press(bare, presses))
    portfile = _folder() / "keys-port.txt"
    portfile.unlink(missing_ok=True)
    with Terminal(_ours("app", "run", str(portfile), str(agenda))) as console:
        if console.read_until(OPEN, 20) is None:
            return result
        port, key = _wait_for_port(portfile, console)
        tokens = _folder() / "keys-phones.txt"
        subprocess.run(
            _ours("join", str(port), key, str(phones), str(tokens)),
            check=True,
            cwd=_folder(),
            env=_env(False),
        )
        load = subprocess.Popen(
            _ours("paced", str(port), str(tokens), str(rate), str(presses * 0.4 + 30)),
            cwd=_folder(),
            env=_env(False),
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            console.drain(2)  # the answers are flowing
            result["facilitate"] = _percentiles(_press(console, presses))
        finally:
            load.send_signal(signal.SIGTERM)
            out, _ = load.communicate(timeout=30)
        result["load"] = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    return result


def _press(terminal: Terminal, presses: int) -> list[float]:
    """``l`` pressed ``presses`` times; each time, ms until the frame that shows it."""
    took = []
    locked = False
    for _ in range(presses):
        terminal.drain(0.15)
        started = time.perf_counter()
        terminal.write(b"l")
        locked = not locked
        at = terminal.read_until(LOCKED if locked else OPEN, 5)
        if at is not None:
            took.append((at - started) * 1000)
    return took


def _wait_for_port(portfile: Path, terminal: Terminal) -> tuple[int, str]:
    for _ in range(300):
        if portfile.exists() and (text := portfile.read_text().split()):
            return int(text[0]), text[1]
        terminal.drain(0.1)
    raise RuntimeError("the participant server did not start")


# -- answers/s: run vs serve -----------------------------------------------------------------


def throughput(
    agenda: Path = AGENDA,
    rounds: int = 3,
    seconds: float = 5.0,
    connections: int = 100,
    phones: int = 200,
) -> dict[str, Any]:
    """Answers/s of ``run`` (the console in a terminal read all the time) and of
    ``serve``, alternated (serve, run, serve, run ...); the same load for both."""
    generator = "wrk" if shutil.which("wrk") else "python"
    found: dict[str, list[dict[str, Any]]] = {"serve": [], "run": []}
    for _ in range(rounds):
        for mode in ("serve", "run"):
            found[mode].append(_answers_once(mode, agenda, seconds, connections, phones))
    rate = {mode: statistics.median(r["rate"] for r in runs) for mode, runs in found.items()}
    cpu = {
        mode: statistics.median(r["cpu_us_per_answer"] or float("nan") for r in runs)
        for mode, runs in found.items()
    }
    return {
        "cpu_us_per_answer_run": cpu["run"],
        "cpu_us_per_answer_serve": cpu["serve"],
        "cpu_ratio": cpu["serve"] / cpu["run"] if cpu["run"] else float("nan"),
        "load_generator": generator,
        "connections": connections,
        "run_per_s": rate["run"],
        "serve_per_s": rate["serve"],
        "ratio": rate["run"] / rate["serve"] if rate["serve"] else float("nan"),
        "runs": [r["rate"] for r in found["run"]],
        "baseline_runs": [r["rate"] for r in found["serve"]],
        "detail": found,
    }


def _answers_once(
    mode: str, agenda: Path, seconds: float, connections: int, phones: int
) -> dict[str, Any]:
    portfile = _folder() / f"{mode}-port.txt"
    portfile.unlink(missing_ok=True)
    command = _ours("app", mode, str(portfile), str(agenda))
    terminal = Terminal(command)
    try:
        terminal.keep_reading()
        for _ in range(300):
            if portfile.exists() and portfile.read_text().split():
                break
            time.sleep(0.1)
        port_text, key = portfile.read_text().split()
        port = int(port_text)
        tokens = _folder() / f"{mode}-phones.txt"
        subprocess.run(
            _ours("join", str(port), key, str(phones), str(tokens)),
            check=True,
            cwd=_folder(),
            env=_env(False),
        )
        cpu = _cpu_seconds(terminal.pid)
        if shutil.which("wrk"):
            found = procs.wrk(port, "/a/pick", tokens, connections=connections, seconds=seconds)
        else:
            found = procs.python_load(
                port, "/a/pick", tokens, connections=connections, seconds=seconds
            )
        # CPU per answer: steadier than answers/s on a machine busy with other work
        used = _cpu_seconds(terminal.pid) - cpu
        found["cpu_us_per_answer"] = used / found["requests"] * 1e6 if found["requests"] else None
        return found
    finally:
        terminal.close()


def _cpu_seconds(pid: int) -> float:
    """CPU seconds a process has used so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the processes measured ------------------------------------------------------------------


def _ready_engine(agenda: Path) -> Any:
    """A new session of ``agenda`` (nothing saved) on its first item with answers,
    open and revealed: every answer changes what the console shows."""
    from facilitate.agenda import load_agenda
    from facilitate.cli import new_engine

    engine = new_engine(load_agenda(str(agenda)), ephemeral=True)
    index = next(i for i, item in enumerate(engine.agenda.items) if item.activity is not None)
    engine.goto(index)
    engine.open_answering()
    engine.reveal()
    return engine


def _announce(server: Any, portfile: str) -> None:
    """Write "PORT KEY" once serving; the per-device answer limit is lifted (in ``run``
    and ``serve`` alike) so 200 phones can carry the load."""
    from facilitate.server.security import RateLimiter
    from facilitate.server.state import STATE

    server.runner.app[STATE].answer_limit = RateLimiter(burst=1e12, per_second=1e12)
    key = str(server.join_url).rstrip("/").rsplit("/", 1)[1]
    Path(portfile).write_text(f"{server.port} {key}\n")


def app_run(portfile: str, agenda: str) -> None:
    """Engine, server and console in one process, as ``facilitate run`` builds them."""
    from facilitate.tui.cli import served_app

    collector_paused = getattr(
        importlib.import_module("facilitate.tui.cli"), "collector_paused", None
    )
    with collector_paused() if collector_paused is not None else contextlib.nullcontext():
        app = served_app(_ready_engine(Path(agenda)), host=HOST, port=0, language="en")

        def watch() -> None:
            while app.server is None and not app.started.is_set():
                time.sleep(0.05)
            if app.server is not None:
                _announce(app.server, portfile)

        threading.Thread(target=watch, daemon=True).start()
        app.run()


def app_serve(portfile: str, agenda: str) -> None:
    """Engine and server alone, as ``facilitate serve`` runs them."""
    from facilitate.server import start_server

    async def main() -> None:
        server = await start_server(_ready_engine(Path(agenda)), host=HOST, port=0)
        _announce(server, portfile)
        await asyncio.Event().wait()

    asyncio.run(main())


# -- phones (each in its own process, never the app's loop) ------------------------------------


async def _paced(port: int, path: str, rate: float, seconds: float, workers: int = 30) -> None:
    """``rate`` answers a second, spread over ``workers`` connections, for ``seconds``
    (or until SIGTERM); prints what it sent."""
    phones = read_phones(path)
    interval = workers / rate
    deadline = time.monotonic() + seconds
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    sent = failures = 0

    async def worker(index: int) -> None:
        nonlocal sent, failures
        connection = await Connection(port).open()
        rng = random.Random(index)
        next_at = time.monotonic() + interval * index / workers
        while time.monotonic() < deadline and not stop.is_set():
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval
            token, ft = phones[rng.randrange(len(phones))]
            body = urlencode({"_ft": ft, "choice": rng.randrange(3)}).encode()
            status, _, _ = await connection.request("POST", "/a/pick", cookie=token, body=body)
            sent += 1
            failures += status not in (200, 303)
        connection.close()

    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(workers)))
    elapsed = time.monotonic() - started
    print(json.dumps({"sent": sent, "failures": failures, "rate": sent / elapsed}), flush=True)


# -- make bench ----------------------------------------------------------------------------------


async def measure(args: argparse.Namespace, figures: dict[str, Any], agenda: Path) -> None:
    """Fill ``make bench``'s console figures ("run", "key", "first_frame")."""
    repeat = int(getattr(args, "repeat", 3))
    seconds = float(getattr(args, "seconds", 5.0))
    loop = asyncio.get_running_loop()
    print("console: first frame vs a bare Textual app ...", flush=True)
    first = await loop.run_in_executor(None, first_frame, agenda, max(5, repeat))
    figure = figures["first_frame"]
    figure.runs += first["runs"]
    figure.baseline_runs += first["baseline_runs"]
    print("console: key press to frame, 300 answers/s arriving ...", flush=True)
    pressed = await loop.run_in_executor(None, keys, agenda, 300.0, 100)
    figure = figures["key"]
    if pressed["facilitate"].get("n"):
        figure.runs.append(pressed["facilitate"]["p99"])
    if pressed["bare"].get("n"):
        figure.baseline_runs.append(pressed["bare"]["p99"])
    figure.absolute = (50.0, "p99 ≤ 50 ms")
    figure.extra["detail"] = pressed
    print("console: `run` vs `serve`, answers/s ...", flush=True)
    rates = await loop.run_in_executor(None, throughput, agenda, repeat, seconds)
    figure = figures["run"]
    figure.runs += rates["runs"]
    figure.baseline_runs += rates["baseline_runs"]
    figure.extra["load_generator"] = rates["load_generator"]
    figure.extra["detail"] = rates["detail"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.console", description=__doc__)
    parser.add_argument("part", choices=["first", "keys", "throughput", "all"], nargs="?")
    parser.add_argument("--agenda", type=Path, default=AGENDA)
    parser.add_argument("--runs", type=int, default=5, help="first frames of each, alternated")
    parser.add_argument("--rate", type=float, default=300.0, help="answers/s while keys")
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="run/serve rounds, alternated")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=100)
    args = parser.parse_args(argv)
    part = args.part or "all"
    found: dict[str, Any] = {}
    try:
        if part in ("first", "all"):
            found["first_frame"] = first_frame(args.agenda, args.runs)
        if part in ("keys", "all"):
            found["keys"] = keys(args.agenda, args.rate, args.presses)
        if part in ("throughput", "all"):
            found["throughput"] = throughput(
                args.agenda, args.rounds, args.seconds, args.connections
            )
    finally:
        if _scratch is not None:
            shutil.rmtree(_scratch, ignore_errors=True)
    print(json.dumps(found, indent=2))
    return 0


def _part(argv: list[str]) -> int:
    """The processes this module starts: ``app run|serve``, ``join``, ``paced``."""
    command, *rest = argv
    if command == "app":
        {"run": app_run, "serve": app_serve}[rest[0]](*rest[1:])
    elif command == "join":
        asyncio.run(join_to_file(int(rest[0]), rest[1], int(rest[2]), rest[3]))
    elif command == "paced":
        asyncio.run(_paced(int(rest[0]), rest[1], float(rest[2]), float(rest[3])))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("app", "join", "paced"):
        sys.exit(_part(sys.argv[1:]))
    sys.exit(main(sys.argv[1:]))
