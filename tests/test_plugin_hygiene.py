"""A broken plugin is named, refused or fenced off, and the workshop goes on without it."""

from __future__ import annotations

import ast
import json
import logging
import textwrap
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

from facilitate import cli, events, plugins
from facilitate.api import (
    ActivityType,
    ChoiceField,
    Form,
    ItemContext,
    Note,
    Tally,
    View,
    hookimpl,
    setting,
)
from facilitate.engine import PluginError
from facilitate.plugins import PluginRefused, Plugins
from facilitate.testing import Rehearsal, isolated_plugins

PACKAGE = Path(plugins.__file__).parent


# -- plugins that fail while loading ---------------------------------------------------


def install_fake_plugin(root: Path, name: str, source: str) -> None:
    """A module and a dist-info with a ``facilitate`` entry point, as pip would leave them."""
    module = f"fake_{name.replace('-', '_')}"
    (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist_info = root / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(
        f"[facilitate]\n{name} = {module}\n", encoding="utf-8"
    )


@pytest.fixture
def fake_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Installs three broken plugins on sys.path next to the real ones, for this test only."""
    install_fake_plugin(
        tmp_path,
        "broken-import",
        """
        raise RuntimeError("this plugin cannot start")
        """,
    )
    install_fake_plugin(
        tmp_path,
        "misspelled",
        """
        from facilitate.api import hookimpl

        @hookimpl
        def facilitate_activity_type(register):
            pass
        """,
    )
    install_fake_plugin(
        tmp_path,
        "bad-register",
        """
        from facilitate.api import hookimpl

        @hookimpl
        def facilitate_activity_types(register):
            register(object)
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("FACILITATE_PLUGINS", "core,broken-import,misspelled,bad-register")
    monkeypatch.setattr(plugins, "_default", None)
    return tmp_path


def test_a_plugin_that_fails_to_import_is_recorded_and_the_others_load(fake_plugins: Path) -> None:
    loaded = Plugins()
    assert "RuntimeError: this plugin cannot start" in (loaded.info["broken-import"].error or "")
    assert loaded.info["core"].error is None
    assert "choice" in loaded.activity_types


def test_a_misspelled_hook_is_refused_with_the_plugin_named(fake_plugins: Path) -> None:
    loaded = Plugins()
    error = loaded.info["misspelled"].error or ""
    assert "plugin 'misspelled' refused: unknown hook 'facilitate_activity_type'" in error
    assert "did you mean 'facilitate_activity_types'?" in error
    assert not loaded.manager.has_plugin("misspelled")
    loaded.manager.check_pending()  # nothing unknown is left registered


def test_a_plugin_registering_something_wrong_is_named(fake_plugins: Path) -> None:
    loaded = Plugins()
    error = loaded.info["bad-register"].error or ""
    assert "not an ActivityType" in error
    assert "fake_bad_register.py:6)" in error  # the line in the plugin that did it
    assert loaded.info["bad-register"].activity_types == []


def test_facilitate_plugins_shows_failed_plugins(
    fake_plugins: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "broken-import 1.0" in out
    assert "    FAILED: RuntimeError: this plugin cannot start" in out
    assert "    FAILED: plugin 'misspelled' refused: unknown hook" in out
    assert cli.main(["plugins", "--json"]) == 0
    listed = {entry["name"]: entry for entry in json.loads(capsys.readouterr().out)}
    assert listed["core"]["error"] is None
    assert listed["bad-register"]["error"]


def test_registering_a_misspelled_hook_by_hand_raises() -> None:
    class Misspelled:
        @hookimpl
        def facilitate_agenda_template(self, register: Any) -> None:
            pass

    with pytest.raises(PluginRefused) as error:
        Plugins(entry_points=False, extra=[Misspelled()])
    assert "unknown hook 'facilitate_agenda_template'" in str(error.value)
    assert "did you mean 'facilitate_agenda_templates'?" in str(error.value)


def test_check_pending_passes_once_the_installed_plugins_are_loaded() -> None:
    Plugins().manager.check_pending()


# -- hooks are called with keyword arguments ---------------------------------------------


def test_every_hook_call_in_facilitate_uses_keyword_arguments() -> None:
    """So a hook can gain an argument later without breaking older plugins."""
    positional = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "hook"
                and node.func.attr.startswith("facilitate_")
                and node.args
            ):
                positional.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert positional == []


def test_an_implementation_may_take_fewer_arguments_than_the_hook() -> None:
    seen: list[str] = []

    class Counter:
        @hookimpl
        def facilitate_event(self) -> None:
            seen.append("called")

    with Rehearsal(CHOICE_AGENDA, plugins=[Counter()]) as rehearsal:
        rehearsal.open("pick")
    assert seen


# -- plugins that fail while the workshop runs ---------------------------------------------


@frozen
class FlakyConfig:
    question: str = setting(help="the question, a string")
    fail_in: str = setting("tally", help="where to fail: form, tally or view")


class FlakyTally(Tally[int]):
    def __init__(self) -> None:
        self.answers = 0

    def add(self, value: dict[str, Any]) -> None:
        if value["pick"] == 1:
            raise ZeroDivisionError("the plugin's bug")
        self.answers += 1

    def remove(self, value: dict[str, Any]) -> None:
        self.answers -= 1

    def result(self) -> int:
        return self.answers


class Flaky(ActivityType[FlakyConfig, int]):
    kind = "flaky"
    title = "Flaky"
    Config = FlakyConfig

    def form(self, config: FlakyConfig, context: ItemContext) -> Form:
        if config.fail_in == "form":
            raise KeyError("no such form")
        return Form([ChoiceField(name="pick", label=config.question, options=("yes", "no"))])

    def new_tally(self, config: FlakyConfig, context: Any) -> FlakyTally:
        return FlakyTally()

    def count(self, result: int) -> int:
        return result

    def view(self, config: FlakyConfig, result: int, context: Any) -> View:
        if config.fail_in == "view":
            raise ValueError("cannot draw")
        return (Note(f"{result} answers"),)


class FlakyPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(Flaky)


CHOICE_AGENDA = """
title = "Plugins failing"
k = 1

[[items]]
id = "pick"
title = "Pick"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["A", "B"]
"""

FLAKY_AGENDA = """
title = "Plugins failing"
k = 1

[[items]]
id = "flaky"
title = "A flaky item"
duration = "5m"
[items.activity]
type = "flaky"
question = "Yes or no?"
fail_in = "{fail_in}"

[[items]]
id = "next"
title = "The next item"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["A", "B"]
"""


def flaky_rehearsal(fail_in: str) -> Rehearsal:
    with_flaky = isolated_plugins()
    with_flaky.add(FlakyPlugin(), "flaky-plugin")
    return Rehearsal(FLAKY_AGENDA.format(fail_in=fail_in), plugins=with_flaky)


def test_a_tally_that_raises_marks_the_item_and_names_the_plugin() -> None:
    with flaky_rehearsal("tally") as rehearsal:
        rehearsal.answer({"pick": "0"}, "flaky", participant=0)
        rehearsal.answer({"pick": "1"}, "flaky", participant=1)  # stored, but the tally fails
        error = rehearsal.run("flaky").error or ""
        assert "plugin 'flaky-plugin' failed in tally: ZeroDivisionError" in error
        failures = [e for e in rehearsal.events if isinstance(e, events.PluginFailed)]
        assert [(f.item_id, f.plugin) for f in failures] == [("flaky", "flaky-plugin")]
        assert rehearsal.run("flaky").count == 2  # the answer is kept for the report
        with pytest.raises(PluginError, match="flaky-plugin"):
            rehearsal.result("flaky")
        rehearsal.reveal("flaky")
        assert rehearsal.public_view("flaky") is None  # the room sees nothing broken


def test_the_facilitator_skips_a_failed_item_and_the_session_goes_on() -> None:
    with flaky_rehearsal("tally") as rehearsal:
        rehearsal.open("flaky")
        rehearsal.answer({"pick": "1"}, participant=0)
        assert rehearsal.run("flaky").error
        rehearsal.engine.skip_failed()
        assert rehearsal.engine.current.id == "next"
        rehearsal.simulate(4)
        assert rehearsal.assert_tally_consistent().answers == 4
        assert "4 answers" in rehearsal.text()


def test_a_view_that_raises_marks_the_item(caplog: pytest.LogCaptureFixture) -> None:
    with flaky_rehearsal("view") as rehearsal:
        rehearsal.answer({"pick": "0"}, "flaky")
        with caplog.at_level(logging.WARNING), pytest.raises(PluginError):
            rehearsal.view("flaky")
        assert "plugin 'flaky-plugin' failed in view: ValueError: cannot draw" in (
            rehearsal.run("flaky").error or ""
        )
        assert "flaky-plugin" in caplog.text


def test_a_form_that_raises_refuses_answers_without_stopping_the_engine() -> None:
    with flaky_rehearsal("form") as rehearsal:
        with pytest.raises(PluginError, match="plugin 'flaky-plugin' failed in form"):
            rehearsal.answer({"pick": "0"}, "flaky")
        rehearsal.engine.skip_failed()
        assert rehearsal.simulate(2)  # the next item takes answers


def test_an_observer_that_raises_is_logged_by_name(caplog: pytest.LogCaptureFixture) -> None:
    class Grumpy:
        @hookimpl
        def facilitate_event(self, event: Any) -> None:
            raise RuntimeError("observer bug")

    with_grumpy = isolated_plugins()
    with_grumpy.add(Grumpy(), "grumpy")
    with caplog.at_level(logging.WARNING), Rehearsal(CHOICE_AGENDA, plugins=with_grumpy) as r:
        r.simulate(3, "pick")
        assert r.result("pick").answers == 3
    assert "plugin grumpy failed observing" in caplog.text
