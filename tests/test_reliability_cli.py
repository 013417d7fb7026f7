"""Every command gives one line and exit 1 on a full disk, a read-only or unwritable
folder, or a corrupt file; never a traceback (issue 12, finding 5). A real small or
read-only filesystem is used where this machine allows mounting one (root), else those
tests are skipped; the others simulate the fault."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitate.agenda import loads_agenda
from facilitate.cli import main
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.store import Store

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "facilitate" / "agendas" / "demo.toml")
AGENDA = """
title = "CLI fault day"
[[items]]
title = "Welcome"
duration = "5m"
"""


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, err
    return err


def can_mount() -> bool:
    if os.geteuid() != 0 or not Path("/proc/mounts").exists():
        return False
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], capture_output=True
        )
        if done.returncode:
            return False
        subprocess.run(["umount", folder])
    return True


MOUNTS = pytest.mark.skipif(not can_mount(), reason="mounting a filesystem needs root here")


@contextlib.contextmanager
def full_disk() -> Iterator[Path]:
    """A tiny tmpfs, filled to the last byte."""
    folder = Path(tempfile.mkdtemp())
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], check=True)
    try:
        with contextlib.suppress(OSError), open(folder / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)])
        folder.rmdir()


@contextlib.contextmanager
def read_only(source: Path) -> Iterator[Path]:
    """``source`` seen through a read-only bind mount."""
    folder = Path(tempfile.mkdtemp())
    subprocess.run(["mount", "--bind", str(source), str(folder)], check=True)
    subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)])
        folder.rmdir()


@MOUNTS
def test_commands_on_a_full_disk_say_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `serve` on a full disk left a 0-byte file and a traceback."""
    with full_disk() as disk:
        monkeypatch.setenv("FACILITATE_HOME", str(disk / "home"))
        for command in (
            ["serve", DEMO, "--host", "127.0.0.1", "--port", "0"],
            ["run", DEMO, "--host", "127.0.0.1", "--port", "0"],
            ["rehearse", DEMO, "--participants", "2", "--in-process"],
        ):
            assert main(command) == 1, command
            assert "disk full (No space left on device)" in one_line(capsys)
            assert not list((disk / "home" / "sessions").glob("*"))
        assert main(["sessions"]) == 0


def test_an_unwritable_data_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("FACILITATE_HOME", str(tmp_path / "a-file" / "home"))
    for command in (
        ["serve", DEMO, "--host", "127.0.0.1", "--port", "0"],
        ["run", DEMO, "--host", "127.0.0.1", "--port", "0"],
        ["rehearse", DEMO, "--participants", "2", "--in-process"],
    ):
        assert main(command) == 1, command
        assert "Not a directory" in one_line(capsys)


def test_a_new_session_that_cannot_be_written_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_space(*_: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("facilitate.session_files.os.write", no_space)
    assert main(["serve", DEMO, "--host", "127.0.0.1", "--port", "0"]) == 1
    assert "disk full (No space left on device)" in one_line(capsys)


def stored_session(home: Path) -> str:
    engine = Engine.new(loads_agenda(AGENDA), Store.create(), clock=ManualClock())
    engine.close()
    return engine.store.id


@MOUNTS
def test_a_read_only_folder_reports_and_lists_but_will_not_resume(
    facilitate_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `report` and `resume` on a read-only folder gave a traceback; `sessions`
    skipped a session there."""
    session = stored_session(facilitate_home)
    with read_only(facilitate_home) as mounted:
        monkeypatch.setenv("FACILITATE_HOME", str(mounted))
        assert main(["sessions"]) == 0
        assert session in capsys.readouterr().out
        assert main(["report", "latest", "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["session"]["id"] == session
        for command in (["resume"], ["serve", "--resume"], ["wipe", session]):
            assert main(command) == 1, command
            assert "read-only" in one_line(capsys)


def test_serve_takes_an_agenda_or_resume_not_both(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve"]) == 1
    assert "--resume" in one_line(capsys)
    assert main(["serve", DEMO, "--resume", "x"]) == 1
    one_line(capsys)
    assert main(["serve", "--resume", "no-such-session"]) == 1
    assert "no session 'no-such-session'" in one_line(capsys)


def test_serve_resumes_a_session_after_a_kill(facilitate_home: Path) -> None:
    env = {**os.environ, "FACILITATE_HOME": str(facilitate_home)}
    launch = [sys.executable, "-c", "import sys; from facilitate.cli import main; sys.exit(main())"]
    common = ["--host", "127.0.0.1", "--port", "0", "--json"]
    first = subprocess.Popen(
        [*launch, "serve", DEMO, *common], stdout=subprocess.PIPE, env=env, text=True
    )
    assert first.stdout is not None
    session = json.loads(first.stdout.readline())["session"]
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    second = subprocess.Popen(
        [*launch, "serve", "--resume", *common], stdout=subprocess.PIPE, env=env, text=True
    )
    assert second.stdout is not None
    assert json.loads(second.stdout.readline())["session"] == session
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0
