"""The ``facilitate`` command.

Each subcommand is a function taking the parsed arguments and returning an exit code.
Commands that need the TUI or the server import them inside the function, so
``facilitate check`` stays quick and works without a terminal or a network.
Errors are printed as one readable line each (exit code 1), never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from facilitate import __version__

Command = Callable[[argparse.Namespace], int]


class CLIError(Exception):
    """A user-facing error: printed as it is, exit code 1."""


def storage_problem(error: BaseException, what: str) -> CLIError:
    """One line for a session that cannot be written or read: what was being done, what
    is wrong in a few words, and what SQLite or the system said."""
    from facilitate.faults import FAULT_WORDS, StorageError

    found = StorageError.of(error)
    return CLIError(f"{what}: {FAULT_WORDS[found.kind]} ({found.cause})")


def _err(message: str) -> None:
    print(f"facilitate: {message}", file=sys.stderr)


# -- sessions, opened for a command ------------------------------------------------


def new_engine(agenda: Any, *, ephemeral: bool = False) -> Any:
    """A new session of ``agenda``: one line and exit 1 if it cannot be saved here."""
    from facilitate.engine import Engine
    from facilitate.faults import StorageError
    from facilitate.store import Store, sessions_dir

    try:
        store = Store.create(ephemeral=ephemeral)
    except (StorageError, OSError) as error:
        raise storage_problem(error, f"cannot start a session in {sessions_dir()}") from None
    return Engine.new(agenda, store)


def resume_engine(session_id: str | None) -> Any:
    """A stored session (the latest complete one if ``session_id`` is None or "latest"),
    ready to go on: one line and exit 1 if it is missing, in use, damaged, or cannot be
    written where it is."""
    import sqlite3

    from facilitate.agenda import AgendaError
    from facilitate.engine import DamagedSession, Engine
    from facilitate.faults import StorageError
    from facilitate.store import SessionNotFound, Store, latest_session

    try:
        if session_id in (None, "latest"):
            session_id = latest_session()
        store = Store.open(session_id)
    except SessionNotFound as error:  # SessionInUse too: it says how to stop it
        raise CLIError(f"{error}; list sessions with: facilitate sessions") from None
    except (StorageError, OSError) as error:
        raise storage_problem(error, f"cannot resume session {session_id}") from None
    try:
        return Engine.resume(store)
    except (StorageError, sqlite3.Error) as error:
        problem = storage_problem(error, f"cannot resume session {session_id}")
    except AgendaError as error:
        first = error.problems[0].message if error.problems else str(error)
        problem = CLIError(f"session {session_id} cannot be resumed: {first}")
    except DamagedSession as error:  # a log that does not fit the agenda
        problem = CLIError(f"session {session_id} cannot be resumed: {error}")
    except Exception as error:  # a record or value SQLite could read but is not whole
        problem = CLIError(
            f"session {session_id} cannot be resumed: the session file is damaged"
            f" ({type(error).__name__}: {error})"
        )
    with contextlib.suppress(Exception):  # if it cannot be saved either, the line says why
        store.close()
    raise problem


# -- agendas -------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    """Problems fail the check (exit 1); warnings (allowed but risky) are printed, to
    standard error, and do not."""
    from facilitate.agenda import AgendaError, agenda_warnings, load_agenda
    from facilitate.model import format_duration

    failed = 0
    for file in args.files:
        try:
            agenda = load_agenda(file)
        except AgendaError as error:
            failed += 1
            for problem in error.problems:
                print(problem, file=sys.stderr)
            continue
        activities = sum(1 for item in agenda.items if item.activity)
        print(
            f"{file}: ok: {agenda.title!r}, {len(agenda.items)} items ({activities} with an"
            f" activity), {format_duration(agenda.planned_seconds)} planned"
        )
        # Each item's id, for `from = "..."` and for the console's goto.
        rows = [
            (str(n), item.id, item.kind or "-", format_duration(item.duration), item.title)
            for n, item in enumerate(agenda.items, start=1)
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        header = ("#", "id", "type", "time")
        widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
        for row in [(*header, "title"), *rows]:
            number, item_id, kind, duration, title = row
            print(
                f"  {number:>{widths[0]}}  {item_id:<{widths[1]}}  {kind:<{widths[2]}}"
                f"  {duration:>{widths[3]}}  {title}"
            )
        for warning in agenda_warnings(agenda, file):
            print(f"warning: {warning}", file=sys.stderr)
    return 1 if failed else 0


def cmd_new(args: argparse.Namespace) -> int:
    from facilitate.agenda import STARTER_AGENDA

    if args.list:
        return _list_templates()
    if not args.file:
        raise CLIError(
            "new: name the agenda file to write (facilitate new FILE [--from TEMPLATE]),"
            " or list the templates with: facilitate new --list"
        )
    path = Path(args.file)
    if path.exists() and not args.force:
        raise CLIError(f"{path} already exists; choose another name or pass --force")
    if args.template:
        from facilitate.plugins import default_plugins

        templates = default_plugins().templates
        if args.template not in templates:
            known = ", ".join(sorted(templates)) or "none installed"
            raise CLIError(
                f"no agenda template {args.template!r}; known: {known}"
                " (with their titles: facilitate new --list)"
            )
        text = _template_text(templates[args.template])
    else:
        text = STARTER_AGENDA.format(name=path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}; check it with: facilitate check {path}")
    return 0


def _template_text(template: Any) -> str:
    """A template's TOML: a path, or an ``importlib.resources`` traversable."""
    if isinstance(template, str):
        template = Path(template)
    return str(template.read_text(encoding="utf-8"))


def _list_templates() -> int:
    """``facilitate new --list``: every agenda template with its title, language and length."""
    from facilitate.agenda import AgendaError, loads_agenda
    from facilitate.model import format_duration
    from facilitate.plugins import default_plugins

    plugins = default_plugins()
    owners = {name: info.name for info in plugins.describe() for name in info.templates}
    if not plugins.templates:
        print("no agenda templates installed")
        return 0
    rows = [("TEMPLATE", "LANGUAGE", "LENGTH", "PLUGIN", "TITLE")]
    for name in sorted(plugins.templates):
        template = plugins.templates[name]
        try:
            agenda = loads_agenda(_template_text(template), str(template), plugins)
        except (AgendaError, OSError, UnicodeDecodeError) as error:
            problems = getattr(error, "problems", None) or [error]
            rows.append((name, "?", "?", owners[name], f"cannot be read: {problems[0]}"))
            continue
        length = format_duration(agenda.planned_seconds) if agenda.items else "0m"
        rows.append((name, agenda.language, length, owners[name], agenda.title))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[4]]))
    print("\ncopy one with: facilitate new --from NAME FILE")
    return 0


# -- plugins -------------------------------------------------------------------


def cmd_plugins(args: argparse.Namespace) -> int:
    import json

    from facilitate.plugins import default_plugins

    plugins = default_plugins()
    infos = plugins.describe()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": i.name,
                        "version": i.version,
                        "module": i.module,
                        "activity_types": i.activity_types,
                        "templates": i.templates,
                        "error": i.error,
                    }
                    for i in infos
                ],
                indent=2,
            )
        )
        return 0
    for info in infos:
        version = f" {info.version}" if info.version else ""
        print(f"{info.name}{version}  ({info.module})")
        if info.error:
            print(f"    FAILED: {info.error}")
        for kind in info.activity_types:
            title = plugins.activity_types[kind].title
            print(f"    {kind:<22} {title}")
        for name in info.templates:
            print(f"    agenda template: {name}")
    return 0


# -- sessions ------------------------------------------------------------------


def cmd_sessions(args: argparse.Namespace) -> int:
    """Every session file, the damaged and incomplete ones too, with what is wrong."""
    from facilitate.session_index import PROBLEM_WORDS, list_sessions
    from facilitate.store import sessions_dir

    folder = sessions_dir()
    try:
        sessions = list_sessions()
    except OSError as error:
        raise storage_problem(error, f"cannot list the sessions in {folder}") from None
    if not sessions:
        print(f"no sessions in {folder}")
        return 0
    for s in sessions:
        running = "  (running)" if s.running else ""
        if s.problem:
            detail = f" ({s.detail})" if s.detail else ""
            print(
                f"{s.id}  {PROBLEM_WORDS[s.problem]}{detail}{running};"
                f" erase it with: facilitate wipe {s.id}"
            )
            continue
        print(
            f"{s.id}  {s.created}  item {s.current + 1}/{s.items}  {s.answers} answers"
            f"  {s.title}{running}"
        )
    return 0


def cmd_wipe(args: argparse.Namespace) -> int:
    """A running session is refused, untouched: the process that has it open must stop
    it (or wipe it with its panic key), so nothing keeps writing into a wiped session."""
    from facilitate.store import SessionNotFound, wipe_session

    for session_id in args.ids:
        try:
            path = wipe_session(session_id)
        except SessionNotFound as error:  # SessionInUse too: it says how to stop it
            raise CLIError(str(error)) from None
        except OSError as error:
            raise storage_problem(error, f"cannot wipe {session_id}") from None
        print(f"wiped {session_id} ({path} and its -wal/-shm files are gone)")
    return 0


# -- the parser ----------------------------------------------------------------


EVERYTHING = "*"
"""``build_parser(EVERYTHING)``: every command's own parser, all modules imported."""


def build_parser(command: str | None = EVERYTHING) -> argparse.ArgumentParser:
    """The ``facilitate`` parser.

    The commands that live in their own modules (:data:`EXTRA_COMMANDS`) are imported
    only for the one being run: ``command`` names it (as :func:`chosen_command` finds it
    in the arguments), ``None`` imports none of them (``facilitate --help`` lists them
    from the table), and the default imports them all.
    """
    parser = argparse.ArgumentParser(
        prog="facilitate",
        description="Run timed, anonymous workshops from a terminal.",
    )
    parser.add_argument("--version", action="version", version=f"facilitate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="check agenda files and report every problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "new", help="write a commented starter agenda, or a copy of a ready one (--from)"
    )
    p.add_argument("file", metavar="FILE", nargs="?")
    p.add_argument(
        "--from",
        dest="template",
        metavar="NAME",
        help="copy an agenda template (the workshops facilitate ships, or a plugin's)",
    )
    p.add_argument(
        "--list",
        action="store_true",
        help="list the agenda templates with their title, language and length",
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("plugins", help="list plugins and the activity types they provide")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plugins)

    p = sub.add_parser("sessions", help="list stored sessions")
    p.set_defaults(func=cmd_sessions)

    p = sub.add_parser("wipe", help="erase stored sessions for good")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=cmd_wipe)

    for module_name, commands in EXTRA_COMMANDS:
        names = [name for name, _ in commands]
        if command == EVERYTHING or command in names:
            register = _add_commands_of(module_name)
            if register is not None:
                register(sub)
            continue
        for name, summary in commands:  # listed for --help; its module is not imported
            sub.add_parser(name, help=summary, add_help=False)
    return parser


def _add_commands_of(
    module_name: str,
) -> Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] | None:
    """The ``add_commands`` function of a command module, or None if it is not built."""
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and (module_name + ".").startswith(error.name + "."):
            return None  # that part of facilitate is not built yet
        raise
    register: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]
    register = module.add_commands
    return register


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (its first argument that is not an option), if any.

    The top-level parser has no option taking a value, so this is the word argparse
    will dispatch on.
    """
    for position, argument in enumerate(argv):
        if argument == "--":
            return argv[position + 1] if position + 1 < len(argv) else None
        if not argument.startswith("-") or argument == "-":
            return argument
    return None


EXTRA_COMMANDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "facilitate.server.cli",
        (
            (
                "serve",
                "run the participant server and browser projector without the terminal UI",
            ),
        ),
    ),
    (
        "facilitate.tui.cli",
        (
            ("run", "run a workshop: console, projector and participant server"),
            ("resume", "continue a session where it stopped"),
            ("demo", "try facilitate on a sample agenda, nothing saved"),
        ),
    ),
    (
        "facilitate.report.cli",
        (
            ("report", "write a session's report (HTML, Markdown, CSV or JSON)"),
            ("rehearse", "run an agenda with simulated participants and save the session"),
        ),
    ),
    (
        "facilitate.devkit",
        (("new-plugin", "scaffold a plugin package with a working session type and its tests"),),
    ),
    (
        "facilitate.types_command",
        (("types", "list the installed activity types and their settings"),),
    ),
)
"""Commands that live in their own modules (server, TUI, reports, plugin kit), in the
order ``--help`` lists them, each with its one-line help. The module registers the
command itself (its ``add_commands``) when it is the one run; this table only lets
``--help`` and a mistyped command list it without importing the module (a test checks
that the two agree)."""

COMMAND_MODULES = tuple(module_name for module_name, _ in EXTRA_COMMANDS)


@contextlib.contextmanager
def start_up(process: bool) -> Iterator[None]:
    """The collector off while the command's modules import and its parser is built.

    Start-up makes a few hundred thousand objects that live as long as the process (the
    modules, their classes and functions); the collector walking them over and over while
    they are made cost the console about 7 ms of its first frame. In a process that *is*
    the command (``process``: :func:`main` given no ``argv``), collection is off while it
    starts, and what start-up made is frozen (:func:`gc.freeze`) before collection is
    back on, so no later collection walks it either. A caller of ``main(argv)`` (a test)
    keeps its collector as it is.
    """
    with collection_paused(freeze=True) if process else contextlib.nullcontext():
        yield


@contextlib.contextmanager
def collection_paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside; back on after, having frozen (``freeze``)
    what was made meanwhile. A collector someone else turned off is left off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    with start_up(argv is None):
        parser = build_parser(chosen_command(arguments))
        args = parser.parse_args(arguments)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CLIError as error:
        _err(str(error))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
