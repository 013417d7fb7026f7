"""The facilitator's Textual app: the engine, the participant server and the two screens.

The console speaks the facilitator's language (``language``, by default the system's);
the projector speaks the room's (the agenda's), from :func:`facilitate.room.room_view`.
Every key goes through :func:`facilitate.commands.perform`, as the web control page and
rehearsals do; the screen changes at once, and what the action did is said once it is
saved (or that it could not be). Notifications are for the facilitator: while the
projector is shown they wait, and appear once the console is back. While the session
cannot be saved, the console says so first, in a banner; and when saving works again.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import shlex
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from attrs import evolve, frozen
from textual.app import App, InvalidModeError
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.reactive import Reactive
from textual.screen import Screen
from textual.theme import Theme

from facilitate import events
from facilitate.commands import CommandError, Done, NotSaved, perform
from facilitate.engine import Engine
from facilitate.faults import SAVING_AGAIN, StorageError, storage_banner
from facilitate.i18n import Translator, system_language, translator
from facilitate.render import terminal
from facilitate.reprs import attrs_repr
from facilitate.text import one_line
from facilitate.tui.screens.base import WorkshopScreen
from facilitate.tui.screens.console import ConsoleScreen

if TYPE_CHECKING:
    from facilitate.tui.screens.wifi import Wifi
    from facilitate.tui.widgets.paged import PagedResult

log = logging.getLogger(__name__)

REFRESH_SECONDS = 0.1
"""How often the clock is looked at (the timer's digits, the agenda's times)."""
ANSWERS_SECONDS = 0.25
"""Answers only mark the screen dirty; what they change is drawn at most this often
(a facilitator's key, a resize, a switch of screens are drawn at once)."""
BUSY_ANSWERS_PER_SECOND = 100
BUSY_ANSWERS_SECONDS = 1.0
"""While more than ``BUSY_ANSWERS_PER_SECOND`` answers keep arriving (they did since the
last time they were drawn), they are drawn once every ``BUSY_ANSWERS_SECONDS``: a frame
of the console costs the room's loop about the same whatever it shows, and a crowd
answering needs the loop more than the counts need to move four times a second. A
single burst is drawn at the usual pace."""
CONSOLE, PROJECTOR = "console", "projector"

CONTRAST = Theme(
    name="facilitate-contrast",
    primary=terminal.SKY_BLUE,
    secondary=terminal.ORANGE,
    accent=terminal.PURPLE,
    warning=terminal.ORANGE,
    error=terminal.VERMILLION,
    success=terminal.GREEN,
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    dark=True,
)


def projector_screen() -> Screen[None]:
    """The terminal projector, built (and its QR code and pages imported) when first shown:
    the console's first frame does not wait for a screen the room may never see."""
    from facilitate.tui.screens.projector import ProjectorScreen

    return ProjectorScreen()


class ParticipantServer(Protocol):
    """What the app needs of :func:`facilitate.server.start_server`'s result."""

    @property
    def join_url(self) -> str: ...

    @property
    def local_url(self) -> str: ...

    async def stop(self) -> None: ...


StartServer = Callable[[Engine], Awaitable[ParticipantServer]]
Simulate = Callable[[Engine, ParticipantServer, asyncio.Event], Coroutine[Any, Any, Any]]
PageStepper = Callable[[ParticipantServer, Engine, int], None]


@frozen
class Notice:
    """A notification for the facilitator, kept so it can wait while the projector is up."""

    __repr__ = attrs_repr

    message: str
    title: str
    severity: SeverityLevel
    timeout: float | None
    markup: bool
    until: float = 0.0
    """When its toast goes away (``time.monotonic``), once shown."""


class FacilitateApp(App[int]):
    """Drives one session: the CLI passes a server starter, tests a fixed join URL."""

    CSS_PATH = "app.tcss"
    TITLE = "facilitate"
    MODES = {PROJECTOR: projector_screen}
    """The console is the default screen (:meth:`get_default_screen`); the projector a
    mode, built when first shown."""
    DEFAULT_MODE = CONSOLE
    ENABLE_COMMAND_PALETTE = False
    theme: Reactive[str] = Reactive(CONTRAST.name)
    """High contrast from the start: a theme set once the app exists makes Textual parse
    and apply every style again before the first frame."""

    def __init__(
        self,
        engine: Engine,
        *,
        language: str | None = None,
        start_server: StartServer | None = None,
        join_url: str = "",
        simulate: Simulate | None = None,
        simulated: int = 0,
        note: str = "",
        resume_options: Sequence[str] = (),
        page_stepper: PageStepper | None = None,
    ) -> None:
        super().__init__()
        self.register_theme(CONTRAST)
        self.t: Translator = translator(language or system_language())
        """The facilitator's language: the console, its dialogs and notifications."""
        self._note = note
        self.page_stepper = page_stepper
        """Steps the web projector's page with ours (the CLI gives it: the app does not
        import the server)."""
        self.resume_options = tuple(resume_options)
        """The options the session was started with, for the resume command we suggest."""
        self.engine = engine
        self._start_server = start_server
        self._join_url = join_url
        self._simulate = simulate
        self.simulated = simulated
        self.server: ParticipantServer | None = None
        self.wifi: Wifi | None = None
        self.startup_error: str | None = None
        self.redraws = 0
        self.held: list[Notice] = []
        """Notifications waiting for the console (the projector shows none)."""
        self._shown: list[Notice] = []
        self._dirty = True
        self._urgent = True
        self._drawn_at = 0.0
        self._arrived = 0
        """Answers (and moderation decisions) since they were last drawn."""
        self._busy = False
        """Whether they came faster than ``BUSY_ANSWERS_PER_SECOND`` until then."""
        self._unsubscribe: Callable[[], None] | None = None
        self._stop_simulation = asyncio.Event()
        self._simulation: asyncio.Task[Any] | None = None
        self._unmounted = False
        self.wiped = False
        """Set by the panic key once the session is erased (see :meth:`wipe_and_quit`)."""
        self.started = asyncio.Event()
        """Set once the participant server (if any) is up, or has failed to start."""
        self._confirmations: set[asyncio.Future[None]] = set()
        self.result_page: tuple[str, int] = ("", 0)
        """The page of a long result the terminal projector shows: (item id, page)."""
        self.projector_result: PagedResult | None = None
        """The terminal projector's result region, once it has been shown."""

    # -- life cycle ----------------------------------------------------------

    def get_theme(self, theme_name: str) -> Theme | None:
        # Asked for before __init__ can register it (the class's theme is CONTRAST).
        return CONTRAST if theme_name == CONTRAST.name else super().get_theme(theme_name)

    def get_default_screen(self) -> Screen[None]:
        """The console, drawn first. A mode's first screen makes Textual parse and apply
        every style a second time before drawing it, so the console is the default
        screen instead, and becomes the console mode only once it exists (for
        :meth:`switch_view`)."""
        with contextlib.suppress(InvalidModeError):  # already added
            self.add_mode(CONSOLE, ConsoleScreen)
        return ConsoleScreen()

    async def on_mount(self) -> None:
        self._unsubscribe = self.engine.subscribe(self._on_engine_event)
        self.engine.watch_storage()
        self.set_interval(REFRESH_SECONDS, self._tick)
        # The console is drawn first; the server (and aiohttp's import) comes right after,
        # so the facilitator sees the workshop well under a second after typing the command.
        self.call_after_refresh(self._start_services)

    async def _start_services(self) -> None:
        try:
            if self._start_server is not None:
                try:
                    self.server = await self._start_server(self.engine)
                except Exception as error:  # a port in use, say: say so and leave cleanly
                    self.startup_error = f"the participant server did not start: {error}"
                    self.exit(1)
                    return
                if self._unmounted:  # the facilitator quit while it was starting
                    await self.server.stop()
                    self.server = None
                    return
                self.mark_dirty()
            if self._simulate is not None and self.server is not None:
                self._simulation = asyncio.create_task(
                    self._simulate(self.engine, self.server, self._stop_simulation)
                )
                self._simulation.add_done_callback(self._simulation_ended)
            if self.server is not None and self.wifi is not None:
                self._share_wifi()
        finally:
            self.started.set()
            self.settle_memory()

    @staticmethod
    def settle_memory() -> None:
        """If start-up paused the garbage collector (the CLI does, see
        :func:`facilitate.tui.cli.collector_paused`): collect once, freeze what is left
        (it lives as long as the app: the collector need not walk it again) and turn
        collection back on. Called once the first frame is drawn and the server started."""
        if gc.isenabled():
            return
        gc.collect()
        gc.freeze()
        gc.enable()

    async def on_unmount(self) -> None:
        self._unmounted = True
        if self._unsubscribe:
            self._unsubscribe()
        self._stop_simulation.set()
        if self._simulation is not None:
            try:
                await asyncio.wait_for(self._simulation, timeout=3)
            except (TimeoutError, asyncio.CancelledError):
                pass
            except Exception:
                log.exception("the simulation failed")
        if self.server is not None:
            await self.server.stop()

    async def wipe_and_quit(self) -> None:
        """The panic key, once confirmed: stop taking answers, erase the session, quit.

        The server stops first, so no answer arrives into a session being erased. If
        erasing fails the app stays up and says why: it must never look wiped when not.
        """
        self._stop_simulation.set()
        server, self.server = self.server, None
        if server is not None:
            try:
                await server.stop()
            except Exception:
                log.exception("the participant server did not stop cleanly")
        try:
            self.engine.wipe()
        except Exception as error:
            log.exception("wiping the session failed")
            self.notify(
                self.t.gettext(
                    "The session could not be wiped: {problem}",
                    problem=one_line(f"{type(error).__name__}: {error}"),
                ),
                severity="error",
                markup=False,
                timeout=30,
            )
            return
        self.wiped = True
        self.exit(0)

    def _simulation_ended(self, task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = one_line(str(task.exception()))
            self.notify(
                self.t.gettext("The simulated phones stopped: {error}", error=error),
                severity="error",
                markup=False,
            )

    # -- the engine ------------------------------------------------------------

    def _on_engine_event(self, event: events.Event) -> None:
        # On the answer path: note it and return; the drawing happens at the next tick.
        self._dirty = True
        if isinstance(event, events.AnswersChanged | events.ModerationChanged):
            self._arrived += 1
        else:
            self._urgent = True  # a facilitator's action (from the control page, say)
        if isinstance(event, events.StorageChanged):
            if event.ok:
                self.notify(self.t.gettext(SAVING_AGAIN), markup=False, timeout=10)
            else:
                banner = storage_banner(self.engine.storage_fault, self.t)
                self.notify(banner, severity="error", markup=False, timeout=30)
        elif isinstance(event, events.PluginFailed):
            message = one_line(event.message)
            self.notify(
                self.t.gettext("A plugin failed: {message}", message=message),
                severity="error",
                markup=False,
            )

    def mark_dirty(self) -> None:
        """Draw everything that changed at the next tick, answers too, however recently
        they were drawn (a resize, another screen, the server started)."""
        self._dirty = True
        self._urgent = True
        self._drawn_at = 0.0

    def perform(self, name: str, **params: Any) -> Done | None:
        """Run a facilitator command (:mod:`facilitate.commands`) and say what it did.

        The screen shows the change at once; what it did is said once it is saved (as
        :func:`~facilitate.commands.perform_durably` confirms), or that it could not be.
        A refused command changes nothing and says why; a failure is shown, never fatal.
        """
        done: Done | None = None
        mark = self.engine.store.mark()
        try:
            done = perform(self.engine, name, params)
        except CommandError as error:
            self.notify(error.text(self.t), severity="warning", markup=False)
        except Exception as error:
            log.exception("facilitator command %r failed", name)
            problem = one_line(f"{type(error).__name__}: {error}")
            self.notify(
                self.t.gettext("That did not work: {problem}", problem=problem),
                severity="error",
                markup=False,
            )
        else:
            confirming = asyncio.ensure_future(self._confirm(done, mark))
            self._confirmations.add(confirming)
            confirming.add_done_callback(self._confirmations.discard)
        self._dirty = self._urgent = True  # drawn now; answers that came, at their pace
        self._tick()
        return done

    async def _confirm(self, done: Done, mark: int) -> None:
        """Say what an action did once it is saved; or that it is not."""
        try:
            await self.engine.store.settled(mark)
        except StorageError as error:
            failed = NotSaved(done, error)
            self.notify(failed.text(self.t), severity="error", markup=False, timeout=15)
            return
        except RuntimeError:  # the session was closed (or wiped) meanwhile
            return
        said = done.text(self.t)
        if said:
            # Said in the frame after the key's own: a toast is laid out (the whole
            # screen is), and what the key changed is drawn first.
            self.call_after_refresh(self.notify, said, markup=False)

    def workshop_screen(self) -> WorkshopScreen | None:
        """The console or projector: the full screen under any dialogs."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, WorkshopScreen):
                return screen
        return None

    def _tick(self) -> None:
        screen = self.workshop_screen()
        if screen is None:
            return
        now = time.monotonic()
        # Answers arriving are drawn a few times a second, not once each: the room's
        # loop (answers, live updates) keeps its time for the room. A facilitator's key
        # is drawn at once, with what phones changed as it was last drawn: its frame
        # holds what the key changed, and the answers follow at their own pace.
        since = now - self._drawn_at
        pace = BUSY_ANSWERS_SECONDS if self._busy else ANSWERS_SECONDS
        answers = self._dirty and since >= pace
        full = answers or (self._dirty and self._urgent)
        if full:
            self._urgent = False
            self.redraws += 1
        if answers:
            self._busy = self._arrived > BUSY_ANSWERS_PER_SECOND * since
            self._dirty = False
            self._drawn_at = now
            self._arrived = 0
        try:
            screen.sync(full=full, answers=answers)
        except NoMatches:  # the screen is being built or taken down
            self._dirty = self._dirty or full
            self._urgent = self._urgent or (full and not answers)

    def projector_pages(self) -> tuple[int, int] | None:
        """The terminal projector's page of the current result and its page count, once
        it has laid the result out in more than one page."""
        result = self.projector_result
        if result is None or not result.is_mounted or result.pages < 2:
            return None
        return result.page, result.pages

    # -- notifications: the facilitator's, never the room's ------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notification on the console; while the projector is up, keep it back.

        Nothing meant for the facilitator is drawn in front of the room: what is said
        while the projector is shown waits until the console is back.
        """
        notice = Notice(message, title, severity, timeout, markup)
        if self.current_mode == PROJECTOR:
            self.held.append(notice)
            return
        self._show(notice)

    def _show(self, notice: Notice) -> None:
        lasts = self.NOTIFICATION_TIMEOUT if notice.timeout is None else notice.timeout
        self._shown.append(evolve(notice, until=time.monotonic() + lasts))
        super().notify(
            notice.message,
            title=notice.title,
            severity=notice.severity,
            timeout=notice.timeout,
            markup=notice.markup,
        )

    def _hold_toasts(self) -> None:
        """Take the console's toasts down before the projector goes up; they come back."""
        now = time.monotonic()
        self.held = [n for n in self._shown if n.until > now] + self.held
        self._shown = []
        self.clear_notifications()

    def _release_held(self) -> None:
        held, self.held = self.held, []
        for notice in held:
            self._show(notice)

    # -- what the screens show ---------------------------------------------------

    @property
    def join_url(self) -> str:
        return self.server.join_url if self.server is not None else self._join_url

    @property
    def note(self) -> str:
        """What the facilitator should know about how phones reach the server."""
        if self._start_server is not None and self.server is None and not self.started.is_set():
            return self.t.gettext("starting the participant server…")
        # The server's note is looked up too: a sentence in the catalog reads translated.
        note = getattr(self.server, "note", "") or self._note
        said = [self.t.gettext(note)] if note else []
        # And what it says about connections (a low open-file limit, a crowd).
        for warning in getattr(self.server, "warnings", ()):
            said.append(warning.text(self.t))
        return " · ".join(said)

    @property
    def resume_command(self) -> str:
        """How to continue this session, with the options it was started with."""
        return shlex.join(["facilitate", "resume", self.engine.store.id, *self.resume_options])

    @property
    def resume_hint(self) -> str:
        if self.engine.store.ephemeral:
            return self.t.gettext(
                "This session lives in memory only: quitting ends it and keeps nothing."
            )
        kept = self.t.gettext("The session is kept. Continue it later with:")
        return f"{kept}\n    {self.resume_command}"

    # -- pages of a long result ----------------------------------------------------

    def result_page_of(self, item_id: str) -> int:
        """The page of the item's result the terminal projector shows (0 for another's)."""
        shown, page = self.result_page
        return page if shown == item_id else 0

    def step_page(self, step: int) -> None:
        """Show the next (``step`` 1) or previous (-1) page of a long result, on the
        terminal projector and on the web projector alike (each has its own pages)."""
        item_id = self.engine.current.id
        pages = self.projector_result.pages if self.projector_result is not None else None
        page = self.result_page_of(item_id) + step
        page = max(0, page if pages is None else min(page, pages - 1))
        self.result_page = (item_id, page)
        if self.page_stepper is not None and self.server is not None:
            try:
                self.page_stepper(self.server, self.engine, step)
            except Exception:  # the web projector's page is a courtesy; the console goes on
                log.exception("the web projector's page did not change")
        self.mark_dirty()
        self._tick()

    def switch_view(self) -> None:
        if self.current_mode == CONSOLE:
            self._hold_toasts()
            self.switch_mode(PROJECTOR)
        else:
            self.switch_mode(CONSOLE)
            self._release_held()
        self.mark_dirty()

    def set_wifi(self, wifi: Wifi | bool | None) -> None:
        from facilitate.tui.screens.wifi import Wifi

        if wifi is False:
            return
        self.wifi = wifi if isinstance(wifi, Wifi) else None
        self.mark_dirty()
        self._share_wifi()

    def _share_wifi(self) -> None:
        """The web projector shows the same Wi-Fi code, or takes it down with ours."""
        set_wifi = getattr(self.server, "set_wifi", None)
        if not callable(set_wifi):
            return
        try:
            set_wifi(self.wifi.payload if self.wifi is not None else None)
        except Exception as error:
            log.exception("the web projector did not take the Wi-Fi code")
            self.notify(
                self.t.gettext(
                    "The web projector did not take the Wi-Fi code: {error}",
                    error=one_line(str(error)),
                ),
                severity="error",
                markup=False,
            )
