"""A plugin that declares its activity types (the ``facilitate.types`` entry points) is
imported only when one of them is needed; one that declares nothing is imported at
start-up, as plugins written for 0.1 expect. Either way, every type works."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from facilitate import plugins
from facilitate.agenda import loads_agenda
from facilitate.api import ActivityType, hookimpl
from facilitate.plugins import Plugins, UnknownActivityType

TYPE_MODULE = """
from attrs import frozen

from facilitate.api import ActivityType, Form, Tally, TextField, View, Words, hookimpl, setting


@frozen
class Config:
    question: str = setting(help="the question")


class Counted(Tally):
    def __init__(self):
        self.answers = 0

    def add(self, value):
        self.answers += 1

    def remove(self, value):
        self.answers -= 1

    def result(self):
        return self.answers


def make(kind_name):
    class Kind(ActivityType):
        kind = kind_name
        Config = globals()["Config"]

        def form(self, config, context):
            return Form(fields=[TextField(name="word", label=config.question)])

        def tally(self, config, context):
            return Counted()

        def view(self, config, result, context):
            return View(blocks=(Words(()),))

    return Kind


@hookimpl
def facilitate_activity_types(register):
    for kind in KINDS:
        register(make(kind))
"""


def install(root: Path, name: str, kinds: list[str], *, declared: list[str] | None = None) -> str:
    """A plugin module and its dist-info, as pip would leave them: ``kinds`` registered,
    ``declared`` (default: none) listed in ``facilitate.types``."""
    module = f"fake_{name.replace('-', '_')}"
    source = f"KINDS = {kinds!r}\n" + textwrap.dedent(TYPE_MODULE)
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    dist_info = root / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n", encoding="utf-8"
    )
    entry_points = f"[facilitate]\n{name} = {module}\n"
    if declared:
        entry_points += "\n[facilitate.types]\n" + "".join(f"{k} = {module}\n" for k in declared)
    (dist_info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    return module


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Three plugins next to the real ones, for this test only: one declaring its type,
    one declaring one of its two types, one declaring nothing (as in 0.1)."""
    modules = {
        "lazy": install(tmp_path, "lazy", ["lazy-kind"], declared=["lazy-kind"]),
        "partly": install(tmp_path, "partly", ["said", "unsaid"], declared=["said"]),
        "eager": install(tmp_path, "eager", ["eager-kind"]),
    }
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("FACILITATE_PLUGINS", "core,lazy,partly,eager")
    monkeypatch.setattr(plugins, "_default", None)
    for module in modules.values():
        monkeypatch.delitem(sys.modules, module, raising=False)
    return modules


def imported(module: str) -> bool:
    return module in sys.modules


def agenda(kind: str) -> str:
    return textwrap.dedent(
        f"""
        title = "Day"
        [[items]]
        id = "one"
        title = "One"
        duration = "5m"
        [items.activity]
        type = "{kind}"
        question = "Which word?"
        """
    )


def test_a_plugin_that_declares_its_types_waits_until_one_is_used(
    installed: dict[str, str],
) -> None:
    loaded = Plugins()
    assert not imported(installed["lazy"]) and not imported(installed["partly"])
    assert imported(installed["eager"])  # declares nothing: imported at start-up, as in 0.1
    assert loaded.waiting() == ["lazy", "partly"]
    day = loads_agenda(agenda("lazy-kind"), plugins=loaded)
    assert imported(installed["lazy"]) and not imported(installed["partly"])
    assert day.items[0].activity is not None and day.items[0].activity.type == "lazy-kind"
    assert loaded.owner("lazy-kind") == "lazy"
    assert loaded.waiting() == ["partly"]


def test_an_agenda_of_core_types_imports_none_of_the_declared_plugins(
    installed: dict[str, str],
) -> None:
    loaded = Plugins()
    loads_agenda(agenda("text"), plugins=loaded)
    assert not imported(installed["lazy"]) and not imported(installed["partly"])


def test_a_type_its_plugin_forgot_to_declare_still_works(installed: dict[str, str]) -> None:
    loaded = Plugins()
    loads_agenda(agenda("unsaid"), plugins=loaded)
    assert loaded.owner("unsaid") == "partly"


def test_listing_types_or_plugins_imports_every_plugin(installed: dict[str, str]) -> None:
    loaded = Plugins()
    assert {"lazy-kind", "said", "unsaid", "eager-kind", "choice"} <= set(loaded.activity_types)
    assert loaded.waiting() == []
    described = {info.name: info for info in Plugins().describe()}
    assert described["lazy"].activity_types == ["lazy-kind"]
    assert described["partly"].activity_types == ["said", "unsaid"]


def test_an_unknown_type_names_every_installed_type(installed: dict[str, str]) -> None:
    loaded = Plugins()
    with pytest.raises(UnknownActivityType) as raised:
        loaded.activity_type("nothing-like-it")
    assert {"lazy-kind", "said", "unsaid", "eager-kind"} <= set(raised.value.installed)
    with pytest.raises(ValueError, match="lazy-kind"):  # the agenda error lists it too
        loads_agenda(agenda("nothing-like-it"), plugins=Plugins())


def test_a_declared_plugin_that_fails_is_found_when_its_type_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = "fake_broken_lazy"
    (tmp_path / f"{module}.py").write_text('raise RuntimeError("cannot start")\n')
    dist_info = tmp_path / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(
        f"[facilitate]\nbroken-lazy = {module}\n\n[facilitate.types]\nbroken = {module}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("FACILITATE_PLUGINS", "core,broken-lazy")
    loaded = Plugins()
    assert loaded.waiting() == ["broken-lazy"]
    with pytest.raises(UnknownActivityType):
        loaded.activity_type("broken")
    assert "RuntimeError: cannot start" in (loaded.info["broken-lazy"].error or "")
    assert loaded.activity_type("choice").kind == "choice"  # the rest still works


def test_the_shipped_plugins_declare_what_they_register() -> None:
    """Each first-party plugin's ``facilitate.types`` entries are exactly the types it
    registers (a type missing from the list would cost every workshop its import)."""
    loaded = Plugins()
    for name in ("riskmap", "strategies", "duediligence", "evaluation"):
        declared = sorted(kind for kind, owner in loaded._declared.items() if owner == name)
        assert declared, f"{name} declares no types"
        loaded.load_all()
        registered = sorted(loaded.info[name].activity_types)
        assert declared == registered, name
        loaded = Plugins()


# -- types registered by reference ------------------------------------------------------

REFERENCE_PLUGIN = """
from facilitate.api import hookimpl


@hookimpl
def facilitate_activity_types(register):
    register("{module}_types:make_kind", kind="by-reference")
    register("{module}_types:WRONG", kind="wrong-kind")
    register("{module}_missing:Nothing", kind="missing")
"""

REFERENCED_TYPES = (
    TYPE_MODULE.split("@hookimpl")[0]
    + """
make_kind = make("by-reference")
WRONG = make("not-what-it-says")
"""
)


@pytest.fixture
def by_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A plugin registering three types by reference: one good, one whose class has
    another kind, one whose module is not there."""
    module = "fake_by_reference"
    (tmp_path / f"{module}.py").write_text(REFERENCE_PLUGIN.format(module=module))
    (tmp_path / f"{module}_types.py").write_text(REFERENCED_TYPES)
    dist_info = tmp_path / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[facilitate]\nreferences = {module}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("FACILITATE_PLUGINS", "core,references")
    for name in (module, f"{module}_types"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return module


def test_a_type_registered_by_reference_is_imported_when_first_asked_for(
    by_reference: str,
) -> None:
    loaded = Plugins()
    assert imported(by_reference) and not imported(f"{by_reference}_types")
    assert loaded.owner("by-reference") == "references"  # known without importing it
    assert "by-reference" in loaded._info["references"].activity_types
    day = loads_agenda(agenda("by-reference"), plugins=loaded)
    assert imported(f"{by_reference}_types")
    assert day.items[0].activity is not None and day.items[0].activity.type == "by-reference"


def test_a_reference_that_does_not_hold_is_the_plugins_error(by_reference: str) -> None:
    loaded = Plugins()
    with pytest.raises(UnknownActivityType):
        loaded.activity_type("wrong-kind")
    error = loaded.info["references"].error or ""
    assert "type 'wrong-kind': TypeError: " in error
    assert "not an ActivityType of kind 'wrong-kind'" in error
    missing = "type 'missing': ModuleNotFoundError: No module named 'fake_by_reference_missing'"
    assert missing in error
    assert "importlib" not in error  # the place named is the plugin's, not the import's
    assert loaded.activity_type("by-reference").kind == "by-reference"  # the rest works
    assert loaded.info["references"].activity_types == ["by-reference"]


def test_a_reference_without_its_kind_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = "fake_kindless"
    (tmp_path / f"{module}.py").write_text(
        "from facilitate.api import hookimpl\n\n\n@hookimpl\n"
        "def facilitate_activity_types(register):\n    register('somewhere:Type')\n"
    )
    loaded = Plugins(entry_points=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded.add(__import__(module), "kindless")
    assert "register('module:Class', kind='its kind')" in (loaded.info["kindless"].error or "")


def test_the_core_types_are_registered_by_reference() -> None:
    """The core plugin names each type's class without importing it (every core kind is
    one an agenda may not use)."""
    from facilitate.activities import CORE_TYPE_REFERENCES

    loaded = Plugins(entry_points=False)
    loaded.add(__import__("facilitate.activities", fromlist=["x"]), "core")
    assert sorted(loaded._by_reference) == sorted(CORE_TYPE_REFERENCES)
    assert sorted(loaded._info["core"].activity_types) == sorted(CORE_TYPE_REFERENCES)
    for kind in CORE_TYPE_REFERENCES:
        assert loaded.activity_type(kind).kind == kind
    assert loaded._by_reference == {}


def test_a_kind_registered_by_reference_is_not_given_to_another_plugin() -> None:
    class Clashing:
        @hookimpl
        def facilitate_activity_types(self, register: Any) -> None:
            register(type("Clash", (ActivityType,), {"kind": "quiz"}))

    loaded = Plugins(entry_points=False)
    loaded.add(__import__("facilitate.activities", fromlist=["x"]), "core")
    loaded.add(Clashing(), "clashing")
    assert "already provided by 'core'" in (loaded._info["clashing"].error or "")
    assert loaded.owner("quiz") == "core"
