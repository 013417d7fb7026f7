"""Facilitator actions confirmed, then ``kill -9`` a few milliseconds later: on resume the
session must be where the control API said it was.

Each round is a fresh ``facilitate serve``: the harness moves to an item with an
activity (and waits until that is surely saved), then asks the control API for the
action under test (``open`` answering, or ``goto`` the next item); as soon as the
answer says ``ok``, the server is killed. The session file is then read as ``resume``
replays it.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from attrs import define, field

from torture.child import Child, start_serve, write_agenda
from torture.http import Closed, Connection, control

KILL_AFTER = 0.003
"""Seconds between the confirmation and the kill: "a few milliseconds"."""
JOINING = 8
"""Phones joining all the while (each join is a write): the room is never still."""
FSYNC_MS = 5
"""A laptop's flush to disk takes milliseconds (this machine's may take microseconds):
the child's fsync is slowed to this when a C compiler can build the shim."""


@define
class ActionRounds:
    action: str
    rounds: int = 0
    confirmed: int = 0
    lost: int = 0
    errors: list[str] = field(factory=list)


def saved_state(path: Path) -> tuple[int, dict[str, str]]:
    """The current item's index and each item's phase, as ``resume`` replays the log."""
    db = sqlite3.connect(path)
    try:
        index, phases = 0, {}
        for kind, data in db.execute("SELECT kind, data FROM log ORDER BY seq"):
            record = json.loads(data)
            if kind == "item":
                index = record["index"]
            elif kind == "phase":
                phases[record["item_id"]] = record["phase"]
        return index, phases
    finally:
        db.close()


async def _keep_joining(child: Child, stop: asyncio.Event) -> None:
    connection = Connection(child.port)
    while not stop.is_set():
        try:
            await connection.request("GET", child.join_path)
        except (Closed, OSError):
            await asyncio.sleep(0.01)


async def _one_round(home: Path, agenda: Path, action: str, pythonpath: str | None) -> bool | str:
    """True if the confirmed action survived, False if lost, a string if it went wrong."""
    child = start_serve(home, agenda, pythonpath=pythonpath, fsync_ms=FSYNC_MS)
    stop = asyncio.Event()
    joining = [asyncio.create_task(_keep_joining(child, stop)) for _ in range(JOINING)]
    try:
        status, body = await control(child.port, child.control_path, "goto", index=1)
        if status != 200:
            return f"goto 1 refused: {status} {body[:200]!r}"
        await asyncio.sleep(0.3)  # surely saved, whatever the version
        if action == "open":
            status, body = await control(child.port, child.control_path, "open")
        else:
            status, body = await control(child.port, child.control_path, "goto", index=2)
        if status != 200 or not json.loads(body).get("ok"):
            return f"{action} refused: {status} {body[:200]!r}"
        time.sleep(KILL_AFTER)
        child.kill()
    finally:
        child.kill()
        stop.set()
        await asyncio.gather(*joining, return_exceptions=True)
    session = child.session
    assert session is not None
    index, phases = saved_state(home / "sessions" / f"{session}.sqlite")
    if action == "open":
        return index == 1 and phases.get("pick") == "open"
    return index == 2


def run(action: str, rounds: int, *, pythonpath: str | None = None) -> ActionRounds:
    result = ActionRounds(action)
    with tempfile.TemporaryDirectory(prefix="torture-actions-") as folder:
        home = Path(folder)
        agenda = write_agenda(home)
        for _ in range(rounds):
            result.rounds += 1
            outcome = asyncio.run(_one_round(home, agenda, action, pythonpath))
            if isinstance(outcome, str):
                result.errors.append(outcome)
                continue
            result.confirmed += 1
            result.lost += 0 if outcome else 1
    return result


if __name__ == "__main__":  # pragma: no cover - a quick look by hand
    import sys

    path = sys.argv[2] if len(sys.argv) > 2 else None
    for name in ("open", "goto"):
        found = run(name, int(sys.argv[1]) if len(sys.argv) > 1 else 30, pythonpath=path)
        print(found)
