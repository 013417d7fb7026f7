"""The console's footer: the most used keys that fit the width, ``?`` for all of them.

Textual's footer lists keys in order and cuts whatever passes the right edge, so on a
100-column console the keys at the end of the list were never seen. This one picks keys
by how often a facilitator needs them (``priority``, a list of actions), shows them in
their usual order, and draws keys that share a group ("+/-  ±1 min") as one entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import Footer

# Textual keeps its footer's key widget private; drawing keys as Textual does keeps
# them clickable and styled like every other Textual app's.
from textual.widgets._footer import FooterKey


class Entry:
    """One footer entry: a key, or the keys of a group, with one description."""

    def __init__(self, bindings: list[tuple[Binding, bool, str]], display: str) -> None:
        self.bindings = bindings
        self.display = display

    @property
    def first(self) -> Binding:
        return self.bindings[0][0]

    @property
    def description(self) -> str:
        group = self.first.group
        return group.description if group is not None else self.first.description

    @property
    def width(self) -> int:
        return cell_len(self.display) + 1 + cell_len(self.description) + 1

    @property
    def actions(self) -> set[str]:
        return {binding.action for binding, _, _ in self.bindings}


def choose(entries: Sequence[Entry], width: int, priority: Sequence[str]) -> list[Entry]:
    """The entries that fit ``width``, most important first, shown in their own order."""
    rank = {action: index for index, action in enumerate(priority)}

    def importance(entry: Entry) -> int:
        return min((rank.get(action, len(rank)) for action in entry.actions), default=len(rank))

    chosen: set[int] = set()
    used = 0
    for index in sorted(range(len(entries)), key=lambda i: importance(entries[i])):
        if used + entries[index].width <= width:
            chosen.add(index)
            used += entries[index].width
    return [entry for index, entry in enumerate(entries) if index in chosen]


class PriorityFooter(Footer):
    """A compact footer that keeps the most used keys at every width."""

    def __init__(
        self, priority: Sequence[str], order: Sequence[str] = (), **kwargs: object
    ) -> None:
        super().__init__(compact=True, **kwargs)  # type: ignore[arg-type]
        self.priority = tuple(priority)
        self.order = {action: index for index, action in enumerate(order)}
        """The actions in the order the footer shows them (others after them)."""
        self._width = 0

    def entries(self) -> list[Entry]:
        """The screen's shown keys, a group's keys together as one entry."""
        found: list[Entry] = []
        groups: dict[object, Entry] = {}
        seen: set[str] = set()
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            display = self.app.get_key_display(binding)
            if binding.group is not None and binding.group in groups:
                entry = groups[binding.group]
                entry.bindings.append((binding, enabled, tooltip))
                entry.display += "/" + display
                continue
            entry = Entry([(binding, enabled, tooltip)], display)
            if binding.group is not None:
                groups[binding.group] = entry
            found.append(entry)
        last = len(self.order)
        return sorted(found, key=lambda entry: self.order.get(entry.first.action, last))

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.app.size.width
        self._width = width
        for entry in choose(self.entries(), width, self.priority):
            binding, enabled, tooltip = entry.bindings[0]
            yield FooterKey(
                binding.key,
                entry.display,
                entry.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip or entry.description,
            ).data_bind(compact=Footer.compact)

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self.call_after_refresh(self.recompose)
