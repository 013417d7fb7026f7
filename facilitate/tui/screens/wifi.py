"""Ask for the Wi-Fi network to show as a QR code; kept in memory only, never stored."""

from __future__ import annotations

from attrs import frozen
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from facilitate.i18n import N_
from facilitate.qr import wifi_qr_payload
from facilitate.reprs import attrs_repr
from facilitate.tui.screens.base import Dialog


@frozen
class Wifi:
    __repr__ = attrs_repr

    ssid: str
    payload: str


class WifiScreen(Dialog["Wifi | None | bool"]):
    """Returns a :class:`Wifi`, ``None`` to remove the code, or ``False`` to change nothing."""

    BINDINGS = [Binding("escape", "cancel", N_("cancel"))]

    def __init__(self, current: Wifi | None) -> None:
        super().__init__()
        self.current = current

    def compose_dialog(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Text(t.gettext("Wi-Fi QR code for the projector"), style="bold"))
            explanation = t.gettext(
                "Phones that scan it join your network. Kept in memory only; "
                "leave the password empty for an open network."
            )
            yield Static(Text(explanation, style="italic"))
            yield Input(placeholder=t.gettext("network name (SSID)"), id="ssid")
            yield Input(placeholder=t.gettext("password"), password=True, id="password")
            yield Static(id="wifi-error")
            with Horizontal(classes="buttons"):
                yield Button(t.gettext("Show"), variant="primary", id="show")
                if self.current is not None:
                    yield Button(t.gettext("Remove"), id="remove")
                yield Button(t.gettext("Cancel"), id="cancel")

    def on_mount(self) -> None:
        if self.app.is_headless:  # a steady cursor, so screenshots of tests are stable
            for field in self.query(Input):
                field.cursor_blink = False
        self.query_one("#ssid", Input).focus()

    @on(Input.Submitted, "#ssid")
    def _to_password(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#show")
    def _show(self) -> None:
        ssid = self.query_one("#ssid", Input).value
        password = self.query_one("#password", Input).value
        if not ssid:
            self._refuse(self.t.gettext("A Wi-Fi network needs a name (SSID)."))
            return
        try:
            payload = wifi_qr_payload(ssid, password, "WPA" if password else "nopass")
        except ValueError as error:  # not expected with a name and our security choice
            self._refuse(str(error))
            return
        self.dismiss(Wifi(ssid, payload))

    def _refuse(self, problem: str) -> None:
        self.query_one("#wifi-error", Static).update(Text(problem, style="bold"))

    @on(Button.Pressed, "#remove")
    def _remove(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
