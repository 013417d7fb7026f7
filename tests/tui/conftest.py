"""A workshop with one item of every core activity type, built for stable TUI tests."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.random_answers import form_answer
from facilitate.store import Store
from facilitate.tui.app import FacilitateApp

JOIN_URL = "http://192.0.2.1:8000/j/123456"
JOIN_CODE = "123 456"

AGENDA = """
title = "TUI test day"
k = 3

[[items]]
id = "welcome"
title = "Welcome"
duration = "10m"
notes = "Say hello. Show the join code."

[[items]]
id = "choice"
title = "Pick one"
duration = "5m"
[items.activity]
type = "choice"
question = "Which first?"
options = ["Passwords", "Backups", "Phones"]

[[items]]
id = "multi"
title = "Pick some"
duration = "5m"
[items.activity]
type = "multi"
question = "Which do you use?"
options = ["Screen lock", "Two-step login", "Encrypted chat", "None yet"]
min = 0

[[items]]
id = "scale"
title = "How are you?"
duration = "3m"
[items.activity]
type = "scale"
question = "How are you arriving?"
min = 1
max = 5
labels = ["Tired", "Ready"]

[[items]]
id = "text"
title = "What helps?"
duration = "5m"
[items.activity]
type = "text"
question = "One thing that helps you stay safe"

[[items]]
id = "wordcloud"
title = "Safe means"
duration = "4m"
[items.activity]
type = "wordcloud"
question = "Feeling safe means..."

[[items]]
id = "ranking"
title = "Worries"
duration = "6m"
[items.activity]
type = "ranking"
question = "Which worries you most?"
options = ["Messages read", "Being followed", "Smears online"]

[[items]]
id = "quiz"
title = "Quiz"
duration = "4m"
[items.activity]
type = "quiz"
question = "Which protection does stalkerware switch off?"
options = ["Bluetooth", "Play Protect", "Dark mode"]
correct = "Play Protect"
explanation = "It needs Play Protect off to stay hidden."
"""

KINDS = ("choice", "multi", "scale", "text", "wordcloud", "ranking", "quiz")


def available_kinds() -> list[str]:
    from facilitate.plugins import default_plugins

    known = default_plugins().activity_types
    return [kind for kind in KINDS if kind in known]


def agenda_text() -> str:
    """The agenda without the items whose activity type is not installed (yet)."""
    kinds = set(available_kinds())
    blocks = AGENDA.split("[[items]]")
    kept = [blocks[0]]
    for block in blocks[1:]:
        kind = next(
            (line.split('"')[1] for line in block.splitlines() if line.startswith("type =")),
            None,
        )
        if kind is None or kind in kinds:
            kept.append(block)
    return "[[items]]".join(kept)


def make_engine(clock: ManualClock | None = None, store: Store | None = None) -> Engine:
    engine = Engine.new(loads_agenda(agenda_text()), store, clock=clock or ManualClock())
    engine.join_code = JOIN_CODE
    return engine


def make_app(engine: Engine, language: str = "en") -> FacilitateApp:
    """The app as the CLI builds it, with a fixed join URL and the console in ``language``
    (not the system's, so the tests read the same everywhere)."""
    return FacilitateApp(engine, join_url=JOIN_URL, language=language)


async def answer(engine: Engine, item_id: str, count: int, seed: int = 7) -> None:
    """``count`` devices join and answer ``item_id`` with random valid answers."""
    rng = random.Random(seed)
    form = engine.form(item_id)
    for _ in range(count):
        token = engine.join()
        await engine.submit(token, item_id, form_answer(form, rng))


def approve_all(engine: Engine, item_id: str) -> None:
    pending = engine.pending(item_id)
    if pending:
        engine.approve(item_id, [p.id for p in pending])


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(clock: ManualClock) -> Engine:
    return make_engine(clock)


@pytest.fixture
def sessions(facilitate_home: Path) -> Path:
    return facilitate_home / "sessions"


async def redrawn(pilot: Any) -> None:
    """Wait until the app has drawn what the engine now holds, however busy the machine.

    The app redraws at most ten times a second (coalesced), so a fixed pause can end
    before the next redraw on a loaded machine; this waits for the redraw itself.
    """
    app = pilot.app
    app.mark_dirty()
    deadline = time.monotonic() + 5
    while app._dirty and time.monotonic() < deadline:
        await pilot.pause(0.02)
    await pilot.pause()


# -- the first-party plugins' types, as the shipped agendas use them ----------------------

SHIPPED = Path(__file__).resolve().parents[2] / "facilitate" / "agendas"
PLUGIN_ITEMS = (
    ("integrated-security", "risk-map"),
    ("integrated-security", "post-strategies"),
    ("integrated-security", "mark-strategies"),
    ("due-diligence", "five-ps"),
    ("due-diligence", "evaluation"),
)
"""One item of every first-party plugin type (riskmap, strategies, strategies-vote,
duediligence, evaluation), taken from the agendas that ship with facilitate."""


def plugin_day(language: str = "en") -> str:
    """An agenda of the shipped plugin items, in ``language`` (the room's)."""
    import tomllib

    import tomli_w

    items = [{"id": "welcome", "title": "Welcome", "duration": "10m"}]
    for agenda, item_id in PLUGIN_ITEMS:
        with open(SHIPPED / f"{agenda}.toml", "rb") as source:
            found = tomllib.load(source)["items"]
        items += [item for item in found if item["id"] == item_id]
    return tomli_w.dumps({"title": "Plugin day", "language": language, "k": 3, "items": items})


def plugin_kinds() -> list[str]:
    """The plugin items' ids whose type is installed."""
    from facilitate.plugins import default_plugins

    known = default_plugins().activity_types
    day = loads_agenda(plugin_day())
    return [item.id for item in day.items if item.activity and item.activity.type in known]


def make_plugin_engine(
    language: str = "en", clock: ManualClock | None = None, store: Store | None = None
) -> Engine:
    engine = Engine.new(loads_agenda(plugin_day(language)), store, clock=clock or ManualClock())
    engine.join_code = JOIN_CODE
    return engine
