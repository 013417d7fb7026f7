"""`facilitate --help` and `facilitate check` start quickly: they import only what they use;
and a command starts with the collector paused while its modules import.

Asserted on the modules a fresh interpreter has loaded, never on time (the timings are
`make bench`'s, see docs/benchmarks.md).
"""

from __future__ import annotations

import gc
import importlib
import importlib.metadata
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitate import cli, entry_points
from facilitate.cli import start_up

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "facilitate" / "agendas" / "demo.toml"

HEAVY = (
    "aiohttp",
    "textual",
    "jinja2",
    "qrcode",
    "ssl",
    "asyncio",
    "sqlite3",
    "babel.numbers",
    "babel.messages",
    "importlib.metadata",
    "facilitate.server",
    "facilitate.tui",
    "facilitate.report",
    "facilitate.engine",
    "facilitate.store",
)
"""What neither command needs: the toolkits, the server, console and reports, Babel's
catalog reader, and ``importlib.metadata`` (entry points are read directly)."""


def loaded_after(arguments: list[str]) -> tuple[int, set[str], str]:
    """Run ``facilitate ARGUMENTS`` in a fresh interpreter: (exit code, modules, output)."""
    script = textwrap.dedent(
        f"""
        import contextlib, io, json, sys
        from facilitate.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                code = main({arguments!r})
            except SystemExit as exit:
                code = exit.code
        print(json.dumps([code, sorted(sys.modules), out.getvalue()]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    code, modules, output = json.loads(result.stdout.splitlines()[-1])
    return code, set(modules), output


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(
        name for name in modules if any(name == h or name.startswith(h + ".") for h in HEAVY)
    )


def test_help_imports_no_command_module_and_no_plugin() -> None:
    code, modules, output = loaded_after(["--help"])
    assert code == 0
    assert "new-plugin" in output and "rehearse" in output
    assert heavy_in(modules) == []
    assert not {m for m in cli.COMMAND_MODULES if m in modules}
    assert "facilitate.plugins" not in modules
    assert not {m for m in modules if m.startswith(("facilitate_", "facilitate.activities"))}


def test_check_imports_neither_the_toolkits_nor_the_other_commands() -> None:
    code, modules, output = loaded_after(["check", str(DEMO)])
    assert code == 0
    assert "ok: 'Try facilitate'" in output or ": ok: " in output
    assert heavy_in(modules) == []
    assert not {m for m in cli.COMMAND_MODULES if m in modules}


def test_check_imports_the_core_types_its_agenda_uses_and_no_other(tmp_path: Path) -> None:
    agenda = tmp_path / "day.toml"
    agenda.write_text(
        'title = "Day"\n\n[[items]]\nid = "one"\ntitle = "One"\nduration = "5m"\n'
        '[items.activity]\ntype = "text"\nquestion = "What helps?"\n',
        encoding="utf-8",
    )
    code, modules, output = loaded_after(["check", str(agenda)])
    assert code == 0, output
    types = sorted(m for m in modules if m.startswith("facilitate.activities."))
    assert types == ["facilitate.activities.freetext", "facilitate.activities.words"]


def test_a_mistyped_command_lists_every_command_without_importing_them() -> None:
    code, modules, output = loaded_after(["serv"])
    assert code == 2
    assert "invalid choice: 'serv'" in output
    for name in ("'serve'", "'run'", "'report'", "'new-plugin'", "'types'"):
        assert name in output
    assert not {m for m in cli.COMMAND_MODULES if m in modules}


def test_a_command_imports_its_own_module_only() -> None:
    code, modules, _ = loaded_after(["types", "--json", "choice"])
    assert code == 0
    assert "facilitate.types_command" in modules
    assert not {m for m in cli.COMMAND_MODULES if m in modules} - {"facilitate.types_command"}


# -- the table of commands agrees with the modules that define them ---------------------


def subcommands(parser: object) -> dict[str, object]:
    action = parser._subparsers._group_actions[0]  # type: ignore[attr-defined]
    return dict(action.choices)


def test_the_command_table_matches_what_each_module_registers() -> None:
    everything = cli.build_parser()
    listed = cli.build_parser(None)
    assert listed.format_help() == everything.format_help()
    assert list(subcommands(listed)) == list(subcommands(everything))
    for module_name, commands in cli.EXTRA_COMMANDS:
        for name, _summary in commands:
            one = cli.build_parser(name)
            real = subcommands(one)[name]
            assert real.format_help() == subcommands(everything)[name].format_help()
            assert real.get_default("func").__module__ == module_name  # type: ignore[attr-defined]
    modules = [module for module, _ in cli.EXTRA_COMMANDS]
    assert tuple(modules) == cli.COMMAND_MODULES


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        ([], None),
        (["--help"], None),
        (["--version"], None),
        (["check", "a.toml"], "check"),
        (["-h", "serve"], "serve"),
        (["--", "run", "x"], "run"),
        (["report", "--format", "md", "latest"], "report"),
    ],
)
def test_the_command_is_the_first_word_that_is_not_an_option(
    argv: list[str], command: str | None
) -> None:
    assert cli.chosen_command(argv) == command


# -- entry points read without importlib.metadata ----------------------------------------


def as_tuples(found: list[object]) -> list[tuple[str, str, str, object]]:
    return [
        (e.name, e.value, e.group, e.dist.version if e.dist else "")  # type: ignore[attr-defined]
        for e in found
    ]


def test_entry_points_are_those_importlib_metadata_finds() -> None:
    groups = set(importlib.metadata.entry_points().groups)
    assert {"facilitate", "console_scripts", "pytest11"} <= groups
    for group in sorted(groups):
        expected = list(importlib.metadata.entry_points(group=group))
        assert as_tuples(entry_points.entry_points(group)) == as_tuples(expected), group
    together = entry_points.entry_points_of("facilitate", "facilitate.types")  # one pass
    for group, found in together.items():
        expected = list(importlib.metadata.entry_points(group=group))
        assert as_tuples(found) == as_tuples(expected), group


def test_entry_points_of_a_folder_added_to_sys_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two versions of one distribution: the first on sys.path wins, as with importlib."""
    for folder, version in (("first", "2.0"), ("second", "1.0")):
        info = tmp_path / folder / f"Fake_Thing-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: fake-thing\nVersion: {version}\n\nbody\n",
            encoding="utf-8",
        )
        (info / "entry_points.txt").write_text(
            "# a comment\n[facilitate]\nthing = fake_thing:Plugin.inner [extra]\n"
            "other=fake_thing\n\n[console_scripts]\nthing = fake_thing:main\n",
            encoding="utf-8",
        )
        monkeypatch.syspath_prepend(str(tmp_path / folder))
    monkeypatch.syspath_prepend(str(tmp_path / "not-there"))
    found = entry_points.entry_points("facilitate")
    assert as_tuples(found) == as_tuples(list(importlib.metadata.entry_points(group="facilitate")))
    mine = [e for e in found if e.name in ("thing", "other")]
    assert [(e.value, e.dist.version) for e in mine] == [
        ("fake_thing:Plugin.inner [extra]", "1.0"),
        ("fake_thing", "1.0"),
    ]


def test_a_zip_on_sys_path_is_left_to_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip file
    monkeypatch.syspath_prepend(str(archive))
    with pytest.raises(entry_points._GiveUp):
        list(entry_points._read_groups({"facilitate"}))
    found = entry_points.entry_points("facilitate")
    assert as_tuples(found) == as_tuples(list(importlib.metadata.entry_points(group="facilitate")))


def test_an_entry_point_loads_the_object_it_names() -> None:
    point = entry_points.EntryPoint(
        "x",
        "facilitate.activities:CORE_TYPE_REFERENCES",
        "facilitate",
        entry_points.Distribution(ROOT),
    )
    assert point.load() is importlib.import_module("facilitate.activities").CORE_TYPE_REFERENCES
    odd = entry_points.EntryPoint("x", "not valid!", "facilitate", entry_points.Distribution(ROOT))
    with pytest.raises(AttributeError):  # importlib.metadata's own error for it
        odd.load()


# -- the collector while a command starts ---------------------------------------------
@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        gc.unfreeze()  # give this test process's objects back to the collector
        if not was:
            gc.disable()


def test_a_command_process_starts_with_collection_off_and_freezes_what_it_made(
    collector: None,
) -> None:
    before = gc.get_freeze_count()
    with start_up(True):
        assert not gc.isenabled()
        made = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)


def test_a_caller_of_main_keeps_its_collector_as_it_is(collector: None) -> None:
    before = gc.get_freeze_count()
    with start_up(False):
        assert gc.isenabled()
    assert gc.get_freeze_count() == before
    gc.disable()
    with start_up(True):  # someone else turned it off: left off, nothing frozen
        assert not gc.isenabled()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == before
    gc.enable()


def test_collection_is_back_on_when_parsing_fails(collector: None) -> None:
    with pytest.raises(SystemExit), start_up(True):
        raise SystemExit(2)
    assert gc.isenabled()
