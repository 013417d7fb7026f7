"""Widgets of the facilitator UI: the big timer, the QR code, and the panels fed by the engine."""

from facilitate.tui.widgets.qr import QRCode
from facilitate.tui.widgets.timer import BigTimer

__all__ = ["BigTimer", "QRCode"]
