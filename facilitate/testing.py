"""Rehearse a workshop in memory with simulated participants: the plugin test harness.

A :class:`Rehearsal` runs the real engine on a manual clock and an in-memory store, so a
plugin's form, accept, tally, view and report can be exercised without a phone or a
terminal. The pytest fixtures ``facilitate_workshop`` (a :class:`Workshop`) and
``facilitate_plugins`` (a :class:`TemporaryPlugins`) come from
:mod:`facilitate.pytest_plugin`, which pytest loads by itself wherever facilitate is
installed. Textual is imported only by :meth:`Rehearsal.show`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from attrs import frozen

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import WAITING, Engine, ItemRun
from facilitate.forms import AnswerError, Form
from facilitate.model import Agenda
from facilitate.plugins import Plugins, default_plugins
from facilitate.random_answers import form_answer
from facilitate.render.text import render_text
from facilitate.reprs import attrs_repr
from facilitate.views import (
    View,
)

T = TypeVar("T")

__all__ = [
    "PluginFailedToRegister",
    "Rehearsal",
    "Shown",
    "TemporaryPlugins",
    "Workshop",
    "installed_plugins",
    "isolated_plugins",
    "render_text",
    "show_view",
]

SIMULATED_ATTEMPTS = 50
"""How often a simulated participant tries a new random answer that ``accept`` refused."""

ItemRef = str | int | None
"""An item by id, by position in the agenda (0 is the first), or ``None`` for the current one."""


def _run(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to the end from synchronous code, even inside a running loop."""

    async def main() -> T:
        return await make()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    # Called from an async test: the engine needs no particular loop, so use a private one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def isolated_plugins(plugins: Iterable[Any] = ()) -> Plugins:
    """The core activity types plus these plugin objects, ignoring what is installed."""
    from facilitate import activities as core_activities

    wanted = [core_activities, *(p for p in plugins if p is not core_activities)]
    isolated = Plugins(entry_points=False, extra=wanted)
    for info in isolated.describe():
        _raise_if_failed(isolated, info.name)
    return isolated


class PluginFailedToRegister(RuntimeError):
    """A plugin given to the harness raised or registered something wrong."""


def _raise_if_failed(plugins: Plugins, name: str) -> None:
    # The plugin manager records such errors and goes on, as a workshop must; a test
    # should stop and say why instead.
    error = plugins.info[name].error
    if error:
        raise PluginFailedToRegister(f"plugin {name!r} failed to register: {error}")


def installed_plugins() -> Plugins:
    """The plugins installed in this environment, loaded afresh from their entry points."""
    return Plugins()


class Rehearsal:
    """A workshop in memory: the real engine, a manual clock, simulated participants.

    ``agenda`` is TOML text, a path to a TOML file, or an :class:`Agenda`. ``plugins``
    is a :class:`Plugins`, or plugin objects (modules) to use with the core types and
    nothing else installed; by default the installed plugins are used (with whatever the
    ``facilitate_plugins`` fixture added). ``seed`` makes simulated answers repeatable.
    """

    def __init__(
        self,
        agenda: Agenda | str | Path,
        *,
        plugins: Plugins | Iterable[Any] | None = None,
        seed: int = 0,
    ) -> None:
        if plugins is None:
            self.plugins = default_plugins()
        elif isinstance(plugins, Plugins):
            self.plugins = plugins
        else:
            self.plugins = isolated_plugins(plugins)
        if isinstance(agenda, Path):
            agenda = loads_agenda(agenda.read_text(encoding="utf-8"), str(agenda), self.plugins)
        elif isinstance(agenda, str):
            agenda = loads_agenda(agenda, "<rehearsal>", self.plugins)
        self.clock = ManualClock()
        self.engine = Engine.new(agenda, plugins=self.plugins, clock=self.clock)
        self.rng = random.Random(seed)
        self.participants: list[str] = []
        self.events: list[Any] = []
        self.engine.subscribe(self.events.append)

    def __enter__(self) -> Rehearsal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the in-memory store's writer; the rehearsal cannot be used afterwards."""
        if not self.engine.store.closed:
            self.engine.close()

    # -- the agenda ------------------------------------------------------------

    @property
    def agenda(self) -> Agenda:
        return self.engine.agenda

    def item_id(self, item: ItemRef = None) -> str:
        """The id of an item given by id, by position, or ``None`` for the current one."""
        if item is None:
            return self.engine.current.id
        if isinstance(item, int):
            return self.agenda.items[item].id
        self.agenda.item(item)  # a KeyError names an unknown id
        return item

    def run(self, item: ItemRef = None) -> ItemRun:
        """What the engine knows of an item: phase, answers, tally, error."""
        return self.engine.run(self.item_id(item))

    def config(self, item: ItemRef = None) -> Any:
        """The item's checked config (the activity type's ``Config`` instance)."""
        activity = self.run(item).item.activity
        if activity is None:
            raise KeyError(f"item {self.item_id(item)!r} has no activity")
        return activity.config

    def activity_type(self, item: ItemRef = None) -> Any:
        return self.engine.activity_type(self.run(item).item)

    def form(self, item: ItemRef = None) -> Form:
        return self.engine.form(self.item_id(item))

    def advance(self, seconds: float) -> None:
        """Let time pass on the rehearsal's clock."""
        self.clock.advance(seconds)

    # -- the facilitator -------------------------------------------------------

    def goto(self, item: ItemRef) -> None:
        self.engine.goto(self.agenda.index_of(self.item_id(item)))

    def open(self, item: ItemRef = None) -> None:
        """Make the item current and open it for answers."""
        self.goto(self.item_id(item))
        self.engine.open_answering()

    def close_answering(self, item: ItemRef = None) -> None:
        self.goto(self.item_id(item))
        self.engine.close_answering()

    def reveal(self, item: ItemRef = None) -> None:
        """Make the item current and show its results to the room."""
        self.goto(self.item_id(item))
        self.engine.reveal()

    def approve_all(self, item: ItemRef = None) -> int:
        """Approve every free text waiting for moderation; returns how many."""
        item_id = self.item_id(item)
        return self.engine.approve(item_id, [p.id for p in self.engine.pending(item_id)])

    def reject_all(self, item: ItemRef = None) -> int:
        item_id = self.item_id(item)
        return self.engine.reject(item_id, [p.id for p in self.engine.pending(item_id)])

    # -- participants ------------------------------------------------------------

    def join(self, count: int = 1) -> list[str]:
        """``count`` more participants join; returns their device tokens."""
        tokens = [self.engine.join() for _ in range(count)]
        self.participants.extend(tokens)
        return tokens

    def _ready(self, item: ItemRef) -> str:
        item_id = self.item_id(item)
        if self.engine.run(item_id).phase == WAITING:
            self.open(item_id)
        return item_id

    async def answer_async(
        self,
        raw: Mapping[str, str | Sequence[str]],
        item: ItemRef = None,
        *,
        participant: int | str | None = None,
    ) -> dict[str, Any]:
        """Submit raw form data (what a browser posts) as one participant; returns the value kept.

        An item that was never opened is opened first, as a facilitator would; a closed
        one refuses with ``AnswerError("closed")``. ``participant`` is a token or an
        index into :attr:`participants` (a new participant joins if it is ``None``).
        """
        item_id = self._ready(item)
        token = self._token(participant)
        form_data = {
            key: [value] if isinstance(value, str) else list(value) for key, value in raw.items()
        }
        return await self.engine.submit(token, item_id, form_data)

    def answer(
        self,
        raw: Mapping[str, str | Sequence[str]],
        item: ItemRef = None,
        *,
        participant: int | str | None = None,
    ) -> dict[str, Any]:
        """:meth:`answer_async` for synchronous tests."""
        return _run(lambda: self.answer_async(raw, item, participant=participant))

    def retract(self, item: ItemRef = None, *, participant: int | str) -> bool:
        item_id = self.item_id(item)
        token = self._token(participant)
        return _run(lambda: self.engine.retract(token, item_id))

    async def simulate_async(self, count: int, item: ItemRef = None) -> list[dict[str, Any]]:
        """The first ``count`` participants (joining as needed) each give a random valid answer.

        Answers are raw form data made by :func:`facilitate.random_answers.form_answer`, so they
        go through the same parsing and ``accept`` as a person's; one that ``accept``
        refuses is replaced by another random one, as a person would try again. Returns
        the values kept.
        """
        item_id = self._ready(item)
        if len(self.participants) < count:
            self.join(count - len(self.participants))
        form = self.engine.form(item_id)
        values = []
        for token in self.participants[:count]:
            for attempt in range(SIMULATED_ATTEMPTS):
                raw = form_answer(form, self.rng, self.agenda.language)
                try:
                    values.append(await self.engine.submit(token, item_id, raw))
                    break
                except AnswerError as error:
                    # A person told "please ..." by the type's accept tries again; so do we.
                    if error.code == "closed" or attempt == SIMULATED_ATTEMPTS - 1:
                        raise
        return values

    def simulate(self, count: int, item: ItemRef = None) -> list[dict[str, Any]]:
        """:meth:`simulate_async` for synchronous tests."""
        return _run(lambda: self.simulate_async(count, item))

    def _token(self, participant: int | str | None) -> str:
        if participant is None:
            return self.join()[0]
        if isinstance(participant, int):
            while len(self.participants) <= participant:
                self.join()
            return self.participants[participant]
        return participant

    # -- results -----------------------------------------------------------------

    def result(self, item: ItemRef = None) -> Any:
        """The running tally's result (free text counts only once approved)."""
        return self.engine.result(self.item_id(item))

    def fresh_result(self, item: ItemRef = None) -> Any:
        """The result computed from scratch by the type's ``tally`` over the answers kept."""
        run = self.run(item)
        answers = [self.engine.answers.visible(run, value) for value in run.answers.values()]
        context = self.engine.context(self.item_id(item))
        return self.activity_type(item).tally(self.config(item), answers, context)

    def assert_tally_consistent(self, item: ItemRef = None) -> Any:
        """Check the running tally equals a fresh one (adds and removes add up); returns it."""
        running, fresh = self.result(item), self.fresh_result(item)
        assert running == fresh, (
            f"item {self.item_id(item)!r}: the running tally gives {running!r} but tallying "
            f"the same answers from scratch gives {fresh!r}; check Tally.remove"
        )
        return running

    def view(self, item: ItemRef = None) -> View:
        """What the facilitator's console shows of the result, whatever the room may see."""
        return tuple(self.engine.view(self.item_id(item)))

    def public_view(self, item: ItemRef = None) -> View | None:
        """What the projector shows: ``None`` until revealed with at least k answers."""
        from facilitate.room import public_view

        view = public_view(self.engine, self.item_id(item))
        return None if view is None else tuple(view)

    def report(self, item: ItemRef = None) -> View:
        """The item's report section: the blocks its type's ``report`` gives for the result."""
        return tuple(self.engine.report(self.item_id(item)))

    def written_report(self, format: str = "md", *, include_small: bool = False) -> str:
        """The whole session's report as ``facilitate report`` writes it (md, html, csv, json).

        Items with fewer than k answers show "not enough answers" unless ``include_small``.
        """
        from facilitate.report import render
        from facilitate.report.collect import collect

        self.engine.store.flush()
        return render(collect(self.engine, include_small=include_small), format)

    def text(self, item: ItemRef = None, *, report: bool = False) -> str:
        """The view (or report section) drawn as plain text, for assertions."""
        return render_text(self.report(item) if report else self.view(item))

    async def show(
        self, item: ItemRef = None, *, size: tuple[int, int] = (100, 30), report: bool = False
    ) -> Shown:
        """Draw the item's view in a real Textual app (headless, driven by a Pilot).

        Returns the screen as text and as an SVG screenshot. Uses the TUI's own block
        renderer when it is there, so what a test sees is what the projector shows.
        """
        view = self.report(item) if report else self.view(item)
        return await show_view(view, size=size)


# -- drawing ----------------------------------------------------------------------


@frozen
class Shown:
    """A view as a Textual app drew it: the screen's text lines and an SVG screenshot."""

    __repr__ = attrs_repr

    lines: tuple[str, ...]
    svg: str

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines).strip("\n")


def _renderable(view: View) -> Any:
    """The TUI's renderable for a view if the TUI is installed, else plain text."""
    try:
        from facilitate.render.terminal import render_view
    except ImportError:
        pass
    else:
        return render_view(view)
    from rich.text import Text

    return Text(render_text(view))  # a Text object, never markup: participant words are in it


async def show_view(view: View, *, size: tuple[int, int] = (100, 30)) -> Shown:
    """Draw view blocks in a headless Textual app and capture the screen."""
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    renderable = _renderable(view)

    class ViewApp(App[None]):
        def compose(self) -> ComposeResult:
            with VerticalScroll():
                yield Static(renderable, id="view")

    app = ViewApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = tuple(strip.text for strip in app.screen._compositor.render_strips())
        svg = app.export_screenshot()
    return Shown(lines, svg)


# -- what the pytest fixtures give (facilitate.pytest_plugin) ------------------------


class TemporaryPlugins:
    """Plugins registered for one test into the installed set, and removed afterwards."""

    def __init__(self, plugins: Plugins) -> None:
        self.plugins = plugins
        self._added: list[str] = []

    def register(self, plugin: Any, name: str | None = None) -> str:
        """Add a plugin object (a module, or an object with hookimpls) until the test ends.

        A plugin that is already installed (through its entry point) is left as it is,
        so the same test passes before and after ``pip install -e``.
        """
        manager = self.plugins.manager
        if manager.is_registered(plugin):
            return str(manager.get_name(plugin))
        registered = self.plugins.add(plugin, name)
        try:
            _raise_if_failed(self.plugins, registered)
        except PluginFailedToRegister:
            self.plugins.remove(registered)
            raise
        self._added.append(registered)
        return registered

    def undo(self) -> None:
        for name in reversed(self._added):
            self.plugins.remove(name)
        self._added.clear()


class Workshop(Protocol):
    """The ``facilitate_workshop`` fixture: call it with agenda TOML to get a rehearsal.

    ``rehearsal = facilitate_workshop(toml_text, seed=1)`` takes what :class:`Rehearsal`
    takes; every rehearsal it made is closed when the test ends.
    """

    def __call__(
        self,
        agenda: Agenda | str | Path,
        *,
        plugins: Plugins | Iterable[Any] | None = None,
        seed: int = 0,
    ) -> Rehearsal: ...


class Rehearsals:
    """A :class:`Workshop` that keeps what it made, to close it all at the end of a test."""

    def __init__(self) -> None:
        self.made: list[Rehearsal] = []

    def __call__(
        self,
        agenda: Agenda | str | Path,
        *,
        plugins: Plugins | Iterable[Any] | None = None,
        seed: int = 0,
    ) -> Rehearsal:
        rehearsal = Rehearsal(agenda, plugins=plugins, seed=seed)
        self.made.append(rehearsal)
        return rehearsal

    def close(self) -> None:
        for rehearsal in self.made:
            rehearsal.close()
        self.made.clear()
