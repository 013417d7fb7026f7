"""The baselines: a bare aiohttp "hello" POST handler and a bare aiohttp event stream.

``python -m benchmarks.bare hello|sse`` listens on 127.0.0.1 (a free port), prints
``{"port": N, "pid": N}`` on one line and serves until SIGTERM. What facilitate is
measured against does the least such a server can: read the body and say "hello";
hold an event stream open, send one event on connecting and each one published after
(``POST /go`` publishes).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import sys

from aiohttp import web


async def hello(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text="hello")


class Channel:
    def __init__(self) -> None:
        self.message = b"event: change\ndata: 0\n\n"
        self.changed = asyncio.Event()

    def publish(self, message: bytes) -> None:
        self.message = message
        changed, self.changed = self.changed, asyncio.Event()
        changed.set()


CHANNEL = web.AppKey("channel", Channel)


async def events(request: web.Request) -> web.StreamResponse:
    channel = request.app[CHANNEL]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    try:
        while True:
            changed = channel.changed
            await response.write(channel.message)
            await changed.wait()
    except (ConnectionError, RuntimeError):
        pass
    return response


async def go(request: web.Request) -> web.Response:
    number = int(await request.text() or 1)
    request.app[CHANNEL].publish(f'event: change\ndata: {{"item": "next{number}"}}\n\n'.encode())
    return web.Response(text="ok")


async def serve(kind: str) -> None:
    app = web.Application()
    if kind == "hello":
        app.router.add_post("/hello", hello)
    else:
        app[CHANNEL] = Channel()
        app.router.add_get("/events", events)
        app.router.add_post("/go", go)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print(json.dumps({"port": runner.addresses[0][1], "pid": os.getpid()}), flush=True)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(serve(sys.argv[1]))
