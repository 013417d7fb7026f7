"""facilitate's attrs classes share one ``__repr__`` that reads exactly as attrs's own."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from facilitate.reprs import attrs_repr

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


def pair(**options: Any) -> tuple[type, type]:
    """The same class twice: with attrs's generated repr, and with the shared one."""

    def body(shared: bool) -> dict[str, Any]:
        namespace: dict[str, Any] = {
            "__annotations__": {"first": "Any", "hidden": "Any", "shown": "Any", "later": "Any"},
            "hidden": attrs.field(default=None, repr=False),
            "shown": attrs.field(default=0, repr=lambda value: f"<{value}>"),
            "later": attrs.field(init=False, default="x"),
        }
        if shared:
            namespace["__repr__"] = attrs_repr
        return namespace

    generated = attrs.define(type("Record", (), body(False)), **options)
    shared = attrs.define(type("Record", (), body(True)), **options)
    return generated, shared


@given(first=VALUES, hidden=VALUES, shown=VALUES)
def test_the_shared_repr_reads_as_attrs_writes_it(first: Any, hidden: Any, shown: Any) -> None:
    for options in ({}, {"frozen": True}, {"slots": False}):
        generated, shared = pair(**options)
        assert repr(shared(first, hidden, shown)) == repr(generated(first, hidden, shown))


def test_an_object_inside_itself_is_written_as_dots() -> None:
    generated, shared = pair()
    mine, theirs = shared([]), generated([])
    mine.first.append(mine)
    theirs.first.append(theirs)
    assert repr(mine) == repr(theirs) == "Record(first=[...], shown=<0>, later='x')"


FIRST_PARTY = [
    "facilitate",
    "facilitate_riskmap",
    "facilitate_strategies",
    "facilitate_duediligence",
    "facilitate_evaluation",
]


def modules() -> list[str]:
    found = []
    for name in FIRST_PARTY:
        package = importlib.import_module(name)
        found.append(name)
        found += [module.name for module in pkgutil.walk_packages(package.__path__, f"{name}.")]
    return found


def test_every_attrs_class_of_ours_shares_it() -> None:
    """A new class that forgets ``__repr__ = attrs_repr`` costs start-up a compiled
    method (facilitate/reprs.py): each class of ours shares this one."""
    own = []
    for name in modules():
        loaded = importlib.import_module(name)
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and attrs.has(value)
                and value.__module__ == loaded.__name__
                and value.__repr__ is not attrs_repr
            ):
                own.append(f"{value.__module__}.{value.__qualname__}")
    assert own == []
