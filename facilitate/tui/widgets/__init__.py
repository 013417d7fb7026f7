"""Widgets of the facilitator UI: the big timer, the QR code, and the panels fed by the engine.

Loaded on first use, so the console's first frame does not wait for the projector's QR code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from facilitate.tui.widgets.qr import QRCode
    from facilitate.tui.widgets.timer import BigTimer

__all__ = ["BigTimer", "QRCode"]

_HOMES = {"BigTimer": "timer", "QRCode": "qr"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
