"""``make bench``: measure the participant server against the design's targets.

- answer intake: durable answers per second (SQLite, WAL, synchronous=FULL, group
  commit) against a bare aiohttp "hello" handler, same machine, same run;
- latency: 500 phones answering at the same moment, p50/p99;
- live updates: N phones holding the event stream, time until all heard of a new item;
- page weight: the first page with its CSS and script.

Clients run in a separate process (so they do not share the server's loop), on
127.0.0.1 only, and every phase stops by itself. Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from benchmarks import load
from facilitate.agenda import loads_agenda
from facilitate.engine import Engine
from facilitate.server import RunningServer, start_server
from facilitate.server.security import RateLimiter
from facilitate.server.state import STATE
from facilitate.store import Store

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"

AGENDA = """
title = "Benchmark"
k = 5
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
options = ["A", "B", "C"]
[[items]]
id = "next"
title = "Next one"
duration = "5m"
[items.activity]
type = "choice"
question = "And now?"
options = ["A", "B", "C"]
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def in_process(target: Any, *args: Any, wait_for_ready: bool = False) -> Any:
    """Run a load generator in its own process; return its result (and its 'ready' first)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=target, args=(child, *args), daemon=True)
    process.start()
    loop = asyncio.get_running_loop()
    try:
        first = await loop.run_in_executor(None, parent.recv)
        if wait_for_ready:
            return process, parent, first
        return first
    finally:
        if not wait_for_ready:
            process.join(30)


async def hello_baseline(concurrency: int, seconds: float) -> dict[str, Any]:
    async def hello(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="hello")

    app = web.Application()
    app.router.add_post("/hello", hello)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        cpu = time.process_time()
        result = await in_process(load.closed_loop, port, "/hello", None, concurrency, seconds)
        result["cpu"] = time.process_time() - cpu
        return result
    finally:
        await runner.cleanup()


async def start(directory: Path) -> tuple[Engine, RunningServer]:
    engine = Engine.new(loads_agenda(AGENDA), Store.create(directory=directory))
    server = await start_server(engine, host="127.0.0.1", port=0)
    return engine, server


async def answer_intake(
    directory: Path, concurrency: int, seconds: float, *, engine_stubbed: bool = False
) -> dict[str, Any]:
    engine, server = await start(directory)
    if engine_stubbed:
        # To split the cost: everything the server does, but the engine stores nothing.
        async def accept_nothing(token: str, item_id: str, raw: Any) -> dict[str, Any]:
            return {}

        engine.submit = accept_nothing  # type: ignore[method-assign]
    # A closed loop posts far faster than a person; lift the per-device limit for it.
    server.runner.app[STATE].answer_limit = RateLimiter(burst=1e12, per_second=1e12)
    engine.goto(1)
    engine.open_answering()
    try:
        cpu = time.process_time()
        result = await in_process(
            load.closed_loop,
            server.port,
            "/a/pick",
            engine.join_code.replace(" ", ""),
            concurrency,
            seconds,
        )
        result["cpu"] = time.process_time() - cpu
        result["commits"] = engine.store.commits
        result["stored"] = engine.runs["pick"].count
    finally:
        await server.stop()
        engine.close()
    return result


async def answer_rounds(
    directory: Path, participants: int, rounds: int, spread: float
) -> dict[str, Any]:
    engine, server = await start(directory)  # the real per-device limit stays on
    engine.goto(1)
    engine.open_answering()
    try:
        result = await in_process(
            load.answers,
            server.port,
            engine.join_code.replace(" ", ""),
            "pick",
            participants,
            rounds,
            spread,
        )
        result["stored"] = engine.runs["pick"].count
    finally:
        await server.stop()
        engine.close()
    return result


async def fan_out(directory: Path, count: int) -> dict[str, Any]:
    engine, server = await start(directory)
    engine.goto(1)
    try:
        process, pipe, first = await in_process(
            load.listeners,
            server.port,
            engine.join_code.replace(" ", ""),
            count,
            "next",
            120.0,
            wait_for_ready=True,
        )
        assert first == "ready", first
        await asyncio.sleep(0.5)  # let the client side settle
        told = time.monotonic()
        engine.goto(2)
        result = await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        process.join(30)
        delays = [arrival - told for arrival in result["arrivals"]]
        result.update(delays=delays, listeners=server.runner.app[STATE].participants.listeners)
    finally:
        await server.stop()
        engine.close()
    return result


async def page_weight(directory: Path) -> tuple[int, int]:
    """The first page with its CSS and script: as bytes, and as sent to a browser that
    accepts gzip (every browser does)."""
    import aiohttp

    engine, server = await start(directory)
    try:
        totals = []
        for encoding in ("identity", "gzip"):
            async with aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                auto_decompress=False,
                headers={"Accept-Encoding": encoding},
            ) as session:
                total = 0
                async with session.get(server.join_url) as response:
                    total += len(await response.read())
                for asset in ("/s/p.css", "/s/p.js"):
                    async with session.get(server.local_url + asset) as response:
                        total += len(await response.read())
                totals.append(total)
        return totals[0], totals[1]
    finally:
        await server.stop()
        engine.close()


def rate(result: dict[str, Any]) -> float:
    return float(result["requests"] / result["seconds"])


def raise_file_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


async def main(args: argparse.Namespace) -> str:
    files = raise_file_limit()
    listeners = min(args.listeners, max(100, (files - 200) // 3))
    with tempfile.TemporaryDirectory(prefix="facilitate-bench-") as tmp:
        directory = Path(tmp)
        # The machine is shared, so one pair of runs can be far off: pair them several
        # times, one right after the other, and report the pair with the median ratio.
        pairs = []
        for number in range(1, args.repeat + 1):
            print(
                f"hello baseline {number}/{args.repeat}: {args.concurrency} clients ...", flush=True
            )
            hello = await hello_baseline(args.concurrency, args.seconds)
            print(
                f"answer intake {number}/{args.repeat}: {args.concurrency} phones ...", flush=True
            )
            intake = await answer_intake(directory, args.concurrency, args.seconds)
            pairs.append((hello, intake))
        pairs.sort(key=lambda pair: rate(pair[1]) / rate(pair[0]))
        ratios = [rate(i) / rate(h) for h, i in pairs]
        hello, intake = pairs[len(pairs) // 2]
        print("the same with the engine's submit replaced by a no-op ...", flush=True)
        stubbed = await answer_intake(
            directory, args.concurrency, args.seconds, engine_stubbed=True
        )
        print(f"answers: {args.participants} phones x {args.rounds} rounds ...", flush=True)
        spread = await answer_rounds(directory, args.participants, args.rounds, args.spread)
        burst = await answer_rounds(directory, args.participants, args.rounds, 0.0)
        print(f"fan-out: {listeners} listeners ...", flush=True)
        fan = await fan_out(directory, listeners)
        weight = await page_weight(directory)

    hello_rate = hello["requests"] / hello["seconds"]
    intake_rate = intake["requests"] / intake["seconds"]
    ratio = intake_rate / hello_rate
    p50 = percentile(spread["latencies"], 0.50) * 1000
    p99 = percentile(spread["latencies"], 0.99) * 1000
    burst_p50 = percentile(burst["latencies"], 0.50) * 1000
    burst_p99 = percentile(burst["latencies"], 0.99) * 1000
    burst_round = statistics.median(burst["round_seconds"]) * 1000
    delays = fan["delays"]
    heard = len(delays)
    fan_max = max(delays) * 1000 if delays else float("nan")
    fan_p50 = percentile(delays, 0.5) * 1000
    answers_per_commit = intake["requests"] / max(1, intake["commits"])
    hello_cpu = hello["cpu"] / max(1, hello["requests"]) * 1e6
    intake_cpu = intake["cpu"] / max(1, intake["requests"]) * 1e6
    stubbed_rate = stubbed["requests"] / stubbed["seconds"]
    stubbed_cpu = stubbed["cpu"] / max(1, stubbed["requests"]) * 1e6

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    rows = [
        (
            "bare aiohttp hello (POST)",
            f"{hello_rate:,.0f} req/s ({hello_cpu:.0f} µs of server CPU each)",
            "",
            "",
        ),
        (
            "durable answers (POST, committed before the reply)",
            f"{intake_rate:,.0f} answers/s ({ratio:.0%} of hello, median of {len(ratios)} "
            f"pairs, range {ratios[0]:.0%}–{ratios[-1]:.0%}; {intake_cpu:.0f} µs of "
            f"server CPU each; {answers_per_commit:.1f} answers per commit)",
            "≥ 50% of hello",
            verdict(ratio >= 0.5),
        ),
        (
            "the same requests, the engine's submit replaced by a no-op",
            f"{stubbed_rate:,.0f} req/s ({stubbed_rate / hello_rate:.0%} of hello; "
            f"{stubbed_cpu:.0f} µs of server CPU each)",
            "",
            "",
        ),
        (
            f"{args.participants} phones, each answering within {args.spread:g} s, "
            f"{args.rounds} rounds",
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms ({len(spread['latencies'])} answers, "
            f"{spread['failures']} refused)",
            "p99 < 50 ms",
            verdict(p99 < 50),
        ),
        (
            f"worst case: all {args.participants} phones answering at the same instant",
            f"p50 {burst_p50:.0f} ms, p99 {burst_p99:.0f} ms; the median round of "
            f"{args.participants} answers is on disk in {burst_round:.0f} ms",
            "",
            "",
        ),
        (
            f"{listeners} phones on the live stream, new item",
            f"all {heard} told within {fan_max:.0f} ms (median {fan_p50:.0f} ms)",
            "2,000 within 250 ms",
            verdict(heard == listeners >= 2000 and fan_max < 250),
        ),
        (
            "first page + CSS + script",
            f"{weight[0]:,} bytes ({weight[1]:,} sent gzipped)",
            "< 16 KB",
            verdict(weight[0] < 16384),
        ),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    machine = (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    return f"""# Benchmarks

Measured by `make bench` (`python -m benchmarks`) on {machine}.
Server and clients run on this one machine (clients in a separate process), over
127.0.0.1; the session store is a real SQLite file (WAL, `synchronous=FULL`), so every
answer is on disk before its reply. The numbers below are from the last run. The
machine is shared, so one 5-second run can be far off: the throughput line is the
median of {len(ratios)} hello/answer pairs, each pair run back to back.

| what | measured | target | |
|---|---|---|---|
{table}

Reading the throughput line: with group commit the disk is not the limit (many answers
share one fsync); the server's CPU is. An answer costs the server about
{intake_cpu / hello_cpu:.1f} times the CPU of the bare handler, which reads a body and
says "hello": on top of that it checks the device cookie and form token (HMAC), parses
and validates the form through the activity type, computes the per-item pseudonym
(HMAC), encodes the answer as JSON, hands it to the store's writer thread and waits for
the commit, updates the tally and tells subscribers. The third line splits that
cost: with the engine's `submit` replaced by a no-op, the server layer (cookie, form
token, same-origin check, body parsing, redirect, security headers) runs at
{stubbed_rate / hello_rate:.0%} of hello, {stubbed_cpu:.0f} µs a request. The other
{max(0.0, intake_cpu - stubbed_cpu):.0f} µs of an answer are the engine and the store:
validation through the activity type, the pseudonym, JSON, the SQLite work in the
store's writer thread (which competes with the event loop for the GIL), the hand-off
back (one wake-up of the loop per commit, not per answer: that change alone took about
a third off an answer's cost), the tally and the events.

What was taken off the answer path, measured in-process (256 answers in flight, the
same SQLite file settings): the engine builds an item's form once and again only when a
result it reads changes, checks a device token's signature once, encodes JSON with one
prebuilt encoder, and the store writes a commit's answers with one `executemany`. That
took the engine and store from about 17–22 µs of CPU an answer to about 12 µs (the
synchronous part, validation to tally, from about 9.5 µs to 5.7 µs). The server parses
the form body directly (about a microsecond less than `parse_qsl`) and the redirect
carries its security headers from the start. What is left of an answer is mostly
aiohttp and asyncio (reading the request, waking the handler when its commit is done,
writing the reply) and SQLite in the writer thread, per the profiles (cProfile, py-spy). The
ratio moves with how busy the machine is (the hello baseline alone has ranged from
about 7,600 to 23,000 requests a second here): single pairs have ranged from 28% to
68%, medians of three from 41% to 59% over four runs, so the ≥ 50% target is met in
some runs and not in others. Run before and after these changes, alternately, the
end-to-end pairs could not tell them apart through that noise.

How each is measured:

- **Throughput**: {args.concurrency} clients in a closed loop for {args.seconds:g} s each,
  first against a bare aiohttp handler that reads the body and says "hello", then against
  the real answer endpoint (cookie, form token, same-origin check, parsing, validation,
  durable commit, tally, redirect). The per-device rate limit is lifted for this one,
  since no person answers that fast.
- **Latency**: {args.participants} joined phones, each on its own keep-alive connection,
  answer once per round at a random moment within {args.spread:g} s of the question
  opening (a room answering a poll), {args.rounds} rounds (changing their answer each
  round), with the real per-device rate limit on. Latency is from sending the request
  to reading the whole reply. The worst case sends all {args.participants} in the same
  instant: then the last answers wait behind the others, so its p99 is about the time
  the server needs for the whole round, which is the figure to read there.
- **Live updates**: {listeners} joined phones hold `/events` open; the engine moves to
  a new item and each client notes when its stream says so (system-wide monotonic clock,
  same machine). A phone then fetches the new page itself; that part is not timed here.
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument(
        "--repeat", type=int, default=3, help="hello/answer pairs to run (the median is shown)"
    )
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--spread", type=float, default=5.0, help="seconds a round's answers spread over"
    )
    parser.add_argument("--listeners", type=int, default=2000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs alone")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args(sys.argv[1:])
    report = asyncio.run(main(arguments))
    print(report)
    if not arguments.no_write:
        REPORT.write_text(report, encoding="utf-8")
        print(f"written to {REPORT.relative_to(ROOT)}")
