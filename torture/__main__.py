"""``python -m torture`` (``make torture``): every part of the fault harness, then a table.

Exits 1 if any part found a violation or a 5xx. ``--pythonpath`` runs the same harness
against another copy of facilitate (an older version, to compare), ``--only`` picks
parts. Network: 127.0.0.1 only; every part stops by itself.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from attrs import define, field

from torture import actions, disk, files, fuzz, kills

PARTS = ("kills", "actions", "disk", "files", "linger", "fuzz")


@define
class Row:
    part: str
    rounds: int | str
    acks: int | str
    violations: int
    server_errors: int
    notes: str = ""
    details: list[str] = field(factory=list)


def kill_rows(args: argparse.Namespace) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="torture-kills-") as folder:
        found = kills.run(
            Path(folder), args.rounds, pythonpath=args.pythonpath, fsync_ms=args.fsync_ms
        )
    note = f"{found.actions} facilitator actions confirmed; resumed with the old cookies"
    return [
        Row(
            "kill -9 under load",
            found.rounds,
            found.acks,
            len(found.violations),
            found.server_errors,
            note,
            found.violations,
        )
    ]


def action_rows(args: argparse.Namespace) -> list[Row]:
    rows = []
    for name in ("open", "goto"):
        found = actions.run(name, args.action_rounds, pythonpath=args.pythonpath)
        rows.append(
            Row(
                f"kill -9 {actions.KILL_AFTER * 1000:.0f} ms after {name} confirmed",
                found.rounds,
                found.confirmed,
                found.lost + len(found.errors),
                0,
                f"{found.lost} lost on resume (fsync slowed to {actions.FSYNC_MS} ms)",
                found.errors,
            )
        )
    return rows


def disk_rows(args: argparse.Namespace) -> list[Row]:
    found = disk.run(args.disk_rounds)
    if found.skipped:
        return [Row("full disk", "skipped", "-", 0, 0, found.skipped)]
    note = f"{found.refused} answers refused (503) while full, none acknowledged"
    return [
        Row(
            "full disk (tmpfs)",
            found.rounds,
            found.acks,
            len(found.violations),
            found.server_errors,
            note,
            found.violations,
        )
    ]


def file_rows(args: argparse.Namespace) -> list[Row]:
    found = files.flood(pythonpath=args.pythonpath)
    locked_out = found["phones"] - found["phones answered"]
    note = (
        f"limit 256, 3,000 idle sockets: {found['phones answered']}/{found['phones']} phones"
        f" answered (slowest {found['slowest seconds']} s); {found['stderr lines']} lines"
        f" ({found['stderr bytes']} bytes) of stderr"
    )
    return [Row("open files", 1, found["phones answered"], locked_out, 0, note)]


def linger_rows(args: argparse.Namespace) -> list[Row]:
    found = files.linger(pythonpath=args.pythonpath, seconds=args.linger_seconds)
    held = found["server holds after"]
    note = (
        f"500 slowloris + 3,000 idle: the server held {found['server held at most']} at most,"
        f" {held} after {found['after seconds']:.0f} s"
    )
    return [Row("idle connections", 1, "-", 1 if held else 0, 0, note)]


def fuzz_rows(args: argparse.Namespace) -> list[Row]:
    rows = []
    for found in fuzz.run(args.fuzz, seed=args.seed, pythonpath=args.pythonpath):
        rows.append(
            Row(
                found.name,
                found.requests,
                "-",
                len(found.violations),
                found.server_errors,
                f"seed {args.seed}",
                found.examples + found.violations,
            )
        )
    return rows


RUNNERS: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "kills": kill_rows,
    "actions": action_rows,
    "disk": disk_rows,
    "files": file_rows,
    "linger": linger_rows,
    "fuzz": fuzz_rows,
}


def table(rows: list[Row]) -> str:
    header = ("part", "rounds", "acks", "violations", "5xx", "notes")
    cells = [header] + [
        (r.part, str(r.rounds), str(r.acks), str(r.violations), str(r.server_errors), r.notes)
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    lines = []
    for number, row in enumerate(cells):
        lines.append(
            " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + " | "
            + row[5]
        )
        if number == 0:
            lines.append("-+-".join("-" * width for width in widths) + "-+-" + "-" * 5)
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m torture", description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="kill -9 rounds under load")
    parser.add_argument(
        "--action-rounds", type=int, default=30, help="rounds for each confirmed action"
    )
    parser.add_argument("--disk-rounds", type=int, default=3, help="full-disk rounds")
    parser.add_argument("--fuzz", type=int, default=3000, help="requests for each fuzzer")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--linger-seconds", type=float, default=40.0)
    parser.add_argument(
        "--fsync-ms", type=int, default=0, help="slow the server's fsync in the kill rounds"
    )
    parser.add_argument("--only", default=",".join(PARTS), help="parts: " + ", ".join(PARTS))
    parser.add_argument("--pythonpath", default=None, help="another copy of facilitate to test")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    rows: list[Row] = []
    for part in args.only.split(","):
        if part not in RUNNERS:
            print(f"torture: no part {part!r}; parts: {', '.join(PARTS)}", file=sys.stderr)
            return 2
        started = time.monotonic()
        print(f"torture: {part} ...", file=sys.stderr, flush=True)
        found = RUNNERS[part](args)
        rows += found
        print(f"torture: {part} done in {time.monotonic() - started:.0f} s", file=sys.stderr)
    print(table(rows))
    failed = [row for row in rows if row.violations or row.server_errors]
    for row in failed:
        for detail in row.details[:10]:
            print(f"  {row.part}: {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
