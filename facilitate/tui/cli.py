"""``facilitate run``, ``resume`` and ``demo``: the engine, server and TUI in one asyncio loop."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitate.cli import CLIError, collection_paused, storage_problem
from facilitate.faults import StorageError
from facilitate.i18n import LANGUAGES, N_, primary_language

if TYPE_CHECKING:
    import ssl

    from facilitate.tui.app import FacilitateApp

DEMO_AGENDA = Path(__file__).resolve().parent.parent / "agendas" / "demo.toml"
MAX_SIMULATED = 5000
DEMO_HOST = "127.0.0.1"
"""The demo serves this computer only, so trying it exposes nothing to the network."""
DEMO_NOTE = N_("demo: on this computer only")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="run a workshop: console, projector and participant server")
    p.add_argument("agenda", metavar="AGENDA", help="the agenda file (.toml)")
    _server_options(p)
    p.add_argument(
        "--ephemeral", action="store_true", help="keep the session in memory only (nothing saved)"
    )
    p.add_argument(
        "--simulate",
        type=int,
        default=0,
        metavar="N",
        help="rehearse with N simulated phones answering through the real server"
        " (needs --ephemeral, so no simulated answer is ever kept)",
    )
    p.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("resume", help="continue a session where it stopped")
    p.add_argument("id", nargs="?", metavar="ID", help="the session (default: the latest)")
    _server_options(p)
    p.set_defaults(func=cmd_resume)

    p = sub.add_parser("demo", help="try facilitate on a sample agenda, nothing saved")
    p.add_argument(
        "--simulate",
        type=int,
        default=0,
        metavar="N",
        help="N simulated phones answer through the real server (on this computer only)",
    )
    p.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    _server_options(p, default_host=DEMO_HOST, default_port=0)
    p.set_defaults(func=cmd_demo)


def _server_options(
    p: argparse.ArgumentParser, default_host: str | None = None, default_port: int | None = None
) -> None:
    from facilitate.server.tls import add_tls_options  # small, and only when parsing

    p.add_argument(
        "--lang",
        metavar="LANG",
        type=console_language,
        default=None,
        help="the console's language: " + ", ".join(LANGUAGES) + " (default: the system's;"
        " the projector and phones follow the agenda's)",
    )
    p.add_argument(
        "--host",
        default=default_host,
        help="address to serve participants on (default: this laptop's address on the network"
        + (f"; the demo uses {default_host})" if default_host else ")"),
    )
    p.add_argument(
        "--port",
        type=int,
        default=default_port,
        help="port (default: "
        + (
            "8000"
            if default_port is None
            else "a free one"
            if default_port == 0
            else str(default_port)
        )
        + ")",
    )
    add_tls_options(p)


def console_language(tag: str) -> str:
    """``--lang``: one of the languages facilitate speaks ("es", "es-MX", "es_ES.UTF-8")."""
    language = primary_language(tag)
    if language not in LANGUAGES:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(LANGUAGES)}, got {tag!r}")
    return language


def _load(path: str) -> Any:
    from facilitate.agenda import AgendaError, load_agenda

    try:
        return load_agenda(path)
    except AgendaError as error:
        raise CLIError("\n".join(str(problem) for problem in error.problems)) from None
    except OSError as error:
        raise CLIError(f"{path}: cannot read the agenda ({error.strerror})") from None


def _check_simulate(count: int) -> None:
    if not 0 <= count <= MAX_SIMULATED:
        raise CLIError(f"--simulate expects 0 to {MAX_SIMULATED} participants")


def _tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    """``--tls-cert``/``--tls-key``, loaded before a session is opened or the terminal
    taken over, so a wrong file is one line and leaves nothing behind."""
    from facilitate.server.tls import TLSError, context_from_args

    try:
        return context_from_args(args)
    except TLSError as error:
        raise CLIError(str(error)) from None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection until the console's first frame is drawn.

    Starting the console makes hundreds of thousands of objects that live as long as it
    (modules, classes, styles, the agenda); the collector would walk them again and
    again on the way to the first frame. Once that frame is drawn and the participant
    server started, the app collects once, freezes what is left (it is no longer
    walked, so the collector's pauses stay short while the room answers) and turns
    collection back on (:meth:`FacilitateApp.settle_memory`); and whatever happens,
    collection is back on when the command returns.
    """
    with collection_paused():
        yield


def cmd_run(args: argparse.Namespace) -> int:
    with collector_paused():
        return _cmd_run(args)


def _cmd_run(args: argparse.Namespace) -> int:
    from facilitate.cli import new_engine

    _check_simulate(args.simulate)
    if args.simulate and not args.ephemeral:
        raise CLIError(
            "--simulate needs --ephemeral: simulated answers must never mix with a kept"
            " session's real ones"
        )
    agenda = _load(args.agenda)
    tls = _tls(args)
    engine = new_engine(agenda, ephemeral=args.ephemeral)
    return _run(engine, args, simulate=args.simulate, seed=args.seed, tls=tls)


def cmd_resume(args: argparse.Namespace) -> int:
    """Continue a session (after a crash, say: see :func:`restore_terminal`)."""
    with collector_paused():
        return _cmd_resume(args)


def _cmd_resume(args: argparse.Namespace) -> int:
    from facilitate.cli import resume_engine

    tls = _tls(args)
    engine = resume_engine(args.id)
    return _run(engine, args, tls=tls)


def cmd_demo(args: argparse.Namespace) -> int:
    with collector_paused():
        return _cmd_demo(args)


def _cmd_demo(args: argparse.Namespace) -> int:
    from facilitate.engine import Engine
    from facilitate.store import Store

    _check_simulate(args.simulate)
    if not DEMO_AGENDA.exists():
        raise CLIError(f"the demo agenda is missing: {DEMO_AGENDA}")
    tls = _tls(args)
    engine = Engine.new(_load(str(DEMO_AGENDA)), Store.create(ephemeral=True))
    note = DEMO_NOTE if args.host == DEMO_HOST else ""
    return _run(engine, args, simulate=args.simulate, seed=args.seed, note=note, tls=tls)


RESUMED_OPTIONS = (("host", "--host"), ("port", "--port"), ("lang", "--lang"))
RESUMED_PATHS = (("tls_cert", "--tls-cert"), ("tls_key", "--tls-key"))


def resume_options(args: argparse.Namespace) -> list[str]:
    """The options of ``run``/``resume`` that ``resume`` takes too, as they were given,
    so the command we suggest serves the session where it was served (files made
    absolute: the facilitator may resume from another folder)."""
    options: list[str] = []
    for name, flag in RESUMED_OPTIONS:
        value = getattr(args, name, None)
        if value is not None:
            options += [flag, str(value)]
    for name, flag in RESUMED_PATHS:
        value = getattr(args, name, None)
        if value:
            options += [flag, str(Path(value).expanduser().resolve())]
    return options


def step_web_page(server: Any, engine: Any, step: int) -> None:
    """Step the web projector's page too, when a participant server runs here.

    The web projector lays its pages out for its own screen, so it steps through its own
    count (``room_pages``); the server's state keeps the page (``show_page``).
    """
    from facilitate.room import room_view
    from facilitate.server.projector import room_pages
    from facilitate.server.state import STATE

    runner = getattr(server, "runner", None)
    if runner is None:
        return
    state = runner.app[STATE]
    pages = len(room_pages(room_view(engine)))
    if pages < 2:
        return
    item_id = engine.current.id
    state.show_page(item_id, min(max(0, state.page_of(item_id) + step), pages - 1))


def served_app(
    engine: Any,
    *,
    host: str | None,
    port: int | None,
    language: str | None = None,
    simulate: int = 0,
    seed: int | None = None,
    note: str = "",
    tls: ssl.SSLContext | None = None,
    resume_with: list[str] | None = None,
) -> FacilitateApp:
    """The app with the participant server (and simulated phones), as the commands run it.

    aiohttp is imported only once the app has drawn its first frame (in a thread, so
    the console keeps answering meanwhile); whether it is installed is checked here, so
    a missing server still fails before the terminal is taken over.
    """
    from facilitate.tui.app import FacilitateApp

    if importlib.util.find_spec("aiohttp") is None:
        raise ImportError("aiohttp is not installed")

    async def start(engine: Any) -> Any:
        running = await asyncio.to_thread(importlib.import_module, "facilitate.server.running")
        return await running.start_server(engine, host=host, port=port, tls=tls)

    simulation = None
    if simulate:

        async def simulation(engine: Any, server: Any, stop: asyncio.Event) -> Any:
            from facilitate.server.simulated_phones import simulate_participants

            return await simulate_participants(
                engine, server.local_url, simulate, seed=seed or 0, stop=stop
            )

    return FacilitateApp(
        engine,
        language=language,
        start_server=start,
        simulate=simulation,
        simulated=simulate,
        note=note,
        resume_options=resume_with or [],
        page_stepper=step_web_page,
    )


TEXTUAL_MODES_OFF = (
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reporting
    "\x1b[?2004l"  # bracketed paste
    "\x1b[?1049l"  # the alternate screen
    "\x1b[?25h"  # the cursor shown
)
"""What a console turns on and a killed one leaves on, switched off."""


def restore_terminal(stdin: Any = None, stdout: Any = None) -> bool:
    """Set a terminal left raw back to normal: returns whether it had to.

    A console killed with ``kill -9`` (or a laptop that froze) cannot restore the
    terminal it took over: the shell then shows no typed text and ignores Enter. The
    next console would save that raw state and "restore" it when it quits; so before
    it starts, a terminal without echo or line editing gets them back (what ``stty sane``
    does), and the mouse reporting and alternate screen are switched off.
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    try:
        import termios

        fd = stdin.fileno()
        if not os.isatty(fd):
            return False
        attributes = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError, AttributeError):
        return False
    except Exception:  # termios.error
        return False
    lflag = attributes[3]
    if lflag & termios.ECHO and lflag & termios.ICANON:
        return False
    attributes[0] |= termios.BRKINT | termios.ICRNL | termios.IXON
    attributes[1] |= termios.OPOST | termios.ONLCR
    attributes[3] |= termios.ECHO | termios.ECHOE | termios.ECHOK | termios.ICANON
    attributes[3] |= termios.ISIG | termios.IEXTEN
    try:
        termios.tcsetattr(fd, termios.TCSANOW, attributes)
        if stdout.isatty():
            stdout.write(TEXTUAL_MODES_OFF)
            stdout.flush()
    except Exception:  # termios.error, a closed stream: the guide says `reset`
        return False
    return True


def _run(
    engine: Any,
    args: argparse.Namespace,
    *,
    simulate: int = 0,
    seed: int | None = None,
    note: str = "",
    tls: ssl.SSLContext | None = None,
) -> int:
    try:
        app = served_app(
            engine,
            host=args.host,
            port=args.port,
            language=args.lang,
            simulate=simulate,
            seed=seed,
            note=note,
            tls=tls,
            resume_with=resume_options(args),
        )
    except ImportError as error:
        engine.close()
        raise CLIError(f"the participant server is not available: {error}") from None
    restore_terminal()
    try:
        app.run()
    finally:
        try:
            engine.close()
        except StorageError as error:
            raise storage_problem(
                error, f"the end of session {engine.store.id} could not be saved"
            ) from None
    if app.startup_error:
        raise CLIError(f"{app.startup_error}; choose another port with --port")
    if app.wiped:  # the panic key: leave quietly, naming nothing
        return 0
    if engine.store.ephemeral:
        print("facilitate: session ended (it was kept in memory only).")
    else:
        print(f"facilitate: session kept. Continue it with: {app.resume_command}")
    return 0
