"""`a` shows where the web projector and the control page are: the projector's address
at once, the control page's (and a QR code for a co-facilitator's phone) only when asked,
since a console is often mirrored to the projector."""

from __future__ import annotations

from facilitate.engine import Engine
from facilitate.tui.app import FacilitateApp
from facilitate.tui.screens import ConsoleScreen, HelpScreen
from facilitate.tui.screens.addresses import AddressesScreen
from facilitate.tui.widgets import QRCode

from .conftest import make_app

SIZE = (120, 50)


class AddressedServer:
    """A running server as the app sees it, with the addresses RunningServer has."""

    join_url = "http://192.0.2.1:8000/j/123456"
    local_url = "http://127.0.0.1:8000"
    base_url = "http://192.0.2.1:8000"
    note = ""

    def __init__(self, engine: Engine) -> None:
        self.screen_url = f"{self.local_url}/screen/{engine.projector_secret}"
        self.control_url = f"{self.local_url}/control/{engine.facilitator_secret}"

    async def stop(self) -> None:
        pass


def screen_text(app: FacilitateApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_shows_the_projector_then_on_c_the_control_page_and_its_code(
    engine: Engine,
) -> None:
    server = AddressedServer(engine)

    async def start(engine: Engine) -> object:
        return server

    app = FacilitateApp(engine, start_server=start, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await app.started.wait()
        await pilot.press("a")
        assert isinstance(app.screen, AddressesScreen)
        shown = screen_text(app)
        assert server.screen_url in shown
        assert engine.facilitator_secret not in shown  # not until asked for
        assert not app.screen.query(QRCode)
        await pilot.press("c")
        await pilot.pause()
        shown = screen_text(app)
        phone = f"{server.base_url}/control/{engine.facilitator_secret}"
        assert server.control_url in shown and phone in shown
        assert "never on the projector" in shown
        assert app.screen.query_one("#control-qr", QRCode).data == phone
        await pilot.press("escape")
        assert isinstance(app.screen, ConsoleScreen)


async def test_without_a_server_the_dialog_says_so(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert "The participant server is not running." in screen_text(app)
        await pilot.press("c")  # nothing to show, nothing breaks
        await pilot.press("escape")
        assert isinstance(app.screen, ConsoleScreen)


async def test_help_lists_the_addresses_key(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "control page's addresses" in screen_text(app)
