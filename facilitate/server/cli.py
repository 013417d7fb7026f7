"""``facilitate serve``: the engine and the participant server without the terminal UI.

For a facilitator who prefers the browser projector and control pages, for scripts and
for benchmarks. Prints the join URL and the facilitator's URLs (one JSON object with
``--json``), then serves until Ctrl-C or SIGTERM, and closes the session cleanly.
"""

from __future__ import annotations

import argparse
import os
import ssl
import sys

from facilitate.cli import CLIError
from facilitate.i18n import LANGUAGES
from facilitate.server.tls import TLSError, add_tls_options, context_from_args


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve", help="run the participant server and browser projector without the terminal UI"
    )
    p.add_argument("agenda", metavar="AGENDA", help="the agenda file (.toml)")
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


async def _serve(
    agenda: object, args: argparse.Namespace, wifi: str | None, tls: ssl.SSLContext | None
) -> int:
    import asyncio
    import json
    import signal

    from facilitate.engine import Engine
    from facilitate.qr import qr_text
    from facilitate.server import start_server
    from facilitate.store import Store, wipe_session

    store = Store.create(ephemeral=args.ephemeral)
    engine = Engine.new(agenda, store)  # type: ignore[arg-type]
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
            if not store.ephemeral:
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
            await stopping.wait()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
            await server.stop()
    finally:
        engine.close()
    if not args.json:
        print("Stopped; the session is saved." if not store.ephemeral else "Stopped.")
    return 0
