"""Servers and load generators as processes: start, read their address, measure, stop.

Every server here listens on 127.0.0.1 only and every load run stops by itself. The
load generator is wrk when it is installed (out of process, written in C, so it can
outrun the server it measures); otherwise several Python client processes, which
cannot (the table says which one ran).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).resolve().parent / "post.lua"
UNDER_TEST = os.environ.get("BENCH_FACILITATE_PATH", "")
"""A copy of facilitate to measure instead of this one (to record before-figures):
put on ``PYTHONPATH`` for facilitate's own processes only, not the baselines'."""


def facilitate_env() -> dict[str, str]:
    return {"PYTHONPATH": UNDER_TEST} if UNDER_TEST else {}


class Server:
    """A server process that prints one JSON line with its address once it listens."""

    def __init__(self, command: list[str], env: dict[str, str] | None = None) -> None:
        self.command = command
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self.env,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{' '.join(self.command)} did not start")
        self.info = json.loads(line)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def port(self) -> int:
        if "port" in self.info:
            return int(self.info["port"])
        return int(re.search(r":(\d+)", str(self.info["local_url"])).group(1))  # type: ignore[union-attr]

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss(self) -> int:
        """The process's resident memory in bytes (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0


def bare(kind: str) -> Server:
    return Server([sys.executable, "-m", "benchmarks.bare", kind])


def facilitate_serve(agenda: Path, home: Path) -> Server:
    return Server(
        [
            str(BIN / "facilitate"),
            "serve",
            str(agenda),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--json",
            "--lang",
            "en",
        ],
        env={"FACILITATE_HOME": str(home), **facilitate_env()},
    )


async def control(server: Server, action: str, **params: Any) -> dict[str, Any]:
    """One facilitator command through the control API (as the control page sends it)."""
    path = str(server.info["control_url"]).split("127.0.0.1", 1)[1].split("/", 1)[1]
    body = json.dumps(params).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        f"POST /{path}/{action} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    reply = await reader.read()
    writer.close()
    return json.loads(reply.split(b"\r\n\r\n", 1)[1] or b"{}")


# -- wrk ---------------------------------------------------------------------------------


def wrk_installed() -> bool:
    return shutil.which("wrk") is not None


def wrk(
    port: int,
    path: str,
    phones: Path,
    *,
    connections: int,
    seconds: float,
    field: str = "choice",
    distinct: bool = False,
) -> dict[str, Any]:
    """POST form answers with wrk, each request from the next joined phone in turn."""
    env = {
        **os.environ,
        "BENCH_PHONES": str(phones),
        "BENCH_PATH": path,
        "BENCH_FIELD": field,
        "BENCH_DISTINCT": "1" if distinct else "0",
    }
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "5s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return parse_wrk(done.stdout)


def parse_wrk(text: str) -> dict[str, Any]:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    latency = {}
    for name, value, unit in re.findall(r"\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\b", text):
        latency[f"p{name}_ms"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    refused = int(bad.group(1)) if bad else 0
    return {
        # Only what was answered counts: wrk's own rate includes refusals (a 429 from the
        # per-device limit costs the server far less than an answer, so it read high).
        "rate": rate * (requests - refused) / requests if requests else 0.0,
        "wrk_rate": rate,
        "requests": requests,
        "refused": refused,
        "socket_errors": errors.group(1) if errors else "",
        **latency,
    }


def python_load(
    port: int,
    path: str,
    phones: Path,
    *,
    connections: int,
    seconds: float,
    field: str = "choice",
    distinct: bool = False,
    processes: int = 2,
) -> dict[str, Any]:
    """The fallback without wrk: Python client processes in a closed loop."""
    from benchmarks import load

    results = load.closed_loop_processes(
        port, path, phones, connections, seconds, field, distinct, processes
    )
    latencies = sorted(x for r in results for x in r["latencies"])
    seconds_run = max(r["seconds"] for r in results)
    count = len(latencies)

    def at(fraction: float) -> float:
        return latencies[min(count - 1, int(fraction * count))] * 1000 if count else float("nan")

    return {
        "rate": count / seconds_run,
        "requests": count,
        "refused": sum(r["failures"] for r in results),
        "socket_errors": "",
        "p50_ms": at(0.5),
        "p90_ms": at(0.9),
        "p99_ms": at(0.99),
    }


def temporary_home() -> Path:
    return Path(tempfile.mkdtemp(prefix="facilitate-bench-"))


def timed_runs(command: list[str], repeat: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall-clock seconds of each of ``repeat`` runs of a command (output discarded)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            check=False,
        )
        times.append(time.perf_counter() - start)
    return times
