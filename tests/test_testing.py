"""The rehearsal harness that plugin authors test with: it must tell the truth about a plugin."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen
from throwaway_venv import clean_env

from facilitate import cli
from facilitate.agenda import loads_agenda
from facilitate.api import (
    ActivityType,
    AnswerError,
    Bar,
    Bars,
    ChoiceField,
    FacilitateDeprecationWarning,
    Form,
    Heatmap,
    ItemContext,
    Note,
    Radar,
    Spread,
    SpreadRow,
    Table,
    Tally,
    Texts,
    View,
    Words,
    hookimpl,
    setting,
)
from facilitate.plugins import default_plugins
from facilitate.testing import (
    PluginFailedToRegister,
    Rehearsal,
    Rehearsals,
    TemporaryPlugins,
    Workshop,
    isolated_plugins,
    render_text,
)

AGENDA = """
title = "Harness"
k = 3

[[items]]
id = "welcome"
title = "Welcome"
duration = "5m"

[[items]]
id = "pick"
title = "Pick one"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["Apples", "Pears", "Plums"]
"""


def test_render_text_draws_every_block_kind_as_plain_text() -> None:
    view = (
        Bars([Bar("Apples", 3, marked=True), Bar("Pears", 1)], title="Fruit", unit="votes"),
        Spread([SpreadRow("Sleep", (1, 0, 2))], points=(1, 2, 3), point_labels=("lo", "mid", "hi")),
        Heatmap(("High", "Low"), ("Rare", "Often"), [[1, 2], [3, 4]], "impact", "likelihood"),
        Words([("trust", 2), ("rest", 5)]),
        Texts(["[bold]not markup[/bold]", "bell\x07 and \x1b[2J escape"]),
        Table(("Option", "Points"), [("Training", "40")]),
        Radar(("People", "Places"), (2.5, 4), maximum=5),
        Note("3 answers"),
    )
    text = render_text(view)
    assert "Apples  ████" in text and "3 votes ✓" in text
    assert "1 lo  2 mid  3 hi  mean" in text and "Sleep  1     0      2     2.3" in text
    assert "impact \\ likelihood  Rare  Often" in text
    assert text.index("rest ×5") < text.index("trust ×2")
    assert "• [bold]not markup[/bold]" in text
    assert "\x07" not in text and "\x1b" not in text
    assert "Training  40" in text
    assert "People: 2.5 / 5" in text
    assert text.endswith("3 answers")


def test_items_are_named_by_id_position_or_current() -> None:
    with Rehearsal(AGENDA) as rehearsal:
        assert rehearsal.item_id() == "welcome"
        assert rehearsal.item_id(1) == "pick"
        with pytest.raises(KeyError):
            rehearsal.item_id("nope")
        rehearsal.open("pick")
        assert rehearsal.item_id() == "pick"


def test_a_rehearsal_reads_a_file_or_an_agenda(tmp_path: Path) -> None:
    path = tmp_path / "day.toml"
    path.write_text(AGENDA, encoding="utf-8")
    with Rehearsal(path) as from_file, Rehearsal(loads_agenda(AGENDA)) as from_agenda:
        assert from_file.agenda.title == from_agenda.agenda.title == "Harness"


def test_simulated_answers_are_tallied_and_repeatable() -> None:
    with Rehearsal(AGENDA, seed=5) as first, Rehearsal(AGENDA, seed=5) as second:
        assert first.simulate(9, "pick") == second.simulate(9, "pick")
        assert first.assert_tally_consistent("pick").answers == 9
        assert len(first.participants) == 9


def test_answers_follow_the_facilitator() -> None:
    with Rehearsal(AGENDA) as rehearsal:
        rehearsal.answer({"choice": "1"}, "pick", participant=0)  # opens the item
        rehearsal.close_answering("pick")
        with pytest.raises(AnswerError) as error:
            rehearsal.answer({"choice": "0"}, "pick", participant=1)
        assert error.value.code == "closed"
        assert rehearsal.result("pick").counts == (0, 1, 0)


def test_a_participant_can_change_and_retract_an_answer() -> None:
    with Rehearsal(AGENDA) as rehearsal:
        rehearsal.answer({"choice": "0"}, "pick", participant=0)
        rehearsal.answer({"choice": "2"}, "pick", participant=0)
        assert rehearsal.result("pick").counts == (0, 0, 1)
        assert rehearsal.retract("pick", participant=0)
        assert rehearsal.assert_tally_consistent("pick").answers == 0


def test_the_room_sees_results_only_when_revealed_with_k_answers() -> None:
    with Rehearsal(AGENDA) as rehearsal:
        rehearsal.simulate(3, "pick")
        assert rehearsal.public_view("pick") is None
        rehearsal.reveal("pick")
        assert rehearsal.public_view("pick") == rehearsal.view("pick")


async def test_the_harness_works_inside_a_running_event_loop() -> None:
    with Rehearsal(AGENDA) as rehearsal:
        rehearsal.simulate(2, "pick")  # synchronous call from an async test
        await rehearsal.simulate_async(4, "pick")
        await rehearsal.answer_async({"choice": "2"}, "pick", participant=5)
        assert rehearsal.result("pick").answers == 5  # participant 5 is a sixth person
        shown = await rehearsal.show("pick", size=(70, 16))
        assert "Apples" in shown.text
        assert "5 answers" in shown.text
        assert shown.svg.startswith("<svg")


# -- plugins written to test the harness itself --------------------------------------------


@frozen
class PickyConfig:
    question: str = setting(help="the question")


class BrokenRemoveTally(Tally[int]):
    def __init__(self) -> None:
        self.answers = 0

    def add(self, value: dict[str, Any]) -> None:
        self.answers += 1

    def remove(self, value: dict[str, Any]) -> None:
        pass  # the bug the consistency check must catch

    def result(self) -> int:
        return self.answers


class Picky(ActivityType[PickyConfig, int]):
    """Refuses the first option in accept; its tally forgets to remove."""

    kind = "picky"
    title = "Picky"
    Config = PickyConfig

    def form(self, config: PickyConfig, context: ItemContext) -> Form:
        return Form([ChoiceField(name="c", label=config.question, options=("no", "yes"))])

    def accept(self, config: PickyConfig, value: dict[str, Any], context: ItemContext) -> Any:
        if value["c"] == 0:
            raise AnswerError("invalid", field="c", message="Please say yes.")
        return value

    def new_tally(self, config: PickyConfig, context: Any) -> BrokenRemoveTally:
        return BrokenRemoveTally()

    def count(self, result: int) -> int:
        return result

    def view(self, config: PickyConfig, result: int, context: Any) -> View:
        return (Note(f"{result} yes"),)


class PickyPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(Picky)


PICKY_AGENDA = """
title = "Picky"
[[items]]
id = "picky"
title = "Say yes"
duration = "5m"
[items.activity]
type = "picky"
question = "Yes?"
"""


def test_simulated_participants_try_again_when_accept_refuses() -> None:
    with Rehearsal(PICKY_AGENDA, plugins=[PickyPlugin()], seed=2) as rehearsal:
        values = rehearsal.simulate(10)
        assert values == [{"c": 1}] * 10


def test_the_consistency_check_catches_a_tally_that_does_not_remove() -> None:
    with Rehearsal(PICKY_AGENDA, plugins=[PickyPlugin()]) as rehearsal:
        rehearsal.answer({"c": "1"}, participant=0)
        rehearsal.retract(participant=0)
        with pytest.raises(AssertionError, match=r"check Tally\.remove"):
            rehearsal.assert_tally_consistent()


def test_isolated_plugins_hold_the_core_and_the_given_ones_only() -> None:
    kinds = set(isolated_plugins([PickyPlugin()]).activity_types)
    assert {"choice", "picky"} <= kinds
    assert "fist-to-five" not in kinds


def test_temporary_plugins_are_removed_afterwards() -> None:
    installed = default_plugins()
    temporary = TemporaryPlugins(installed)
    temporary.register(PickyPlugin(), "picky-plugin")
    assert installed.owner("picky") == "picky-plugin"
    temporary.undo()
    assert "picky" not in installed.activity_types
    assert "picky-plugin" not in installed.info
    assert "choice" in installed.activity_types


def test_the_fixture_makes_a_plugin_visible_to_facilitate_check(
    facilitate_plugins: TemporaryPlugins, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facilitate_plugins.register(PickyPlugin(), "picky-plugin")
    agenda = tmp_path / "picky.toml"
    agenda.write_text(PICKY_AGENDA, encoding="utf-8")
    assert cli.main(["check", str(agenda)]) == 0
    assert ": ok:" in capsys.readouterr().out


def test_the_workshop_fixture_uses_registered_plugins(
    facilitate_workshop: Workshop, facilitate_plugins: TemporaryPlugins
) -> None:
    facilitate_plugins.register(PickyPlugin(), "picky-plugin")
    rehearsal = facilitate_workshop(PICKY_AGENDA)
    rehearsal.simulate(3)
    assert rehearsal.text() == "3 yes"
    assert rehearsal.report() == rehearsal.view()


def test_the_workshop_fixture_closes_what_it_made(
    request: pytest.FixtureRequest,
) -> None:
    make = request.getfixturevalue("facilitate_workshop")
    rehearsal = make(AGENDA)
    assert isinstance(make, Rehearsals)
    make.close()
    assert rehearsal.engine.store.closed


def test_the_old_fixture_name_still_works_with_a_deprecation_warning(
    request: pytest.FixtureRequest, facilitate_plugins: TemporaryPlugins
) -> None:
    with pytest.warns(FacilitateDeprecationWarning) as caught:
        old = request.getfixturevalue("workshop")
    assert [str(warning.message) for warning in caught] == [
        "the fixture 'workshop' is now called 'facilitate_workshop'; the old name still"
        " works, but will stop working in facilitate 0.3"
    ]
    assert old is request.getfixturevalue("facilitate_workshop")
    facilitate_plugins.register(PickyPlugin(), "picky-plugin")
    assert old(PICKY_AGENDA).text() == "0 yes"


# -- the pytest plugin, in a run of its own ---------------------------------------------

UNRELATED_TESTS = """
import json, sys

def test_first():
    loaded = sorted(m for m in sys.modules if m.split(".")[0].startswith("facilitate"))
    with open("loaded.json", "w") as out:
        json.dump(loaded, out)
"""

OWN_WORKSHOP_FIXTURE = """
import pytest

@pytest.fixture
def workshop():
    return "mine"

def test_my_fixture_is_mine(workshop):
    assert workshop == "mine"
"""

FIXTURES_USED = """
from facilitate.testing import Rehearsal

def test_uses_facilitate_workshop(facilitate_workshop):
    rehearsal = facilitate_workshop('title = "T"\\n[[items]]\\ntitle = "A"\\nduration = "5m"')
    assert isinstance(rehearsal, Rehearsal)

def test_uses_the_old_name(workshop):
    assert callable(workshop)
"""


def run_pytest(folder: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_pytest_plugin_does_nothing_in_a_run_that_uses_none_of_its_fixtures(
    tmp_path: Path,
) -> None:
    """Installed facilitate adds its fixtures to every pytest run: only their names."""
    (tmp_path / "test_a_unrelated.py").write_text(UNRELATED_TESTS, encoding="utf-8")
    (tmp_path / "test_b_own_fixture.py").write_text(OWN_WORKSHOP_FIXTURE, encoding="utf-8")
    out = run_pytest(tmp_path)
    assert "2 passed" in out
    assert "warning" not in out  # a project's own `workshop` fixture is its own, silently
    loaded = json.loads((tmp_path / "loaded.json").read_text(encoding="utf-8"))
    assert loaded == ["facilitate", "facilitate.pytest_plugin"]


def test_the_fixtures_work_in_a_run_of_their_own_and_the_old_name_warns(tmp_path: Path) -> None:
    (tmp_path / "test_fixtures.py").write_text(FIXTURES_USED, encoding="utf-8")
    out = run_pytest(tmp_path, "-W", "always::DeprecationWarning")
    assert "2 passed" in out
    assert out.count("FacilitateDeprecationWarning: the fixture 'workshop' is now called") == 1
    line = FIXTURES_USED.splitlines().index("def test_uses_the_old_name(workshop):") + 1
    assert f"test_fixtures.py:{line}: FacilitateDeprecationWarning" in out  # the test using it


def test_show_can_draw_the_report_section() -> None:
    with Rehearsal(AGENDA) as rehearsal:
        rehearsal.simulate(3, "pick")
        shown = asyncio.run(rehearsal.show("pick", report=True, size=(60, 12)))
        assert "Pears" in shown.text


def test_the_written_report_shows_the_item_as_facilitate_report_would() -> None:
    with Rehearsal(AGENDA, seed=1) as rehearsal:
        rehearsal.simulate(2, "pick")
        assert "Apples" not in rehearsal.written_report("md")  # fewer than k = 3 answers
        assert "Apples" in rehearsal.written_report("md", include_small=True)
        rehearsal.simulate(4, "pick")
        markdown = rehearsal.written_report("md")
        assert "# Harness" in markdown
        assert "Apples" in markdown
        assert rehearsal.written_report("html").lstrip().lower().startswith("<!doctype html")


class ClashingPlugin:
    """Provides a type whose kind the core already has."""

    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(type("Clash", (Picky,), {"kind": "choice"}))


def test_a_plugin_that_fails_to_register_stops_the_test_with_the_reason() -> None:
    with pytest.raises(PluginFailedToRegister, match=r"provided by 'facilitate\.activities'"):
        isolated_plugins([ClashingPlugin()])
    installed = default_plugins()
    with pytest.raises(PluginFailedToRegister, match="'clash' failed to register"):
        TemporaryPlugins(installed).register(ClashingPlugin(), "clash")
    assert "clash" not in installed.info
    assert installed.owner("choice") == "core"
