"""Where the web projector and the control page are, for a browser or a co-facilitator.

The projector's address opens nothing but the projector, so it is shown at once. The
control page's address drives the whole workshop, and a console is often mirrored to
the projector, so it (and the QR code that carries it to a co-facilitator's phone) is
shown only when asked for, with a warning.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from facilitate.i18n import N_
from facilitate.tui.screens.base import Dialog
from facilitate.tui.widgets.qr import TOO_SMALL, QRCode

QR_ROWS = 24
"""Rows for the control page's QR code: a version-4 code with its quiet zone, two module
rows a row; the dialog scrolls on a smaller terminal."""


def server_addresses(server: object, control_secret: str) -> dict[str, str]:
    """The addresses a running server answers on: the projector and control pages on
    this laptop, and the control page on the network (for a phone). Empty without a
    server (a test, or one that failed to start)."""
    screen = str(getattr(server, "screen_url", "") or "")
    control = str(getattr(server, "control_url", "") or "")
    network = str(getattr(server, "base_url", "") or "")
    return {
        "screen": screen,
        "control": control,
        "phone": f"{network}/control/{control_secret}" if network and control else "",
    }


class AddressesScreen(Dialog[None]):
    """The projector's address; the control page's, and its QR code, once asked for."""

    BINDINGS = [
        Binding("c", "show_control", N_("control page")),
        Binding("escape,a,q", "close", N_("close")),
    ]

    def __init__(self, addresses: dict[str, str]) -> None:
        super().__init__()
        self.addresses = addresses

    def compose_dialog(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="dialog wide", id="addresses"):
            yield Static(Text(t.gettext("Projector and control page"), style="bold"))
            if not self.addresses.get("screen"):
                yield Static(Text(t.gettext("The participant server is not running.")))
            else:
                yield Static(
                    Text.assemble(
                        (t.gettext("Web projector (open it in a browser on this laptop):"), "bold"),
                        "\n",
                        self.addresses["screen"],
                    )
                )
                yield Static(id="control")
                yield Static(
                    Text(
                        t.gettext(
                            "c: show the control page's address and a QR code for a"
                            " co-facilitator's phone"
                        ),
                        style="italic",
                    ),
                    id="control-hint",
                )
            yield Static(Text(t.gettext("escape closes"), style="italic"))

    def action_show_control(self) -> None:
        if not self.addresses.get("control"):
            return
        t = self.t
        warning = t.gettext(
            "Anyone with this address can drive the workshop: show it to a co-facilitator,"
            " never on the projector."
        )
        self.query_one("#control", Static).update(
            Text.assemble(
                (warning, "bold"),
                "\n\n",
                (t.gettext("Control page on this laptop:"), "bold"),
                "\n",
                self.addresses["control"],
                "\n",
                (t.gettext("On a phone (scan the code):"), "bold"),
                "\n",
                self.addresses["phone"],
            )
        )
        hint = self.query_one("#control-hint", Static)
        if not self.query("#control-qr"):
            code = QRCode(self.addresses["phone"], id="control-qr")
            code.too_small = t.gettext(TOO_SMALL)
            code.styles.height = QR_ROWS
            self.query_one("#addresses", VerticalScroll).mount(code, before=hint)
            self.call_after_refresh(code.scroll_visible)  # the code whole, on a small terminal
        hint.display = False

    def action_close(self) -> None:
        self.dismiss(None)
