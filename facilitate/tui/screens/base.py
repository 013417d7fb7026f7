"""The keys of a running workshop, shared by the console and the projector screens.

They live on the two full screens (not the App) so that a modal dialog, such as the
Wi-Fi form, gets every key it needs (tab, letters) without moving the workshop on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType
from textual.screen import Screen

if TYPE_CHECKING:
    from facilitate.tui.app import FacilitateApp

MINUTE = 60

# In the footer's order: what a newcomer needs first fits even at 80 columns.
WORKSHOP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "help", "help", key_display="?"),
    Binding("space", "toggle_timer", "timer"),
    Binding("n", "next_item", "next"),
    Binding("p", "previous_item", "back"),
    Binding("o", "toggle_open", "answering"),
    Binding("r", "toggle_reveal", "reveal"),
    Binding("tab,s", "switch", "switch", key_display="tab"),
    Binding("q", "quit_workshop", "quit"),
    Binding("m", "moderate", "moderate", show=False),  # the hint and the queue say m
    Binding("plus,equals_sign", "extend(1)", "+1 min", key_display="+"),
    Binding("minus", "extend(-1)", "-1 min", key_display="-"),
    Binding("right_square_bracket", "extend(5)", "+5 min", key_display="]"),
    Binding("left_square_bracket", "extend(-5)", "-5 min", key_display="["),
    Binding("l", "toggle_lock", "lock"),
    Binding("w", "wifi", "Wi-Fi"),
    Binding("c", "rotate_code", "new code", show=False),
]


class WorkshopScreen(Screen[None]):
    """A full screen that shows the workshop and answers the facilitator's keys."""

    BINDINGS = WORKSHOP_BINDINGS

    @property
    def workshop(self) -> FacilitateApp:
        from facilitate.tui.app import FacilitateApp

        assert isinstance(self.app, FacilitateApp)
        return self.app

    def sync(self, *, full: bool) -> None:
        """Redraw from the engine: everything if ``full``, else just the clock."""

    def on_screen_resume(self) -> None:
        self.sync(full=True)

    def action_toggle_timer(self) -> None:
        self.workshop.act(lambda e: e.toggle_timer())

    def action_next_item(self) -> None:
        engine = self.workshop.engine
        if engine.current_run.error:
            self.workshop.act(lambda e: e.skip_failed())
        elif not engine.next():
            self.notify("This is the last item. Press q to end the session.")
        self.workshop.mark_dirty()

    def action_previous_item(self) -> None:
        if not self.workshop.engine.previous():
            self.notify("This is the first item.")
        self.workshop.mark_dirty()

    def action_extend(self, minutes: int) -> None:
        self.workshop.act(lambda e: e.extend(minutes * MINUTE))

    def action_toggle_open(self) -> None:
        run = self.workshop.engine.current_run
        if run.item.activity is None:
            self.notify("This item has no activity to answer.")
            return
        self.workshop.act(lambda e: e.toggle_open())

    def action_toggle_reveal(self) -> None:
        engine = self.workshop.engine
        run = engine.current_run
        if run.item.activity is None:
            self.notify("This item has no results to show.")
            return
        self.workshop.act(lambda e: e.toggle_reveal())
        if run.revealed and not engine.enough_answers(run.item.id):
            k = engine.agenda.k_for(run.item)
            self.notify(f"Revealed, but the room sees results only from {k} answers on.")

    def action_toggle_lock(self) -> None:
        self.workshop.act(lambda e: e.toggle_lock())
        locked = self.workshop.engine.locked
        self.notify("Room locked: no new phones can join." if locked else "Room open to join.")

    def action_rotate_code(self) -> None:
        self.workshop.act(lambda e: e.rotate_code())
        self.notify("New join code; phones already in stay in.")

    def action_moderate(self) -> None:
        from facilitate.tui.screens.moderation import ModerationScreen

        self.app.push_screen(ModerationScreen())

    def action_wifi(self) -> None:
        from facilitate.tui.screens.wifi import WifiScreen

        self.app.push_screen(WifiScreen(self.workshop.wifi), self.workshop.set_wifi)

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
