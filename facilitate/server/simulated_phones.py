"""Simulated phones over real HTTP: for demos, rehearsals and benchmarks.

Each simulated participant is its own HTTP client with its own cookie jar. It joins
through the join URL, reads the page, and answers the open item through the same form
endpoint (with the form token) a phone uses, so a demo exercises the whole server.
Only the engine's form is read directly, to build a valid random answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from urllib.parse import urlsplit

import aiohttp
from attrs import define

from facilitate.engine import Engine, PluginError
from facilitate.random_answers import as_pairs, form_answer
from facilitate.reprs import attrs_repr

_FORM_TOKEN = re.compile(r'name="_ft" value="([^"]+)"')
_ANSWER_ACTION = re.compile(r'<form method="post" action="/a/([^"]+)"')
_RECEIVED = 'class="ok"'
CHANGE_PROBABILITY = 0.15
"""How often a participant who has answered changes their mind, each time they look."""


@define
class SimulationStats:
    __repr__ = attrs_repr

    joined: int = 0
    answers: int = 0
    changes: int = 0
    refused: int = 0
    """Answers the server refused (the item closed in between, say): expected now and then."""
    errors: int = 0
    """Requests that failed outright (connection refused, server error)."""
    pages: int = 0


def _check_loopback(local_url: str) -> None:
    host = urlsplit(local_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"simulated phones only talk to this computer (127.0.0.1), not {host!r}")


async def _participant(
    engine: Engine,
    local_url: str,
    rng: random.Random,
    language: str,
    stop: asyncio.Event,
    think_time: tuple[float, float],
    stats: SimulationStats,
) -> None:
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for an IP address host
    timeout = aiohttp.ClientTimeout(total=30)
    headers = {"Accept-Language": language}
    # Over TLS, the certificate names the laptop's network address, not 127.0.0.1; these
    # phones talk to this very process over loopback, so there is nothing to verify.
    connector = aiohttp.TCPConnector(ssl=False) if local_url.startswith("https:") else None
    async with aiohttp.ClientSession(
        base_url=local_url, cookie_jar=jar, timeout=timeout, headers=headers, connector=connector
    ) as session:
        joined = False
        while not stop.is_set():
            try:
                if not joined:
                    # As a phone that scans the QR code: the join link.
                    key = engine.access.link_key
                    async with session.get(f"/j/{key}", allow_redirects=False) as response:
                        if response.status == 303:
                            joined = True
                            stats.joined += 1
                else:
                    await _look_and_answer(engine, session, rng, language, stats)
            except (TimeoutError, aiohttp.ClientError):
                stats.errors += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), rng.uniform(*think_time))


async def _look_and_answer(
    engine: Engine,
    session: aiohttp.ClientSession,
    rng: random.Random,
    language: str,
    stats: SimulationStats,
) -> None:
    async with session.get("/") as response:
        page = await response.text()
    stats.pages += 1
    action = _ANSWER_ACTION.search(page)
    token = _FORM_TOKEN.search(page)
    if action is None or token is None:
        return
    item_id = action.group(1)
    answered = _RECEIVED in page
    if answered and rng.random() >= CHANGE_PROBABILITY:
        return
    try:
        form = engine.form(item_id)
    except (KeyError, PluginError):
        return
    body = [("_ft", token.group(1)), *as_pairs(form_answer(form, rng, language))]
    async with session.post(f"/a/{item_id}", data=body, allow_redirects=False) as response:
        if response.status == 303:
            if answered:
                stats.changes += 1
            else:
                stats.answers += 1
        elif response.status >= 500:
            stats.errors += 1
        else:
            stats.refused += 1


async def simulate_participants(
    engine: Engine,
    local_url: str,
    count: int,
    *,
    seed: int = 0,
    stop: asyncio.Event,
    think_time: tuple[float, float] = (0.5, 3.0),
    languages: tuple[str, ...] | None = None,
) -> SimulationStats:
    """Run ``count`` simulated phones against the server at ``local_url`` until ``stop``.

    Returns what they did. Each phone waits ``think_time`` seconds (a random span) between
    looks at its page, so a room of them behaves like people, not like a load test.
    """
    _check_loopback(local_url)
    if count < 0 or count > 5000:
        raise ValueError(f"count must be from 0 to 5000, got {count}")
    languages = languages or (engine.agenda.language,)
    stats = SimulationStats()
    master = random.Random(seed)
    tasks = [
        asyncio.create_task(
            _participant(
                engine,
                local_url,
                random.Random(master.random()),
                master.choice(languages),
                stop,
                think_time,
                stats,
            )
        )
        for _ in range(count)
    ]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    return stats
