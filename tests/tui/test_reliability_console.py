"""The console under faults (issue 12): answering and results shown apart, a full disk
in a banner, keys confirmed once saved, and a terminal a killed console left raw."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from facilitate.engine import Engine
from facilitate.store import Store

from .conftest import answer, make_app, make_engine, redrawn

SIZE = (120, 40)
LAUNCH = "import sys; from facilitate.cli import main; sys.exit(main())"
DISK_FULL = sqlite3.OperationalError("database or disk is full")


def state_text(app: Any) -> str:
    return app.screen.query_one("#item-state", Static).content.plain


def status_text(app: Any) -> str:
    return app.screen.query_one("#status", Static).content.plain


def notices(app: Any) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_o_visibly_opens_and_closes_answering_with_the_results_revealed(
    engine: Engine,
) -> None:
    """Finding 7. Before: with results revealed the console said only "results revealed",
    whatever o did."""
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "o")
        await answer(engine, "choice", 4)
        await pilot.press("r")
        await redrawn(pilot)
        shown = state_text(app)
        assert "open for answers" in shown and "results revealed" in shown
        await pilot.press("o")
        await redrawn(pilot)
        shown = state_text(app)
        assert "closed" in shown and "open for answers" not in shown
        assert "results revealed" in shown
        await pilot.press("o")
        await redrawn(pilot)
        assert "open for answers" in state_text(app)


async def test_a_full_disk_is_a_banner_answering_refused_then_recovery_said(
    facilitate_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 3. Before: the console still said "open for answers" and nothing else."""
    monkeypatch.setattr("facilitate.store.PROBE_SECONDS", 0.05)
    engine = make_engine(store=Store.create())
    app = make_app(engine)
    switch = [False]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("n", "o")
        await answer(engine, "choice", 2)
        switch[0] = True
        engine.store.inject_fault = lambda: DISK_FULL if switch[0] else None
        with pytest.raises(Exception, match="disk full"):
            await answer(engine, "choice", 1, seed=9)
        await pilot.pause(0.1)
        await redrawn(pilot)
        assert "cannot save: disk full; answers are being refused" in status_text(app)
        assert "answers refused: cannot save" in state_text(app)
        assert "cannot save: disk full; answers are being refused" in notices(app)
        switch[0] = False
        for _ in range(100):
            await pilot.pause(0.02)
            if engine.storage_fault is None:
                break
        await redrawn(pilot)
        assert "cannot save" not in status_text(app)
        assert "open for answers" in state_text(app)
        assert "Saving works again: everything is saved." in notices(app)
    engine.close()


async def test_a_key_is_said_done_once_saved_and_not_saved_on_a_full_disk(
    facilitate_home: Path,
) -> None:
    """Finding 2: the console's keys confirm through the same durable path."""
    engine = make_engine(store=Store.create())
    app = make_app(engine)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("l")
        await pilot.pause(0.2)
        assert "Room locked: no new phones can join." in notices(app)
        engine.store.inject_fault = lambda: DISK_FULL
        await pilot.press("l")
        await pilot.pause(0.2)
        said = notices(app)
        assert "Room open to join." not in said
        assert any(s.startswith("Not saved: disk full.") for s in said)
        assert not engine.locked  # the room shows it all the same
        engine.store.inject_fault = None
    engine.close()


# -- the terminal a killed console leaves behind --------------------------------------------


def raw(fd: int) -> bool:
    import termios

    lflag = termios.tcgetattr(fd)[3]
    return not (lflag & termios.ECHO and lflag & termios.ICANON)


def test_a_raw_terminal_is_set_back_to_normal() -> None:
    pty = pytest.importorskip("pty")
    import tty

    from facilitate.tui.cli import restore_terminal

    leader, follower = pty.openpty()
    try:
        tty.setraw(follower)
        assert raw(follower)
        with os.fdopen(os.dup(follower), "r") as stdin, os.fdopen(os.dup(follower), "w") as out:
            assert restore_terminal(stdin, out) is True
            assert not raw(follower)
            assert restore_terminal(stdin, out) is False  # nothing to do the second time
        os.set_blocking(leader, False)
        assert b"\x1b[?1049l" in os.read(leader, 4096)  # the alternate screen left
    finally:
        os.close(leader)
        os.close(follower)


@pytest.mark.slow
def test_a_console_killed_with_kill_9_leaves_a_raw_terminal_that_resume_restores(
    facilitate_home: Path,
) -> None:
    """Finding 7. Before: after kill -9 the terminal stayed raw (no echo, no Enter)."""
    pty = pytest.importorskip("pty")
    from facilitate.tui.cli import restore_terminal

    leader, follower = pty.openpty()
    env = {**os.environ, "FACILITATE_HOME": str(facilitate_home), "TERM": "xterm-256color"}
    console = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from facilitate.cli import main; sys.exit(main())",
            "demo",
            "--port",
            "0",
        ],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    try:
        os.set_blocking(leader, False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not raw(follower):
            time.sleep(0.1)
            with contextlib.suppress(BlockingIOError):
                os.read(leader, 65536)
        assert raw(follower), "the console never took the terminal over"
        time.sleep(0.5)
        console.send_signal(signal.SIGKILL)
        console.wait(timeout=30)
        assert raw(follower)  # what a facilitator's shell is left with
        with os.fdopen(os.dup(follower), "r") as stdin:
            assert restore_terminal(stdin, io.StringIO())  # (nobody reads this pty's screen)
        assert not raw(follower)
    finally:
        if console.poll() is None:
            console.kill()
        os.close(leader)
        os.close(follower)


def test_every_console_command_sets_the_terminal_right_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, facilitate_home: Path
) -> None:
    import argparse

    from facilitate.tui import cli

    calls: list[str] = []
    monkeypatch.setattr(cli, "restore_terminal", lambda: calls.append("restore"))

    class App:
        startup_error = None
        wiped = False

        def run(self) -> None:
            calls.append("run")

    monkeypatch.setattr(cli, "served_app", lambda *a, **k: App())
    engine = make_engine()
    args = argparse.Namespace(host="127.0.0.1", port=0, lang=None)
    assert cli._run(engine, args) == 0
    assert calls == ["restore", "run"]
    asyncio.run(asyncio.sleep(0))
