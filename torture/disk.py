"""A full disk, for real: a session on a small filesystem that fills up while phones answer.

Each round mounts a small ``tmpfs`` (this needs root, or a system that lets this user
mount one: otherwise the rounds are skipped, with a message), starts ``facilitate
serve`` on it, fills the rest of it while phones answer, then frees it again. Checked:

- nothing is acknowledged that is not saved: every acknowledged answer is on disk at
  the end (the server is killed with ``kill -9`` first), and while the disk is full
  answers are refused (503), never acknowledged;
- the fault is visible: the control API reports ``saving: disk full``, an action taken
  meanwhile is answered "not saved" (not ``ok``), standard error says so in one line
  (no traceback), and once space is back, that saving works again;
- after the recovery the session is whole: the action taken during the fault is saved
  (the state is written again), and ``serve --resume`` starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from attrs import define, field

from facilitate.anonymity import pseudonym
from torture.actions import saved_state
from torture.child import Child, start_serve, write_agenda
from torture.http import Closed, Phone, control

SIZE = "3m"
"""The small filesystem: the session file and its log fit, a little more does not."""
FAULT_SECONDS = 15.0
"""How long the harness waits for the control API to report the fault (or recovery)."""


@define
class DiskRounds:
    rounds: int = 0
    acks: int = 0
    refused: int = 0
    violations: list[str] = field(factory=list)
    server_errors: int = 0
    """5xx other than the 503 "not saved" a full disk gives."""
    skipped: str = ""


def can_mount() -> str:
    """Empty if a tmpfs can be mounted here, else why not (the rounds are skipped)."""
    if os.name != "posix" or not Path("/proc/mounts").exists():
        return "no Linux mounts on this system"
    if os.geteuid() != 0:
        return "mounting a small filesystem needs root (run make torture as root to include it)"
    with tempfile.TemporaryDirectory(prefix="torture-mount-") as folder:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            return f"cannot mount a tmpfs: {done.stderr.decode(errors='replace').strip()}"
        subprocess.run(["umount", folder], check=False)
    return ""


@contextlib.contextmanager
def small_disk(size: str = SIZE) -> Any:
    folder = tempfile.mkdtemp(prefix="torture-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder], check=True)
    try:
        yield Path(folder)
    finally:
        subprocess.run(["umount", "-l", folder], check=False)
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def fill(folder: Path, leave: int = 0) -> Path:
    """A file that takes every byte left but ``leave``."""
    filler = folder / "filler"
    with open(filler, "ab") as out:
        block = b"\0" * 65536
        try:
            while True:
                free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
                if free <= leave:
                    break
                out.write(block[: max(1, min(len(block), free - leave))])
                out.flush()
        except OSError:
            pass
    return filler


async def _saving(child: Child) -> str:
    status, body = await control(child.port, child.control_path, "extend", seconds=0)
    try:
        return str(json.loads(body)["state"]["saving"])
    except (ValueError, KeyError):
        return f"? {status}"


async def _wait_for(child: Child, wanted: str, *, not_: bool = False) -> bool:
    deadline = time.monotonic() + FAULT_SECONDS
    while time.monotonic() < deadline:
        saving = await _saving(child)
        if (saving != wanted) if not_ else (saving == wanted):
            return True
        await asyncio.sleep(0.2)
    return False


class DiskRound:
    def __init__(self, home: Path, logs: Path, outcome: DiskRounds, number: int, seed: int) -> None:
        self.home = home
        self.logs = logs
        """Off the small disk: standard error must have room while the disk has none."""
        self.outcome = outcome
        self.number = number
        self.rng = random.Random(seed)
        self.acked: dict[tuple[int, str], Any] = {}
        self.sent_after: dict[tuple[int, str], list[Any]] = {}

    def violation(self, text: str) -> None:
        self.outcome.violations.append(f"disk round {self.number}: {text}")

    async def answer_all(self, phones: list[Phone], item: str, count: int) -> tuple[int, int]:
        """Each phone answers ``count`` times; how many were acknowledged, how many refused."""
        acks = refused = 0

        async def one(number: int, phone: Phone) -> None:
            nonlocal acks, refused
            for sent in range(count):
                text = f"phone {number} round {self.number} answer {sent} " + "x" * 150
                key = (number, item)
                self.sent_after.setdefault(key, []).append({"text": text})
                try:
                    status = await phone.answer(item, {"text": text})
                except (Closed, OSError):
                    continue
                if status == 303:
                    acks += 1
                    self.acked[key] = {"text": text}
                    self.sent_after[key] = []
                elif status == 503:
                    refused += 1
                elif status >= 500:
                    self.outcome.server_errors += 1

        await asyncio.gather(*(one(n, p) for n, p in enumerate(phones)))
        return acks, refused

    async def run(self) -> None:
        child = start_serve(
            self.home, write_agenda(self.home), stderr_path=self.logs / f"disk-{self.number}.err"
        )
        session = child.session
        phones = [Phone(child.port) for _ in range(20)]
        try:
            for phone in phones:
                await phone.join(child.join_path)
            await control(child.port, child.control_path, "goto", index=3)
            await control(child.port, child.control_path, "open")
            for phone in phones:
                await phone.refresh()
            acks, _ = await self.answer_all(phones, "words", 3)
            self.outcome.acks += acks
            filler = fill(self.home)
            acks, refused = await self.answer_all(phones, "words", 5)
            self.outcome.acks += acks
            self.outcome.refused += refused
            if refused == 0:
                self.violation("the disk filled up but no answer was refused")
            if not await _wait_for(child, "disk full"):
                self.violation("the control API never reported the full disk")
            status, body = await control(child.port, child.control_path, "goto", index=1)
            if status == 200 and json.loads(body).get("ok"):
                self.violation("an action was confirmed while the disk was full")
            filler.unlink()
            if not await _wait_for(child, "ok"):
                self.violation("saving did not work again once the disk had room")
            acks, _ = await self.answer_all(phones, "words", 0)
            status, body = await control(child.port, child.control_path, "extend", seconds=60)
            if status != 200:
                self.violation(f"after recovery an action got {status}")
            await asyncio.sleep(0.5)
        finally:
            for phone in phones:
                phone.close()
            child.kill()
        assert session is not None
        self.check(child, self.home / "sessions" / f"{session}.sqlite", phones)
        self.check_resume(session)

    def check(self, child: Child, path: Path, phones: list[Phone]) -> None:
        db = sqlite3.connect(path)
        try:
            meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
            stored = {
                (item, who): json.loads(value)
                for item, who, value in db.execute("SELECT item_id, pseudonym, value FROM answers")
            }
        finally:
            db.close()
        for (number, item), value in self.acked.items():
            found = stored.get((item, pseudonym(meta["secret"], phones[number].token, item)))
            if found != value and found not in self.sent_after.get((number, item), []):
                self.violation(f"phone {number}'s acknowledged answer is {found!r} on disk")
        index, _ = saved_state(path)
        if index != 1:
            self.violation(f"the goto taken during the fault was not saved after it (item {index})")
        errors = child.stderr_text()
        if "Traceback" in errors:
            self.violation("a traceback on standard error")
        if errors.count("cannot save session") != 1:
            self.violation(f"{errors.count('cannot save session')} fault lines, not one")
        if "saving works again" not in errors:
            self.violation("the recovery was not announced")

    def check_resume(self, session: str) -> None:
        try:
            child = start_serve(
                self.home, None, resume=session, stderr_path=self.logs / "resume.err"
            )
        except RuntimeError as error:
            self.violation(f"serve --resume failed after the fault: {error}")
            return
        child.stop()


def run(rounds: int) -> DiskRounds:
    outcome = DiskRounds()
    why_not = can_mount()
    if why_not:
        outcome.skipped = why_not
        return outcome
    with tempfile.TemporaryDirectory(prefix="torture-disk-logs-") as logs:
        for number in range(1, rounds + 1):
            outcome.rounds += 1
            with small_disk() as folder:
                round_ = DiskRound(folder, Path(logs), outcome, number, seed=number)
                asyncio.run(round_.run())
    return outcome
