"""``make bench``: facilitate against bare baselines, in the same run, on this machine.

Every line of the table pairs a figure with its baseline, measured alternately (A, B,
A, B, A, B) so a busy machine slows both alike, and reports the median of the runs:

- durable answers/s (committed before the reply) vs a bare aiohttp "hello" POST, at
  100 and 500 connections, from 10,000 joined phones taken in turn (each stays under
  the per-device limit), with wrk (or, if wrk is missing, Python client processes:
  the table says which; they cannot outrun the server, so the ratio reads high);
- answers/s to a moderated free-text item already holding 2,700 answers vs a choice item;
- ``facilitate run`` (console and server) vs ``facilitate serve``, and the console's
  key press to frame with answers arriving, and its first frame vs a bare Textual app
  (see :mod:`benchmarks.console`);
- ``facilitate --help`` and ``facilitate check`` vs ``python -c "import attrs, pluggy"``;
- a new item told to 10,000 open event streams vs a bare aiohttp event stream, and the
  server's memory per open stream.

Results go to ``benchmarks/results.json`` (every run, its baseline, the medians and
ratios) and ``docs/benchmarks.md``; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import load, procs

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
REPORT = ROOT / "docs" / "benchmarks.md"
AGENDA = ROOT / "benchmarks" / "agenda.toml"


class Figure:
    """One line of the table: runs of facilitate and of its baseline, and a target."""

    def __init__(
        self,
        key: str,
        what: str,
        baseline: str,
        unit: str,
        target: str,
        limit: float,
        higher_is_better: bool,
    ) -> None:
        self.key, self.what, self.baseline, self.unit = key, what, baseline, unit
        self.target, self.limit, self.higher = target, limit, higher_is_better
        self.runs: list[float] = []
        self.baseline_runs: list[float] = []
        self.extra: dict[str, Any] = {}
        self.absolute: tuple[float, str] | None = None
        """An extra bound on the figure itself (value, words), e.g. within 250 ms."""

    @property
    def value(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def base(self) -> float:
        return statistics.median(self.baseline_runs) if self.baseline_runs else float("nan")

    @property
    def ratio(self) -> float:
        return self.value / self.base if self.base else float("nan")

    @property
    def met(self) -> bool | None:
        if not self.runs or not self.baseline_runs:
            return None
        ok = self.ratio >= self.limit if self.higher else self.ratio <= self.limit
        if self.absolute is not None:
            ok = ok and self.value <= self.absolute[0]
        return ok

    def as_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "baseline_name": self.baseline,
            "unit": self.unit,
            "runs": self.runs,
            "baseline_runs": self.baseline_runs,
            "median": self.value,
            "baseline_median": self.base,
            "ratio": self.ratio,
            "target": self.target,
            "met": self.met,
            **self.extra,
        }


def fmt(value: float, unit: str) -> str:
    if value != value:  # nan
        return "–"
    if unit == "/s":
        return f"{value / 1000:.1f}k/s" if value >= 1000 else f"{value:.0f}/s"
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "KB":
        return f"{value:.1f} KB"
    return f"{value:.2f} {unit}"


# -- answers -------------------------------------------------------------------------------


async def throughput(args: argparse.Namespace, figures: dict[str, Figure]) -> None:
    run_load = procs.wrk if procs.wrk_installed() and not args.python_load else procs.python_load
    home = procs.temporary_home()
    phones = home / "phones.txt"
    with procs.bare("hello") as hello, procs.facilitate_serve(AGENDA, home) as served:
        await procs.control(served, "goto", item="pick")
        await procs.control(served, "open")  # so the page a phone joins to has its form
        key = str(served.info["join_url"]).rsplit("/", 1)[1]
        print(f"joining {args.phones} phones ...", flush=True)
        await load.join_to_file(served.port, key, args.phones, phones)
        for connections in (100, 500):
            figure = figures[f"answers_{connections}"]
            for number in range(args.repeat):
                print(f"answers/s at {connections} connections, run {number + 1} ...", flush=True)
                base = run_load(
                    hello.port, "/hello", phones, connections=connections, seconds=args.seconds
                )
                got = run_load(
                    served.port, "/a/pick", phones, connections=connections, seconds=args.seconds
                )
                figure.baseline_runs.append(base["rate"])
                figure.runs.append(got["rate"])
                figure.extra.setdefault("detail", []).append({"hello": base, "facilitate": got})
        # A moderated free-text item already holding answers vs the choice item.
        await procs.control(served, "goto", item="say")
        await procs.control(served, "open")
        print("2,700 free-text answers ...", flush=True)
        text_phones = home / "text-phones.txt"
        text_phones.write_text("".join(phones.read_text().splitlines(True)[:2700]))
        run_load(
            served.port,
            "/a/say",
            text_phones,
            connections=50,
            seconds=2.0,
            field="text",
            distinct=True,
        )
        figure = figures["text"]
        for number in range(args.repeat):
            print(f"free text vs choice, run {number + 1} ...", flush=True)
            await procs.control(served, "goto", item="pick")
            await procs.control(served, "open")
            base = run_load(served.port, "/a/pick", phones, connections=100, seconds=args.seconds)
            await procs.control(served, "goto", item="say")
            await procs.control(served, "open")
            got = run_load(
                served.port,
                "/a/say",
                phones,
                connections=100,
                seconds=args.seconds,
                field="text",
                distinct=True,
            )
            figure.baseline_runs.append(base["rate"])
            figure.runs.append(got["rate"])
            figure.extra.setdefault("detail", []).append({"choice": base, "text": got})
    figures["answers_500"].extra["p99_ms"] = statistics.median(
        d["facilitate"].get("p99_ms", float("nan")) for d in figures["answers_500"].extra["detail"]
    )
    for figure in figures.values():
        figure.extra.setdefault("load_generator", "wrk" if run_load is procs.wrk else "python")


# -- start-up --------------------------------------------------------------------------------


def start_up(args: argparse.Namespace, figures: dict[str, Figure]) -> None:
    python = sys.executable
    facilitate = str(procs.BIN / "facilitate")
    baseline = [python, "-c", "import attrs, pluggy"]
    commands = {
        "help": [facilitate, "--help"],
        "check": [facilitate, "check", str(ROOT / "facilitate" / "agendas" / "demo.toml")],
    }
    # Both sides run as an installed package runs: from byte-code. A shell that sets
    # PYTHONDONTWRITEBYTECODE would make facilitate recompile its own modules on every
    # run while attrs and pluggy (in site-packages) keep theirs: not like with like.
    saved = {
        name: os.environ.get(name) for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    }
    with tempfile.TemporaryDirectory(prefix="facilitate-bench-pyc-") as cache:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = cache
        try:
            for command in (baseline, *commands.values()):  # warm up: byte-code written
                procs.timed_runs(command, 1, procs.facilitate_env())
            for key, command in commands.items():
                figure = figures[key]
                figure.extra["bytecode"] = "cached, as installed"
                for _ in range(args.repeat):
                    base = procs.timed_runs(baseline, 5)
                    figure.baseline_runs.append(statistics.median(base) * 1000)
                    runs = procs.timed_runs(command, 5, procs.facilitate_env())
                    figure.runs.append(statistics.median(runs) * 1000)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


# -- 10,000 event streams ----------------------------------------------------------------------


async def fan_out_once(args: argparse.Namespace, bare: bool) -> tuple[float, float, int]:
    """Open ``args.streams`` streams, tell them of a new item; (ms until the last heard,
    server bytes per stream, streams that heard)."""
    home = procs.temporary_home()
    server = procs.bare("sse") if bare else procs.facilitate_serve(AGENDA, home)
    with server:
        cookies = [""] * args.streams
        if not bare:
            key = str(server.info["join_url"]).rsplit("/", 1)[1]
            await load.join_to_file(
                server.port, key, args.streams, home / "phones.txt", need_form=False
            )
            cookies = [token for token, _ in load.read_phones(home / "phones.txt")]
        await asyncio.sleep(0.5)
        before = server.rss()
        context = multiprocessing.get_context("spawn")
        marker = b'"item": "next1"' if bare else b'"item": "next"'
        pipes, workers = [], []
        share = (len(cookies) + args.clients - 1) // args.clients
        for number in range(args.clients):
            parent, child = context.Pipe()
            part = cookies[number * share : (number + 1) * share]
            worker = context.Process(
                target=load.stream_listeners,
                args=(child, server.port, part, marker, 120.0),
                daemon=True,
            )
            worker.start()
            pipes.append(parent)
            workers.append(worker)
        loop = asyncio.get_running_loop()
        for pipe in pipes:
            assert await loop.run_in_executor(None, pipe.recv) == "ready"
        await asyncio.sleep(1.0)
        per_stream = (server.rss() - before) / len(cookies)
        told = time.monotonic()
        if bare:
            await _post_go(server.port)
        else:
            await procs.control(server, "goto", item="next")
        arrivals = []
        for pipe in pipes:
            arrivals += (await loop.run_in_executor(None, pipe.recv))["arrivals"]
        for worker in workers:
            worker.join(30)
    delay = (max(arrivals) - told) * 1000 if arrivals else float("nan")
    return delay, per_stream, len(arrivals)


async def _post_go(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /go HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nConnection: close\r\n\r\n1"
    )
    await writer.drain()
    await reader.read()
    writer.close()


async def fan_out(args: argparse.Namespace, figures: dict[str, Figure]) -> None:
    delay, memory = figures["fan_out"], figures["memory"]
    for number in range(args.repeat):
        for bare in (True, False):
            print(
                f"{args.streams} streams, {'bare' if bare else 'facilitate'}, run {number + 1} ...",
                flush=True,
            )
            ms, per_stream, heard = await fan_out_once(args, bare)
            (delay.baseline_runs if bare else delay.runs).append(ms)
            (memory.baseline_runs if bare else memory.runs).append(per_stream / 1024)
            delay.extra.setdefault("heard", []).append({"bare": bare, "heard": heard})


# -- the console ---------------------------------------------------------------------------


async def console(args: argparse.Namespace, figures: dict[str, Figure]) -> None:
    """``run`` vs ``serve``, key press to frame and first frame: measured by
    :mod:`benchmarks.console` (the console's own harness) when it is there."""
    try:
        from benchmarks import console as measured  # type: ignore[attr-defined]
    except ImportError:
        print("console: benchmarks/console.py is not there; not measured", flush=True)
        return
    await measured.measure(args, figures, AGENDA)


# -- the report ------------------------------------------------------------------------------


def make_figures(args: argparse.Namespace) -> dict[str, Figure]:
    streams = f"{args.streams:,}"
    return {
        "answers_100": Figure(
            "answers_100",
            "durable answers/s, 100 connections",
            'bare aiohttp POST "hello"',
            "/s",
            "≥ 0.6×",
            0.6,
            True,
        ),
        "answers_500": Figure(
            "answers_500",
            "durable answers/s, 500 connections",
            'bare aiohttp POST "hello"',
            "/s",
            "≥ 0.6×",
            0.6,
            True,
        ),
        "text": Figure(
            "text",
            "moderated free-text item holding 2,700+ answers",
            "the choice item",
            "/s",
            "≥ 0.6×",
            0.6,
            True,
        ),
        "run": Figure(
            "run",
            "`facilitate run` (console + server), answers/s",
            "`facilitate serve`",
            "/s",
            "≥ 0.9×",
            0.9,
            True,
        ),
        "key": Figure(
            "key",
            "key press to frame, p99, 300 answers/s arriving",
            "bare Textual app",
            "ms",
            "p99 ≤ 50 ms",
            float("inf"),
            False,
        ),
        "first_frame": Figure(
            "first_frame",
            "first frame, `facilitate run`",
            "bare Textual app",
            "ms",
            "≤ 1.5×",
            1.5,
            False,
        ),
        "help": Figure(
            "help",
            "`facilitate --help`",
            'python -c "import attrs, pluggy"',
            "ms",
            "≤ 3×",
            3.0,
            False,
        ),
        "check": Figure(
            "check",
            "`facilitate check demo.toml`",
            'python -c "import attrs, pluggy"',
            "ms",
            "≤ 3×",
            3.0,
            False,
        ),
        "fan_out": Figure(
            "fan_out",
            f"new item told to {streams} event streams (last one)",
            "bare aiohttp event stream",
            "ms",
            "≤ 1.2× and ≤ 250 ms",
            1.2,
            False,
        ),
        "memory": Figure(
            "memory",
            "server memory per open event stream",
            "bare aiohttp event stream",
            "KB",
            "≤ 1.1×",
            1.1,
            False,
        ),
    }


def table(figures: dict[str, Figure]) -> str:
    rows = [
        "| what | baseline (same run) | baseline | facilitate | ratio | target | |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures.values():
        verdict = {True: "met", False: "**not met**", None: "not measured"}[f.met]
        extra = ""
        if f.key == "answers_500" and "p99_ms" in f.extra:
            extra = f" (p99 {f.extra['p99_ms']:.0f} ms)"
        rows.append(
            f"| {f.what} | {f.baseline} | {fmt(f.base, f.unit)} | {fmt(f.value, f.unit)}{extra}"
            f" | {f.ratio:.2f} | {f.target} | {verdict} |"
        )
    return "\n".join(rows)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    for line in (
        Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    ):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )


def write(figures: dict[str, Figure], args: argparse.Namespace, generator: str) -> str:
    results = {
        "machine": machine(),
        "load_generator": generator,
        "repeat": args.repeat,
        "seconds": args.seconds,
        "figures": {key: f.as_json() for key, f in figures.items()},
    }
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    text = table(figures)
    report = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    start, end = "<!-- table -->", "<!-- /table -->"
    block = (
        f"{start}\nOn {machine()}; load from {generator}; medians of {args.repeat}"
        f" alternated runs.\n\n{text}\n{end}"
    )
    if start in report and end in report:
        report = report[: report.index(start)] + block + report[report.index(end) + len(end) :]
        REPORT.write_text(report, encoding="utf-8")
    return text


async def main(args: argparse.Namespace) -> int:
    load.raise_files()
    figures = make_figures(args)
    generator = (
        "wrk"
        if procs.wrk_installed() and not args.python_load
        else "Python client processes (wrk is not installed: the ratios read high)"
    )
    print(f"load generator: {generator}", flush=True)
    parts = args.only or ["answers", "startup", "streams", "console"]
    if "startup" in parts:
        start_up(args, figures)
    if "answers" in parts:
        await throughput(args, figures)
    if "streams" in parts:
        await fan_out(args, figures)
    if "console" in parts:
        await console(args, figures)
    figures["fan_out"].absolute = (250.0, "within 250 ms")
    text = write(figures, args, generator)
    print(text)
    missed = [f.key for f in figures.values() if f.met is False]
    if missed:
        print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3, help="alternated runs (median shown)")
    parser.add_argument("--phones", type=int, default=10_000)
    parser.add_argument("--streams", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=2, help="stream client processes")
    parser.add_argument("--python-load", action="store_true", help="do not use wrk")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=["answers", "startup", "streams", "console"],
        help="run only these parts",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
