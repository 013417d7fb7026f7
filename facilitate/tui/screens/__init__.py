"""Screens of the facilitator UI: the console, the projector, and the modal dialogs.

Loaded on first use, so the console's first frame does not wait for the dialogs' widgets.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from facilitate.tui.screens.console import ConsoleScreen
    from facilitate.tui.screens.help import HelpScreen
    from facilitate.tui.screens.moderation import ModerationScreen
    from facilitate.tui.screens.projector import ProjectorScreen
    from facilitate.tui.screens.quit import QuitScreen
    from facilitate.tui.screens.wifi import WifiScreen
    from facilitate.tui.screens.wipe import WipeScreen

__all__ = [
    "ConsoleScreen",
    "HelpScreen",
    "ModerationScreen",
    "ProjectorScreen",
    "QuitScreen",
    "WifiScreen",
    "WipeScreen",
]

_HOMES = {
    "ConsoleScreen": "console",
    "HelpScreen": "help",
    "ModerationScreen": "moderation",
    "ProjectorScreen": "projector",
    "QuitScreen": "quit",
    "WifiScreen": "wifi",
    "WipeScreen": "wipe",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
