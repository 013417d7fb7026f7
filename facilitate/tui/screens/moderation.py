"""Free text waits here until the facilitator approves it for the room, or rejects it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from facilitate.engine import Engine
from facilitate.text import one_line
from facilitate.tui.render import ORANGE


class ModerationScreen(ModalScreen[None]):
    """Every pending text of the session, most frequent first; nothing shows until approved."""

    BINDINGS = [
        Binding("a,enter", "decide('approved')", "approve"),
        Binding("x,delete", "decide('rejected')", "reject"),
        Binding("A", "approve_all", "approve all"),
        Binding("escape,m,q", "close", "close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(Text("Moderation", style="bold"), id="moderation-title")
            yield OptionList(id="pending")
            yield Static(
                Text("a approve · x reject · A approve all · escape close", style="italic")
            )

    def on_mount(self) -> None:
        self.refill()

    def refill(self) -> None:
        from facilitate.tui.app import FacilitateApp

        app = self.app
        assert isinstance(app, FacilitateApp)
        engine = app.engine
        options = self.query_one(OptionList)
        highlighted = options.highlighted or 0
        options.clear_options()
        pending = engine.all_pending()
        for item_id, text in pending:
            title = one_line(engine.agenda.item(item_id).title)
            prompt = Text.assemble(
                (f"×{text.count} ", ORANGE), Text(one_line(text.text)), (f"  ({title})", "dim")
            )
            options.add_option(Option(prompt, id=f"{item_id}\x00{text.id}"))
        if not pending:
            options.add_option(Option(Text("Nothing waiting.", style="italic"), disabled=True))
        elif options.option_count:
            options.highlighted = min(highlighted, options.option_count - 1)
        self.query_one("#moderation-title", Static).update(
            Text(f"Moderation: {len(pending)} waiting", style="bold")
        )

    def _selected(self) -> tuple[str, str] | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        if option.id is None:
            return None
        item_id, text_id = option.id.split("\x00")
        return item_id, text_id

    def action_decide(self, decision: str) -> None:
        from facilitate.tui.app import FacilitateApp

        selected = self._selected()
        if selected is None:
            return
        app = self.app
        assert isinstance(app, FacilitateApp)
        app.act(lambda e: e.moderate(selected[0], selected[1], decision))
        self.refill()

    def action_approve_all(self) -> None:
        from facilitate.tui.app import FacilitateApp

        app = self.app
        assert isinstance(app, FacilitateApp)
        by_item: dict[str, list[str]] = {}
        for item_id, text in app.engine.all_pending():
            by_item.setdefault(item_id, []).append(text.id)

        def approve_all(engine: Engine) -> None:
            for item_id, ids in by_item.items():
                engine.approve(item_id, ids)

        app.act(approve_all)
        self.refill()

    def action_close(self) -> None:
        self.dismiss(None)
