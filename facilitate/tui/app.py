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
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from attrs import evolve, frozen
from textual.app import App
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.theme import Theme

from facilitate import events
from facilitate.commands import CommandError, Done, NotSaved, perform
from facilitate.engine import Engine
from facilitate.faults import SAVING_AGAIN, StorageError, storage_banner
from facilitate.i18n import Translator, system_language, translator
from facilitate.render import terminal
from facilitate.text import one_line
from facilitate.tui.screens.base import WorkshopScreen
from facilitate.tui.screens.console import ConsoleScreen
from facilitate.tui.screens.projector import ProjectorScreen

if TYPE_CHECKING:
    from facilitate.tui.screens.wifi import Wifi

log = logging.getLogger(__name__)

REFRESH_SECONDS = 0.1
"""Engine events only mark the screen dirty; it is redrawn at most this often."""
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


class ParticipantServer(Protocol):
    """What the app needs of :func:`facilitate.server.start_server`'s result."""

    @property
    def join_url(self) -> str: ...

    @property
    def local_url(self) -> str: ...

    async def stop(self) -> None: ...


StartServer = Callable[[Engine], Awaitable[ParticipantServer]]
Simulate = Callable[[Engine, ParticipantServer, asyncio.Event], Coroutine[Any, Any, Any]]


@frozen
class Notice:
    """A notification for the facilitator, kept so it can wait while the projector is up."""

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
    MODES = {CONSOLE: ConsoleScreen, PROJECTOR: ProjectorScreen}
    DEFAULT_MODE = CONSOLE
    ENABLE_COMMAND_PALETTE = False

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
    ) -> None:
        super().__init__()
        # The theme is set before the first style pass: set in on_mount, it would make
        # Textual parse and apply every style a second time before the first frame.
        self.register_theme(CONTRAST)
        self.theme = CONTRAST.name
        self.t: Translator = translator(language or system_language())
        """The facilitator's language: the console, its dialogs and notifications."""
        self._note = note
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
        self._unsubscribe: Callable[[], None] | None = None
        self._stop_simulation = asyncio.Event()
        self._simulation: asyncio.Task[Any] | None = None
        self._unmounted = False
        self.wiped = False
        """Set by the panic key once the session is erased (see :meth:`wipe_and_quit`)."""
        self.started = asyncio.Event()
        """Set once the participant server (if any) is up, or has failed to start."""
        self._confirmations: set[asyncio.Future[None]] = set()

    # -- life cycle ----------------------------------------------------------

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
                self._dirty = True
            if self._simulate is not None and self.server is not None:
                self._simulation = asyncio.create_task(
                    self._simulate(self.engine, self.server, self._stop_simulation)
                )
                self._simulation.add_done_callback(self._simulation_ended)
            if self.server is not None and self.wifi is not None:
                self._share_wifi()
        finally:
            self.started.set()

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
        self._dirty = True
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
        self._dirty = True

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
        self._dirty = True
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
            self.notify(said, markup=False)

    def _workshop_screen(self) -> WorkshopScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, WorkshopScreen):
                return screen
        return None

    def _tick(self) -> None:
        screen = self._workshop_screen()
        if screen is None:
            return
        full, self._dirty = self._dirty, False
        if full:
            self.redraws += 1
        try:
            screen.sync(full=full)
        except NoMatches:  # the screen is being built or taken down
            self._dirty = self._dirty or full

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
    def resume_hint(self) -> str:
        if self.engine.store.ephemeral:
            return self.t.gettext(
                "This session lives in memory only: quitting ends it and keeps nothing."
            )
        kept = self.t.gettext("The session is kept. Continue it later with:")
        return f"{kept}\n    facilitate resume {self.engine.store.id}"

    def switch_view(self) -> None:
        if self.current_mode == CONSOLE:
            self._hold_toasts()
            self.switch_mode(PROJECTOR)
        else:
            self.switch_mode(CONSOLE)
            self._release_held()
        self._dirty = True

    def set_wifi(self, wifi: Wifi | bool | None) -> None:
        from facilitate.tui.screens.wifi import Wifi

        if wifi is False:
            return
        self.wifi = wifi if isinstance(wifi, Wifi) else None
        self._dirty = True
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
