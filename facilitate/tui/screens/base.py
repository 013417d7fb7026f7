"""The keys of a running workshop, and the facilitator's language on every screen.

The workshop keys live on the two full screens (not the App) so that a modal dialog,
such as the Wi-Fi form, gets every key it needs (tab, letters) without moving the
workshop on. Each key runs a command of :mod:`facilitate.commands`, the same table the
web control page and rehearsals use.

Textual reads key descriptions from the class-level ``BINDINGS``, in one language; each
screen here gets its own copy described in the facilitator's (:func:`speak_bindings`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Container
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from facilitate.i18n import N_, Translator
from facilitate.tui.redraw import Fingerprints

if TYPE_CHECKING:
    from facilitate.tui.app import FacilitateApp

Result = TypeVar("Result")

MORE_TIME = Binding.Group(N_("±1 min"), compact=True)
MUCH_MORE_TIME = Binding.Group(N_("±5 min"), compact=True)
PAGES = Binding.Group(N_("page"), compact=True)

# In the footer's order; which of them the footer shows depends on its width, see
# FOOTER_PRIORITY (``?`` lists them all).
WORKSHOP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "help", N_("all keys"), key_display="?"),
    Binding("space", "perform('toggle_timer')", N_("timer"), key_display=N_("space")),
    Binding("n", "perform('next')", N_("next")),
    Binding("p", "perform('previous')", N_("back")),
    Binding("o", "perform('toggle_open')", N_("answering")),
    Binding("r", "perform('toggle_reveal')", N_("reveal")),
    Binding("m", "moderate", N_("moderate")),
    Binding("plus,equals_sign", "extend(1)", N_("+1 min"), key_display="+", group=MORE_TIME),
    Binding("minus", "extend(-1)", N_("-1 min"), key_display="-", group=MORE_TIME),
    Binding(
        "right_square_bracket", "extend(5)", N_("+5 min"), key_display="]", group=MUCH_MORE_TIME
    ),
    Binding(
        "left_square_bracket", "extend(-5)", N_("-5 min"), key_display="[", group=MUCH_MORE_TIME
    ),
    Binding("pageup,comma", "page(-1)", N_("previous page"), key_display="PgUp", group=PAGES),
    Binding("pagedown,full_stop", "page(1)", N_("next page"), key_display="PgDn", group=PAGES),
    Binding("l", "perform('toggle_lock')", N_("lock")),
    Binding("c", "perform('rotate')", N_("new code")),
    Binding("w", "wifi", N_("Wi-Fi")),
    Binding("a", "addresses", N_("addresses")),  # web projector, control page
    Binding("tab,s", "switch", N_("switch"), key_display="tab"),
    Binding("q", "quit_workshop", N_("quit")),
    # The panic key: asks first, then erases the session, stops the server and quits.
    Binding("exclamation_mark", "wipe_session", N_("wipe and quit"), key_display="!", show=False),
]

FOOTER_PRIORITY = (
    "help",
    "perform('toggle_timer')",
    "perform('next')",
    "perform('toggle_open')",
    "perform('toggle_reveal')",
    "switch",
    "perform('previous')",
    "quit_workshop",
    "moderate",
    "extend(1)",
    "perform('toggle_lock')",
    "wifi",
    "perform('rotate')",
    "addresses",
    "page(1)",
    "extend(5)",
)
"""The footer's keys, most used first: a narrow footer keeps the first that fit."""
FOOTER_ORDER = tuple(
    binding.action for binding in WORKSHOP_BINDINGS if isinstance(binding, Binding)
)
"""The order the footer shows its keys in, whichever it keeps."""


def facilitate_app(node: DOMNode) -> FacilitateApp:
    from facilitate.tui.app import FacilitateApp

    app = node.app
    assert isinstance(app, FacilitateApp)
    return app


def speak_bindings(node: DOMNode, t: Translator) -> None:
    """Describe ``node``'s keys in ``t``'s language (its own copy; the class keeps msgids).

    A key's name is translated too where it is a word ("space").
    """
    translated = {
        key: [_spoken(binding, t) for binding in bindings]
        for key, bindings in node._bindings.key_to_bindings.items()
    }
    node._bindings = BindingsMap.from_keys(translated)


def _spoken(binding: Binding, t: Translator) -> Binding:
    group = binding.group
    if group is not None:
        group = Binding.Group(t.gettext(group.description), compact=group.compact)
    return replace(
        binding,
        description=t.gettext(binding.description) if binding.description else "",
        key_display=t.gettext(binding.key_display) if binding.key_display else None,
        group=group,
    )


class Facilitated:
    """A screen of the facilitator's (a mixin): its keys and words in the facilitator's
    language."""

    def __init__(self) -> None:
        super().__init__()
        speak_bindings(cast(DOMNode, self), self.workshop.t)

    @property
    def workshop(self) -> FacilitateApp:
        return facilitate_app(cast(DOMNode, self))

    @property
    def t(self) -> Translator:
        """The facilitator's language."""
        return self.workshop.t


class WorkshopScreen(Facilitated, Screen[None]):
    """A full screen that shows the workshop and answers the facilitator's keys."""

    BINDINGS = WORKSHOP_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.drawn = Fingerprints()
        """What each panel was last drawn from (see :mod:`facilitate.tui.redraw`)."""

    def sync(self, *, full: bool, answers: bool = True) -> None:
        """Redraw from the engine: everything if ``full``, else just the clock; what
        phones changed only if ``answers`` (else as it was last drawn)."""

    def join_margin(self) -> tuple[int, int, int, int]:
        """Where this screen shows the join code, as a margin (top, right, bottom, left)
        a dialog over it leaves free."""
        return (0, 0, 0, 0)

    def on_screen_resume(self) -> None:
        self.sync(full=True)

    def action_perform(self, command: str) -> None:
        self.workshop.perform(command)

    def action_page(self, step: int) -> None:
        self.workshop.step_page(step)

    def action_extend(self, minutes: int) -> None:
        self.workshop.perform("extend", minutes=minutes)

    def action_moderate(self) -> None:
        from facilitate.tui.screens.moderation import ModerationScreen

        self.app.push_screen(ModerationScreen())

    def action_wifi(self) -> None:
        from facilitate.tui.screens.wifi import WifiScreen

        self.app.push_screen(WifiScreen(self.workshop.wifi), self.workshop.set_wifi)

    def action_addresses(self) -> None:
        from facilitate.tui.screens.addresses import AddressesScreen, server_addresses

        found = server_addresses(self.workshop.server, self.workshop.engine.facilitator_secret)
        self.app.push_screen(AddressesScreen(found))

    def action_switch(self) -> None:
        self.workshop.switch_view()

    def action_help(self) -> None:
        from facilitate.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit_workshop(self) -> None:
        from facilitate.tui.screens.quit import QuitScreen

        def decided(quit: bool | None) -> None:
            if quit:
                self.workshop.exit(0)

        self.app.push_screen(QuitScreen(self.workshop.resume_hint), decided)

    def action_wipe_session(self) -> None:
        from facilitate.tui.screens.wipe import WipeScreen

        def decided(wipe: bool | None) -> None:
            if wipe:
                self.app.run_worker(self.workshop.wipe_and_quit(), exclusive=True)

        self.app.push_screen(WipeScreen(ephemeral=self.workshop.engine.store.ephemeral), decided)


class Dialog(Facilitated, ModalScreen[Result]):
    """A dialog over either screen, in the facilitator's language.

    It never covers the join code: the dimmed backdrop (and the dialog in it) leaves
    out the part of the screen beneath that shows how to join (see
    :meth:`WorkshopScreen.join_margin`), so latecomers can still join while it is open.
    """

    def compose(self) -> ComposeResult:
        with Container(id="backdrop"):
            yield from self.compose_dialog()

    def compose_dialog(self) -> ComposeResult:
        """The dialog itself (a ``.dialog`` container), as ``compose`` would give it."""
        yield from ()

    def on_mount(self) -> None:
        self._leave_join_in_view()

    def on_resize(self) -> None:
        self._leave_join_in_view()

    def _leave_join_in_view(self) -> None:
        beneath = self.workshop.workshop_screen()
        margin = beneath.join_margin() if beneath is not None else (0, 0, 0, 0)
        self.query_one("#backdrop").styles.margin = margin
