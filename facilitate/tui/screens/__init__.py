"""Screens of the facilitator UI: the console, the projector, and the modal dialogs."""

from facilitate.tui.screens.console import ConsoleScreen
from facilitate.tui.screens.help import HelpScreen
from facilitate.tui.screens.moderation import ModerationScreen
from facilitate.tui.screens.projector import ProjectorScreen
from facilitate.tui.screens.quit import QuitScreen
from facilitate.tui.screens.wifi import WifiScreen

__all__ = [
    "ConsoleScreen",
    "HelpScreen",
    "ModerationScreen",
    "ProjectorScreen",
    "QuitScreen",
    "WifiScreen",
]
