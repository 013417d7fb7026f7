"""Free text waits here until the facilitator approves it for the room, or rejects it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from facilitate.i18n import N_
from facilitate.render.terminal import ORANGE
from facilitate.text import one_line
from facilitate.tui.screens.base import Dialog


class ModerationScreen(Dialog[None]):
    """Every pending text of the session, most frequent first; nothing shows until approved.

    Decisions go through the ``approve`` and ``reject`` commands, as on the control page.
    """

    BINDINGS = [
        Binding("a,enter", "decide('approve')", N_("approve")),
        Binding("x,delete", "decide('reject')", N_("reject")),
        Binding("A", "approve_all", N_("approve all")),
        Binding("escape,m,q", "close", N_("close")),
    ]

    def compose_dialog(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(id="moderation-title")
            yield OptionList(id="pending")
            keys = self.t.gettext("a approve · x reject · A approve all · escape close")
            yield Static(Text(keys, style="italic"))

    def on_mount(self) -> None:
        self.refill()

    def refill(self) -> None:
        t, engine = self.t, self.workshop.engine
        options = self.query_one(OptionList)
        highlighted = options.highlighted or 0
        options.clear_options()
        pending = engine.all_pending()
        for item_id, text in pending:
            title = one_line(engine.agenda.item(item_id).title)
            prompt = Text.assemble(
                (f"×{t.number(text.count)} ", ORANGE),
                Text(one_line(text.text)),
                (f"  ({title})", "dim"),
            )
            options.add_option(Option(prompt, id=f"{item_id}\x00{text.id}"))
        if not pending:
            nothing = Text(t.gettext("Nothing waiting."), style="italic")
            options.add_option(Option(nothing, disabled=True))
        elif options.option_count:
            options.highlighted = min(highlighted, options.option_count - 1)
        title = t.ngettext(
            "Moderation: {count} waiting", "Moderation: {count} waiting", len(pending)
        )
        self.query_one("#moderation-title", Static).update(Text(title, style="bold"))

    def _selected(self) -> tuple[str, str] | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        if option.id is None:
            return None
        item_id, text_id = option.id.split("\x00")
        return item_id, text_id

    def action_decide(self, command: str) -> None:
        selected = self._selected()
        if selected is None:
            return
        item_id, text_id = selected
        self.workshop.perform(command, item=item_id, id=[text_id])
        self.refill()

    def action_approve_all(self) -> None:
        for item_id in dict.fromkeys(item_id for item_id, _ in self.workshop.engine.all_pending()):
            self.workshop.perform("approve", item=item_id, all=True)
        self.refill()

    def action_close(self) -> None:
        self.dismiss(None)
