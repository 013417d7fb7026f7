"""``kill -9`` under load, round after round, with every acknowledgement accounted for.

Round 1 starts ``facilitate serve`` on the torture agenda; every later round is
``facilitate serve --resume`` of the same session, with the phones' old cookies. In each
round phones answer the open item as fast as they are answered, while the facilitator
moves on and opens items through the control API, and at a random moment the server is
killed. The session file is then read as ``resume`` reads it, and checked:

- every acknowledged answer is there, with its acknowledged value (or a value sent
  after it, whose acknowledgement the kill cut off);
- the item and its answering phase are what the control API last confirmed (or what
  an action in flight when the kill came asked for);
- the next round's ``--resume`` starts, and the old cookies still answer.

Anything else is a violation.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sqlite3
from pathlib import Path
from typing import Any

from attrs import define, field

from facilitate.anonymity import pseudonym
from torture.actions import saved_state
from torture.child import ANSWERED_ITEMS, Child, start_serve, write_agenda
from torture.http import Closed, Phone, control

ITEM_INDEX = {item: number for number, item in enumerate(ANSWERED_ITEMS, start=1)}


@define
class Expected:
    """What one phone's answer to one item may be on disk."""

    acked: Any = None
    """The value of the last acknowledged answer (None: none acknowledged yet)."""
    after: list[Any] = field(factory=list)
    """Values sent after it that had no answer yet when the server died."""


@define
class KillRounds:
    rounds: int = 0
    acks: int = 0
    actions: int = 0
    violations: list[str] = field(factory=list)
    server_errors: int = 0
    """5xx answers the phones or the control API got (none is expected)."""


def _value(item: str, rng: random.Random, phone: int, count: int) -> tuple[dict[str, str], Any]:
    """A random answer to ``item``: the form fields to send, the value as stored."""
    if item == "pick":
        choice = rng.randrange(8)
        return {"choice": str(choice)}, {"choice": choice}
    if item == "scale":
        value = rng.randint(1, 9)
        return {"value": str(value)}, {"value": value}
    text = f"phone {phone} says {count}"
    return {"text": text}, {"text": text}


class Room:
    """The phones and the facilitator of one torture session, across its rounds."""

    def __init__(self, phones: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = phones
        self.phones: list[Phone] = []
        self.expected: dict[tuple[int, str], Expected] = {}
        self.confirmed: tuple[int, str | None] = (0, None)
        """(current item index, the item confirmed open there) as the API last said."""
        self.in_flight: tuple[int, str | None] | None = None
        self.open_item: str | None = None
        self.outcome = KillRounds()

    async def phone_loop(self, number: int, stop: asyncio.Event) -> None:
        phone = self.phones[number]
        sent = 0
        while not stop.is_set():
            item = self.open_item
            if item is None:
                await asyncio.sleep(0.02)
                continue
            sent += 1
            fields, stored = _value(item, self.rng, number, sent)
            expected = self.expected.setdefault((number, item), Expected())
            expected.after.append(stored)
            try:
                status = await phone.answer(item, fields)
            except (Closed, OSError):
                await asyncio.sleep(0.02)
                continue
            if status == 303:
                expected.acked, expected.after = stored, []
                self.outcome.acks += 1
            elif status >= 500:
                self.outcome.server_errors += 1
            elif status == 403:  # an old form token after a resume: look at the page
                with contextlib.suppress(Closed, OSError):
                    await phone.refresh()

    async def facilitate(self, child: Child, stop: asyncio.Event) -> None:
        """Move on and open items, as a facilitator does, each confirmed by the API."""
        while not stop.is_set():
            item = self.rng.choice(ANSWERED_ITEMS)
            index = ITEM_INDEX[item]
            for action, fields, wanted in (
                ("goto", {"index": index}, (index, None)),
                ("open", {}, (index, item)),
            ):
                self.in_flight = wanted
                if action == "goto":
                    self.open_item = None
                try:
                    status, body = await control(child.port, child.control_path, action, **fields)
                except (Closed, OSError):
                    return
                if status >= 500:
                    self.outcome.server_errors += 1
                if status == 200 and json.loads(body).get("ok"):
                    self.confirmed, self.in_flight = wanted, None
                    self.outcome.actions += 1
                if action == "open" and self.confirmed == wanted:
                    self.open_item = item
            await asyncio.sleep(self.rng.uniform(0.05, 0.4))

    async def round(self, child: Child, seconds: float) -> None:
        if not self.phones:
            for _ in range(self.count):
                phone = Phone(child.port)
                await phone.join(child.join_path)
                self.phones.append(phone)
        else:  # the same phones, with their cookies, on the resumed server
            for phone in self.phones:
                phone.connection.close()
                phone.connection.port = child.port
        await asyncio.gather(*(phone.refresh() for phone in self.phones))
        stop = asyncio.Event()
        tasks = [asyncio.create_task(self.phone_loop(n, stop)) for n in range(self.count)]
        tasks.append(asyncio.create_task(self.facilitate(child, stop)))
        await asyncio.sleep(seconds)
        child.kill()  # in the middle of everything
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.open_item = None

    def check(self, path: Path, round_number: int) -> None:
        """The session file against every acknowledgement and confirmation."""
        violations = self.outcome.violations
        db = sqlite3.connect(path)
        try:
            meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
            stored: dict[tuple[str, str], Any] = {
                (item, who): json.loads(value)
                for item, who, value in db.execute("SELECT item_id, pseudonym, value FROM answers")
            }
        finally:
            db.close()
        secret = meta["secret"]
        for (number, item), expected in self.expected.items():
            if expected.acked is None:
                continue
            key = (item, pseudonym(secret, self.phones[number].token, item))
            found = stored.get(key)
            if found != expected.acked and found not in expected.after:
                violations.append(
                    f"round {round_number}: phone {number}'s acknowledged answer to {item}"
                    f" is {found!r} on disk, not {expected.acked!r}"
                )
        index, phases = saved_state(path)
        allowed = [self.confirmed] + ([self.in_flight] if self.in_flight else [])
        if not any(_matches(index, phases, state) for state in allowed):
            violations.append(
                f"round {round_number}: resumed at item {index} ({phases}), the control API"
                f" confirmed {self.confirmed}"
            )
        self.in_flight = None


def _matches(index: int, phases: dict[str, str], state: tuple[int, str | None]) -> bool:
    wanted_index, open_item = state
    if index != wanted_index:
        return False
    return open_item is None or phases.get(open_item) == "open"


def run(
    home: Path,
    rounds: int,
    *,
    phones: int = 40,
    seed: int = 1,
    pythonpath: str | None = None,
    fsync_ms: int = 0,
) -> KillRounds:
    """``rounds`` kill rounds on one session in ``home``; ``fsync_ms`` slows the child's
    disk flushes (see ``slowsync.c``), which widens every window a kill can hit."""
    return asyncio.run(_rounds(home, rounds, phones, seed, pythonpath, fsync_ms))


async def _rounds(
    home: Path, rounds: int, phones: int, seed: int, pythonpath: str | None, fsync_ms: int
) -> KillRounds:
    agenda = write_agenda(home)
    room = Room(phones, seed)
    rng = random.Random(seed)
    session: str | None = None
    for number in range(1, rounds + 1):
        room.outcome.rounds += 1
        try:
            child = start_serve(
                home,
                agenda if session is None else None,
                resume=session,
                pythonpath=pythonpath,
                stderr_path=home / f"round-{number}.err",
                fsync_ms=fsync_ms,
            )
        except RuntimeError as error:
            room.outcome.violations.append(f"round {number}: resume failed: {error}")
            break
        session = session or child.session
        try:
            await room.round(child, rng.uniform(0.5, 2.0))
        finally:
            child.kill()
            for phone in room.phones:
                phone.close()
        assert session is not None
        room.check(home / "sessions" / f"{session}.sqlite", number)
    return room.outcome
