"""The facilitator's Textual app: the engine, the participant server and the two screens."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import App
from textual.css.query import NoMatches
from textual.theme import Theme

from facilitate import events
from facilitate.engine import Engine
from facilitate.text import one_line
from facilitate.tui import render
from facilitate.tui.screens.base import WorkshopScreen
from facilitate.tui.screens.console import ConsoleScreen
from facilitate.tui.screens.projector import ProjectorScreen

if TYPE_CHECKING:
    from facilitate.tui.screens.wifi import Wifi

log = logging.getLogger(__name__)

REFRESH_SECONDS = 0.1
"""Engine events only mark the screen dirty; it is redrawn at most this often."""

CONTRAST = Theme(
    name="facilitate-contrast",
    primary=render.SKY_BLUE,
    secondary=render.ORANGE,
    accent=render.PURPLE,
    warning=render.ORANGE,
    error=render.VERMILLION,
    success=render.GREEN,
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


class FacilitateApp(App[int]):
    """Drives one session. Build it with :func:`build_app`, for the CLI and tests alike."""

    CSS_PATH = "app.tcss"
    TITLE = "facilitate"
    MODES = {"console": ConsoleScreen, "projector": ProjectorScreen}
    DEFAULT_MODE = "console"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        engine: Engine,
        *,
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
        self._dirty = True
        self._unsubscribe: Callable[[], None] | None = None
        self._stop_simulation = asyncio.Event()
        self._simulation: asyncio.Task[Any] | None = None
        self._unmounted = False
        self.started = asyncio.Event()
        """Set once the participant server (if any) is up, or has failed to start."""

    # -- life cycle ----------------------------------------------------------

    async def on_mount(self) -> None:
        self._unsubscribe = self.engine.subscribe(self._on_engine_event)
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

    def _simulation_ended(self, task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            self.notify(
                one_line(f"The simulated phones stopped: {error}"), severity="error", markup=False
            )

    # -- the engine ------------------------------------------------------------

    def _on_engine_event(self, event: events.Event) -> None:
        self._dirty = True
        if isinstance(event, events.PluginFailed):
            self.notify(
                f"A plugin failed: {one_line(event.message)}", severity="error", markup=False
            )

    def mark_dirty(self) -> None:
        self._dirty = True

    def act(self, action: Callable[[Engine], Any]) -> None:
        """Run a facilitator action on the engine; an error is shown, never fatal."""
        try:
            action(self.engine)
        except Exception as error:
            log.exception("facilitator action failed")
            self.notify(
                one_line(f"{type(error).__name__}: {error}"), severity="error", markup=False
            )
        self._dirty = True
        self._tick()

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

    # -- what the screens show ---------------------------------------------------

    @property
    def join_url(self) -> str:
        return self.server.join_url if self.server is not None else self._join_url

    @property
    def note(self) -> str:
        """What the facilitator should know about how phones reach the server."""
        if self._start_server is not None and self.server is None and not self.started.is_set():
            return "starting the participant server…"
        return getattr(self.server, "note", "") or self._note

    @property
    def resume_hint(self) -> str:
        if self.engine.store.ephemeral:
            return "This session lives in memory only: quitting ends it and keeps nothing."
        return (
            "The session is kept. Continue it later with:\n"
            f"    facilitate resume {self.engine.store.id}"
        )

    def switch_view(self) -> None:
        self.switch_mode("projector" if self.current_mode == "console" else "console")
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
                one_line(f"The web projector did not take the Wi-Fi code: {error}"),
                severity="error",
                markup=False,
            )


def build_app(
    engine: Engine,
    *,
    start_server: StartServer | None = None,
    join_url: str = "",
    simulate: Simulate | None = None,
    simulated: int = 0,
    note: str = "",
) -> FacilitateApp:
    """The one way to build the app: the CLI passes a server starter, tests a fixed URL."""
    return FacilitateApp(
        engine,
        start_server=start_server,
        join_url=join_url,
        simulate=simulate,
        simulated=simulated,
        note=note,
    )
