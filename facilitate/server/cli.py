"""``facilitate serve``: the engine and the participant server without the terminal UI.

For a facilitator who prefers the browser projector and control pages, for scripts and
for benchmarks. Prints the join URL and the facilitator's URLs (one JSON object with
``--json``), then serves until Ctrl-C or SIGTERM, and closes the session cleanly.
``--resume`` continues a stored session instead (after a crash, say). What cannot be
done (a full disk, a read-only folder, a damaged session) is one line and exit 1; a
fault while serving is one line on standard error when it begins and one when it ends.
"""

from __future__ import annotations

import argparse
import os
import ssl
import sys

from facilitate.cli import CLIError, new_engine, resume_engine, storage_problem
from facilitate.i18n import LANGUAGES
from facilitate.server.tls import TLSError, add_tls_options, context_from_args


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve", help="run the participant server and browser projector without the terminal UI"
    )
    p.add_argument(
        "agenda", metavar="AGENDA", nargs="?", help="the agenda file (.toml); not with --resume"
    )
    p.add_argument(
        "--resume",
        metavar="ID",
        nargs="?",
        const="latest",
        default=None,
        help="continue a stored session (its id; the latest without one) instead of starting one",
    )
    p.add_argument(
        "--host",
        default=None,
        help="address to listen on (default: this laptop's local-network address and 127.0.0.1)",
    )
    p.add_argument("--port", type=int, default=None, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--json", action="store_true", help="print the URLs as one JSON object")
    p.add_argument(
        "--ephemeral", action="store_true", help="keep the session in memory only (nothing saved)"
    )
    p.add_argument(
        "--lang",
        choices=sorted(LANGUAGES),
        default=None,
        help="the control page's language (default: the system's, or FACILITATE_LANG);"
        " the projector speaks the agenda's, phones their own",
    )
    p.add_argument(
        "--wifi",
        metavar="SSID",
        help="also show a QR code for this Wi-Fi network; the password is read from"
        " FACILITATE_WIFI_PASSWORD (or asked for), never from the command line",
    )
    add_tls_options(p)
    p.set_defaults(func=cmd_serve)


def _wifi_payload(ssid: str | None) -> str | None:
    if not ssid:
        return None
    from facilitate.qr import wifi_qr_payload

    password = os.environ.get("FACILITATE_WIFI_PASSWORD")
    if password is None and sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"Password for Wi-Fi {ssid!r} (empty for an open network): ")
    try:
        return wifi_qr_payload(ssid, password or "", "WPA" if password else "nopass")
    except ValueError as error:
        raise CLIError(f"--wifi: {error}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    import asyncio

    from facilitate.agenda import AgendaError, load_agenda

    if args.port is not None and not 0 <= args.port <= 65535:
        raise CLIError(f"--port: expected a number from 0 to 65535, got {args.port}")
    if (args.agenda is None) == (args.resume is None):
        raise CLIError(
            "serve: name the agenda file (facilitate serve AGENDA), or continue a session"
            " with --resume [ID], not both"
        )
    if args.resume is not None and args.ephemeral:
        raise CLIError("--ephemeral starts a session kept in memory; it cannot --resume one")
    agenda = None
    if args.agenda is not None:
        try:
            agenda = load_agenda(args.agenda)
        except AgendaError as error:
            raise CLIError("\n".join(str(p) for p in error.problems)) from None
        except OSError as error:
            raise CLIError(f"{args.agenda}: cannot read the agenda ({error.strerror})") from None
    try:
        tls = context_from_args(args)
    except TLSError as error:
        raise CLIError(str(error)) from None
    wifi = _wifi_payload(args.wifi)
    return asyncio.run(_serve(agenda, args, wifi, tls))


def _warn(server: object) -> None:
    """What the facilitator should know about connections (a low open-file limit)."""
    from facilitate.i18n import translator

    t = translator("en")  # the command line speaks English
    for warning in getattr(server, "warnings", ()):
        print(f"facilitate: warning: {warning.text(t)}", file=sys.stderr, flush=True)


async def _serve(
    agenda: object, args: argparse.Namespace, wifi: str | None, tls: ssl.SSLContext | None
) -> int:
    import asyncio
    import json
    import signal

    from facilitate.faults import StorageError
    from facilitate.qr import qr_text
    from facilitate.server import start_server
    from facilitate.store import wipe_session

    if agenda is None:
        engine = resume_engine(args.resume)
    else:
        engine = new_engine(agenda, ephemeral=args.ephemeral)
    store = engine.store
    try:
        try:
            server = await start_server(
                engine,
                host=args.host,
                port=args.port,
                wifi_payload=wifi,
                facilitator_language=args.lang,
                tls=tls,
            )
        except OSError as error:
            engine.close()
            if not store.ephemeral and agenda is not None:
                wipe_session(store.id)  # nothing happened in it; leave no empty session behind
            raise CLIError(
                f"cannot listen on {args.host or 'the local network'}: {error.strerror}"
            ) from None
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        try:
            if args.json:
                info = server.describe() | {"session": None if store.ephemeral else store.id}
                print(json.dumps(info), flush=True)
            else:
                print(qr_text(server.join_url))
                print(f"Join:       {server.join_url}   (code {engine.join_code})")
                print(f"Projector:  {server.screen_url}")
                print(f"Control:    {server.control_url}")
                if server.note:
                    print(server.note)
                if not store.ephemeral:
                    print(f"Session:    {store.id}")
                print("Press Ctrl-C to stop.", flush=True)
            _warn(server)
            await stopping.wait()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
            await server.stop()
    finally:
        try:
            engine.close()
        except StorageError as error:
            raise storage_problem(
                error, f"stopped, but the end of session {store.id} could not be saved"
            ) from None
    if not args.json:
        print("Stopped; the session is saved." if not store.ephemeral else "Stopped.")
    return 0
