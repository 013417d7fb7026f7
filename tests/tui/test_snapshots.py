"""What both screens look like, for every core and first-party plugin type, at 80x24,
100x30 and 160x50 (the plugins' items in a Spanish room).

The setup is deterministic (manual clock, fixed join code and URL, seeded answers), so
a changed snapshot means a changed screen. Update with ``pytest --snapshot-update``
after looking at the new SVGs.
"""

from __future__ import annotations

import asyncio

import pytest

from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.tui.app import FacilitateApp

from .conftest import (
    answer,
    approve_all,
    available_kinds,
    make_app,
    make_engine,
    make_plugin_engine,
    plugin_kinds,
)

SIZES = {"80x24": (80, 24), "100x30": (100, 30), "160x50": (160, 50)}
SCREENS = {"console": (), "projector": ("tab",)}


def app_on(kind: str | None) -> FacilitateApp:
    """The app on an item of ``kind`` with six answers in, approved and revealed,
    its timer run for a minute and a half; on the opening talk if ``kind`` is None."""
    clock = ManualClock()
    engine = make_engine(clock)
    if kind is not None:
        answered(engine, kind)
    return timed_app(engine, clock, reveal=kind is not None)


def answered(engine: Engine, item_id: str, seed: int = 3) -> None:
    """Six answers to the item, approved."""
    engine.goto(engine.agenda.index_of(item_id))
    engine.open_answering()
    asyncio.run(answer(engine, item_id, 6, seed=seed))
    approve_all(engine, item_id)


def timed_app(engine: Engine, clock: ManualClock, *, reveal: bool = True) -> FacilitateApp:
    """The app, its item's results revealed and its timer run for a minute and a half."""
    if reveal:
        engine.reveal()
    engine.start_timer()
    clock.advance(90)
    return make_app(engine)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", available_kinds())
def test_activity_type(snap_compare, kind: str, screen: str, size: str) -> None:
    assert snap_compare(app_on(kind), press=SCREENS[screen], terminal_size=SIZES[size])


def plugin_app_on(item_id: str, language: str = "es") -> FacilitateApp:
    """The app on a first-party plugin's item, six answers in, approved and revealed
    (votes on strategies come after six strategies, approved)."""
    clock = ManualClock()
    engine = make_plugin_engine(language, clock)
    if item_id == "mark-strategies":
        answered(engine, "post-strategies", seed=5)
    answered(engine, item_id)
    return timed_app(engine, clock)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("item_id", plugin_kinds())
def test_plugin_type(snap_compare, item_id: str, screen: str, size: str) -> None:
    assert snap_compare(plugin_app_on(item_id), press=SCREENS[screen], terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_opening_talk_with_join_code(snap_compare, screen: str, size: str) -> None:
    assert snap_compare(app_on(None), press=SCREENS[screen], terminal_size=SIZES[size])


def app_with_free_text() -> FacilitateApp:
    clock = ManualClock()
    engine = make_engine(clock)
    engine.goto(engine.agenda.index_of("text"))
    engine.open_answering()
    asyncio.run(answer(engine, "text", 6, seed=3))
    return make_app(engine)


@pytest.mark.skipif("text" not in available_kinds(), reason="no free text type")
@pytest.mark.parametrize(
    "dialog,keys",
    [
        ("help", ("question_mark",)),
        ("quit", ("q",)),
        ("moderation", ("m",)),
        ("wifi", ("w",)),
        ("addresses", ("a",)),
        ("help-on-projector", ("tab", "question_mark")),
    ],
)
def test_dialogs_at_80x24(snap_compare, dialog: str, keys: tuple[str, ...]) -> None:
    assert snap_compare(app_with_free_text(), press=keys, terminal_size=(80, 24))
