"""The ``facilitate report`` and ``facilitate rehearse`` commands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from facilitate.cli import CLIError, storage_problem


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text}")
    return value


def add_commands(sub: Any) -> None:
    from facilitate.report import FORMATS

    p = sub.add_parser(
        "report",
        help="write a session's report (HTML, Markdown, CSV or JSON)",
        description=(
            "Everything a session collected, item by item, with planned and actual times."
            " Rejected and unapproved free text is never included; an item with fewer"
            " answers than its anonymity threshold shows 'not enough answers'. The CSV has"
            " one row per answered field, without pseudonyms, and leaves out such items."
        ),
    )
    p.add_argument("session", metavar="SESSION", help="a session id, or 'latest'")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="html, md, csv or json (default: from the -o file's suffix, else md)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of to stdout")
    p.add_argument(
        "--include-small",
        action="store_true",
        help="show items with fewer answers than their anonymity threshold too",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "rehearse",
        help="run an agenda with simulated participants and save the session",
        description=(
            "Run the whole agenda at accelerated time with simulated participants answering"
            " through the real server on 127.0.0.1, approve every free text, and save the"
            " session so you can preview the day and its report."
        ),
    )
    p.add_argument("agenda", metavar="AGENDA", help="an agenda TOML file")
    p.add_argument(
        "--participants",
        type=_positive_int,
        default=20,
        metavar="N",
        help="how many simulated participants (default 20)",
    )
    p.add_argument("--seed", type=int, metavar="S", help="repeat a rehearsal's answers exactly")
    p.add_argument(
        "--speed",
        type=_speed,
        default=0.0,
        metavar="X",
        help="also pace it in real time, X times faster than planned (default 0: no pause)",
    )
    p.add_argument(
        "--in-process",
        action="store_true",
        help="answer straight into the engine instead of through the HTTP server",
    )
    p.set_defaults(func=cmd_rehearse)


def _load(session_id: str, include_small: bool) -> Any:
    """The session's report: from a private copy when it sits on a read-only disk (where
    it cannot be opened for writing); one line for a damaged or unreadable one."""
    import sqlite3

    from facilitate.faults import FaultKind, StorageError
    from facilitate.report.collect import ReportError, load_report
    from facilitate.session_files import private_copy, session_path

    try:
        try:
            return load_report(session_id, include_small=include_small)
        except StorageError as error:
            if error.kind is not FaultKind.READ_ONLY:
                raise
            with private_copy(session_path(session_id)) as copy:
                return load_report(copy.stem, include_small=include_small, directory=copy.parent)
    except ReportError as error:
        raise CLIError(str(error)) from None
    except (StorageError, sqlite3.Error, OSError) as error:
        raise storage_problem(error, f"cannot report on session {session_id}") from None


def cmd_report(args: argparse.Namespace) -> int:
    from facilitate.report import format_for, render
    from facilitate.store import SessionNotFound, latest_session

    session_id = args.session
    if session_id == "latest":
        try:
            session_id = latest_session()
        except SessionNotFound as error:
            raise CLIError(str(error)) from None
    fmt = args.format or format_for(args.output) or ("md" if args.output is None else None)
    if fmt is None:
        raise CLIError(
            f"cannot tell the format from {args.output!r}; add --format html, md, csv or json"
        )
    report = _load(session_id, args.include_small)
    text = render(report, fmt)
    if args.output is None or args.output == "-":
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Reports hold participants' words: readable by this user only, like the sessions.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        # A byte-order mark, so that Excel reads a CSV file's accents and scripts as UTF-8.
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with open(descriptor, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise CLIError(f"cannot write {path}: {error.strerror}") from None
    print(f"wrote {path} ({fmt}, {len(report.items)} items, {report.answer_count} answers)")
    return 0


def cmd_rehearse(args: argparse.Namespace) -> int:
    from facilitate.agenda import AgendaError, load_agenda
    from facilitate.commands import NotSaved
    from facilitate.dress_rehearsal import VIA_ENGINE, VIA_HTTP, dress_rehearsal, server_available
    from facilitate.faults import StorageError
    from facilitate.i18n import translator
    from facilitate.store import Store, sessions_dir

    try:
        agenda = load_agenda(args.agenda)
    except AgendaError as error:
        raise CLIError("\n".join(str(problem) for problem in error.problems)) from None
    except OSError as error:
        raise CLIError(f"{args.agenda}: cannot read the agenda ({error.strerror})") from None
    via = VIA_ENGINE if args.in_process else VIA_HTTP
    if via == VIA_HTTP and not server_available():
        print("the server is not installed here; answering in-process instead", file=sys.stderr)
        via = VIA_ENGINE

    def progress(number: int, item: Any) -> None:
        print(f"  {number:>2}/{len(agenda.items)}  {item.title}", file=sys.stderr, flush=True)

    try:  # before anything is printed: a disk that cannot take it is one line
        store = Store.create()
    except (StorageError, OSError) as error:
        raise storage_problem(error, f"cannot save a rehearsal in {sessions_dir()}") from None
    print(
        f"rehearsing {agenda.title!r} with {args.participants} simulated participants"
        f" ({'through the server on 127.0.0.1' if via == VIA_HTTP else 'in-process'})",
        file=sys.stderr,
    )

    def show_server(server: Any) -> None:
        if args.speed > 0:
            print(f"watch it on the projector page: {server.screen_url}", file=sys.stderr)

    try:
        outcome = dress_rehearsal(
            agenda,
            args.participants,
            seed=args.seed,
            via=via,
            speed=args.speed,
            on_item=progress,
            on_server=show_server,
            store=store,
        )
    except NotSaved as failure:
        raise storage_problem(failure.error, "the rehearsal could not be saved") from None
    except (StorageError, OSError) as error:
        raise storage_problem(error, f"the rehearsal {store.id} could not be saved") from None
    approved = (
        f", {outcome.approved} free texts approved (a rehearsal approves them all)"
        if outcome.approved
        else ""
    )
    # The command's own output is in English, like the rest of the command line.
    duration = translator("en").duration
    print(
        f"{outcome.items} items, {outcome.answers} answers{approved};"
        f" {duration(outcome.actual)} of simulated time for"
        f" {duration(outcome.planned)} planned; seed {outcome.seed}"
    )
    if outcome.failed_requests:
        print(
            f"warning: {outcome.failed_requests} requests of the simulated phones failed",
            file=sys.stderr,
        )
    print(f"session {outcome.session_id} saved")
    print(f"report: facilitate report {outcome.session_id} --format html -o report.html")
    return 0
