"""`facilitate types` describes every installed activity type, and docs/agendas.md cannot drift.

The agenda reference is checked against the code: every first-party type has a section,
every key of its Config is in that section's table (required or with its default), and
every TOML example on the page, and every example the command prints, passes the agenda
loader.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

from facilitate import cli
from facilitate.activity import ActivityType, setting
from facilitate.agenda import loads_agenda
from facilitate.api import hookimpl
from facilitate.plugins import Plugins, default_plugins
from facilitate.types_command import (
    EXAMPLE_ID,
    describe,
    example_item,
    render,
    settings_of,
    toml_value,
)

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "agendas.md"
TEXT = GUIDE.read_text(encoding="utf-8")
PLUGINS = default_plugins()


def first_party_kinds() -> list[str]:
    """The types this project ships (core and plugins/), not third-party ones installed here."""
    ours = {
        entry_point.name
        for entry_point in importlib.metadata.distribution("facilitate").entry_points
        if entry_point.group == "facilitate"
    }
    return [kind for kind in PLUGINS.activity_types if PLUGINS.owner(kind) in ours]


FIRST_PARTY = first_party_kinds()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["types", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def wrapped(snippet: str) -> str:
    """A TOML example as a whole agenda: as it is if it has a title, else under one."""
    head = snippet.split("[", 1)[0]
    return snippet if re.search(r"^title\s*=", head, re.M) else f'title = "Example"\n{snippet}'


# -- the command ---------------------------------------------------------------------------


def test_a_core_type_shows_its_plugin_description_settings_and_an_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "multi")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "multi: Multiple choice  (plugin: core)"
    assert lines[1].strip() == "Pick several options, between `min` and `max`."
    assert re.search(r"^\s+question\s+required\s+the question, a string$", out, re.M)
    assert re.search(r"^\s+min\s+default 1\s+the fewest options", out, re.M)
    assert re.search(r"^\s+max\s+optional\s+the most options", out, re.M)
    example = out.split("Example", 1)[1].split("\n\n", 1)[1]
    assert 'type = "multi"' in example
    agenda = loads_agenda(wrapped(example))
    assert agenda.items[-1].kind == "multi"


def test_a_plugin_type_shows_its_plugin_and_toml_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "riskmap")
    assert code == 0
    assert out.startswith("riskmap: Risk map (likelihood x impact)  (plugin: riskmap)\n")
    assert re.search(r"^\s+from\s+optional\s+the id of an earlier riskmap item", out, re.M)
    assert "from_item" not in out  # the TOML key, not the Python field's name
    assert re.search(r"^\s+capacities\s+default false\s+true to also rate", out, re.M)
    # threats are optional on their own, but a risk map needs some: the example has them
    example = out.split("Example", 1)[1].split("\n\n", 1)[1]
    assert re.search(r"^threats = \[", example, re.M)
    assert loads_agenda(wrapped(example)).items[-1].kind == "riskmap"


def test_a_type_that_reads_an_earlier_item_gets_that_item_in_its_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "strategies-vote")
    example = out.split("Example", 1)[1].split("\n\n", 1)[1]
    agenda = loads_agenda(wrapped(example))
    assert [item.kind for item in agenda.items] == ["strategies", "strategies-vote"]


def test_without_kinds_every_installed_type_is_listed_core_first_without_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    headers = re.findall(r"^([a-z0-9-]+): .*\(plugin: ([\w-]+)\)$", out, re.M)
    assert sorted(kind for kind, _ in headers) == sorted(PLUGINS.activity_types)
    owners = [plugin for _, plugin in headers]
    assert owners[: owners.count("core")] == ["core"] * owners.count("core")
    assert "Example" not in out and "[[items]]" not in out


def test_json_gives_each_setting_with_key_requirement_default_help_and_type(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "text", "strategies-vote", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [entry["kind"] for entry in listed] == ["text", "strategies-vote"]
    text = {s["key"]: s for s in listed[0]["settings"]}
    assert text["question"] == {
        "key": "question",
        "required": True,
        "default": None,
        "help": "the question, a string",
        "type": "string",
    }
    assert (text["max_length"]["default"], text["max_length"]["type"]) == (280, "whole number")
    assert text["moderate"]["default"] is True
    vote = listed[1]
    assert vote["plugin"] == "strategies"
    assert [s["key"] for s in vote["settings"]] == ["from", "question", "top"]
    assert vote["example_settings"]["from"] in vote["example"]


def test_an_unknown_kind_is_one_line_listing_the_installed_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "choice", "poll")
    assert (code, out) == (1, "")
    installed = ", ".join(sorted(PLUGINS.activity_types))
    assert err == f"facilitate: unknown activity type 'poll'; installed types: {installed}\n"


def test_several_unknown_kinds_are_named_together(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "poll", "survey")
    assert code == 1
    assert err.startswith("facilitate: unknown activity types 'poll', 'survey'; installed types:")
    assert len(err.splitlines()) == 1


class Thermometer(ActivityType[Any, Any]):
    """How warm is the room? A stand-in type with an example of its own.

    This second paragraph is not shown.
    """

    kind = "thermometer"
    title = "Thermometer"

    @frozen
    class Config:
        question: str = setting(help="the question, a string")
        degrees: int = setting(10, help="how many degrees, 2 to 20", key="steps")

    example = {"question": "How warm is the room today?", "steps": 7}


class ThermometerPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(Thermometer)


def test_a_types_own_example_is_used_as_it_is() -> None:
    plugins = Plugins(entry_points=False, extra=[ThermometerPlugin()])
    (info,) = describe(plugins, ["thermometer"])
    assert info.description == "How warm is the room? A stand-in type with an example of its own."
    assert [(s.key, s.required, s.default) for s in info.settings] == [
        ("question", True, None),
        ("steps", False, 10),
    ]
    assert 'question = "How warm is the room today?"\nsteps = 7\n' in info.example
    assert loads_agenda(wrapped(info.example), plugins=plugins).items[0].kind == "thermometer"
    shown = render([info], examples=True)
    assert "steps     default 10  how many degrees, 2 to 20" in shown


@pytest.mark.parametrize("kind", sorted(PLUGINS.activity_types))
def test_every_installed_types_example_passes_the_agenda_check(kind: str) -> None:
    (info,) = describe(PLUGINS, [kind])
    agenda = loads_agenda(wrapped(info.example), file=f"facilitate types {kind}")
    assert agenda.items[-1].kind == kind
    # the optional keys it shows commented out work too, once uncommented
    optional = re.findall(r"^# ([A-Za-z_][\w-]* = .*[^\[])$", info.example, re.M)
    uncommented = info.example.rstrip("\n") + "\n" + "\n".join(optional) + "\n"
    if f'"{EXAMPLE_ID}"' in "\n".join(optional):  # `from = ...` needs an item to read
        earlier = example_item(
            PLUGINS.activity_types[kind], PLUGINS.activity_types, commented=False
        )
        earlier = earlier.replace("[[items]]\n", f'[[items]]\nid = "{EXAMPLE_ID}"\n', 1)
        uncommented = earlier + "\n" + uncommented
    agenda = loads_agenda(wrapped(uncommented), file=f"facilitate types {kind}, all keys set")
    assert len(agenda.items[-1].activity.settings) >= len(optional)


# -- docs/agendas.md cannot drift ----------------------------------------------------------


def type_sections() -> dict[str, str]:
    """The text under each "### `kind`: Title" heading of the Activity types section."""
    part = TEXT.split("\n## Activity types\n", 1)[1].split("\n## ", 1)[0]
    pieces = re.split(r"^### `([a-z0-9-]+)`.*$", part, flags=re.M)
    return dict(zip(pieces[1::2], pieces[2::2], strict=True))


SECTIONS = type_sections()


def table_rows(section: str) -> dict[str, str]:
    """The first table's rows by key: "| `key` | default | what |" -> {key: default}."""
    rows = {}
    for key, default in re.findall(r"^\| `([\w-]+)` \| (.*?) \|", section, re.M):
        rows.setdefault(key, default)
    return rows


def test_the_project_ships_the_types_the_guide_is_about() -> None:
    assert set(FIRST_PARTY) >= {
        "choice", "multi", "scale", "text", "wordcloud", "ranking", "quiz",
        "riskmap", "strategies", "strategies-vote", "duediligence", "evaluation",
    }  # fmt: skip


def test_every_first_party_type_has_a_section_and_no_section_is_stale() -> None:
    assert sorted(SECTIONS) == sorted(FIRST_PARTY)


def settings_rows(kind: str) -> dict[str, str]:
    """The rows of a type's settings table ("| key | default | what it is |")."""
    table = SECTIONS.get(kind, "").split("| key | default | what it is |", 1)[-1]
    return table_rows(table.split("\n\n", 1)[0])


@pytest.mark.parametrize("kind", FIRST_PARTY)
def test_every_key_of_a_type_is_documented_in_its_section(kind: str) -> None:
    rows = settings_rows(kind)
    for info in settings_of(PLUGINS.activity_types[kind].Config):
        assert info.key in rows, f"docs/agendas.md, section {kind}: add a row for `{info.key}`"
        shown = rows[info.key]
        if info.required:
            assert shown == "required", f"{kind}.{info.key} is required; the docs say {shown!r}"
        else:
            assert shown != "required", f"{kind}.{info.key} is optional; the docs say required"
            if isinstance(info.default, bool | int | float):
                expected = f"`{toml_value(info.default)}`"
                assert shown == expected, f"{kind}.{info.key} defaults to {expected}, not {shown}"


@pytest.mark.parametrize("kind", FIRST_PARTY)
def test_no_section_documents_a_key_its_type_does_not_have(kind: str) -> None:
    keys = {info.key for info in settings_of(PLUGINS.activity_types[kind].Config)}
    assert set(settings_rows(kind)) <= keys


@pytest.mark.parametrize("kind", FIRST_PARTY)
def test_every_type_section_has_an_example_of_that_type(kind: str) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", SECTIONS.get(kind, ""), re.S)
    assert any(f'type = "{kind}"' in block for block in blocks)


def toml_blocks() -> list[tuple[int, str]]:
    """Every ```toml block of the guide, with the line it starts on."""
    found = []
    for match in re.finditer(r"^```toml\n(.*?)^```", TEXT, re.S | re.M):
        found.append((TEXT.count("\n", 0, match.start()) + 1, match.group(1)))
    return found


@pytest.mark.parametrize(("line", "block"), toml_blocks(), ids=[str(n) for n, _ in toml_blocks()])
def test_every_toml_example_in_the_guide_passes_the_agenda_check(line: int, block: str) -> None:
    agenda = loads_agenda(wrapped(block), file=f"docs/agendas.md line {line}")
    assert agenda.items


def test_the_guide_names_every_agenda_and_item_key() -> None:
    from facilitate.agenda import AGENDA_KEYS, ITEM_KEYS

    agenda_table = TEXT.split("## The agenda's keys", 1)[1].split("\n## ", 1)[0]
    item_table = TEXT.split("\n## Items\n", 1)[1].split("\n## ", 1)[0]
    assert set(table_rows(agenda_table)) == set(AGENDA_KEYS)
    assert set(table_rows(item_table)) == set(ITEM_KEYS)
