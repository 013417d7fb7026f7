"""Which panels need drawing again: cheap fingerprints of what each panel is drawn from.

A redraw compares, panel by panel, a small tuple read from the engine (ids, counts,
versions, whole seconds) with the one it was last drawn from, and draws only the panels
whose tuple changed. Every fingerprint costs the same however many answers came in
(the item's ``version`` goes up with each answer; moderation is counted, never listed),
so a busy room makes no panel cost more, and a panel an answer cannot change (the
agenda, the title) is not drawn again when one arrives.

What phones change (answers, decisions, who joined: :func:`phones`) is one part of those
tuples, so a facilitator's key can be drawn at once with the phones' part as it was last
drawn: the key's frame holds only what the key changed, and the answers that came in
meanwhile are drawn at the next answers tick.

A panel whose height follows its text keeps the height it has grown to while the item is
shown (:func:`update` with ``reserve``): a key that makes its text shorter, then longer
again (``l`` on the room preview, say), lays nothing out again. Laying out is what costs:
it measures and draws the whole screen again.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Hashable, Iterable

from rich.console import RenderableType
from textual.widgets import Static

from facilitate.engine import Engine
from facilitate.room import Audience, item_disclosure

_NEVER = object()


class Fingerprints:
    """The fingerprint each panel was last drawn from, and how often each was drawn."""

    def __init__(self) -> None:
        self._drawn: dict[str, Hashable] = {}
        self.redraws: Counter[str] = Counter()
        """Panel name -> how many times it was drawn (tests count these)."""

    def changed(self, panel: str, fingerprint: Hashable) -> bool:
        """Whether ``panel`` must be drawn for ``fingerprint`` (and note that it will be)."""
        if self._drawn.get(panel, _NEVER) == fingerprint:
            return False
        self._drawn[panel] = fingerprint
        self.redraws[panel] += 1
        return True

    def forget(self) -> None:
        """Draw everything again next time (the screen was resized or shown again)."""
        self._drawn.clear()


_HEIGHTS: weakref.WeakKeyDictionary[Static, int] = weakref.WeakKeyDictionary()
"""Each panel's content height when last drawn (its own, before any ``max-height``); for
a reserving panel, the most it has needed since :func:`release`."""
_RESERVED: weakref.WeakSet[Static] = weakref.WeakSet()
"""Panels holding a ``min-height`` set by :func:`update` (until :func:`release`)."""


def update(widget: Static, content: RenderableType, *, reserve: bool = False) -> bool:
    """Show ``content`` in ``widget``, laying the screen out again only if its height
    changed (returns whether it asked for that): a relayout costs the whole screen, and
    most new answers change a count or a bar's length, not how many lines a panel takes.

    With ``reserve`` the panel never shrinks until :func:`release`: shorter text leaves
    the space it had, so only growing lays the screen out.
    """
    widget.update(content, layout=False)
    height_rule = widget.styles.height
    if height_rule is not None and not height_rule.is_auto:
        return False  # a fixed height: its size never follows its text
    if not widget.display:  # hidden: it takes no space, and showing it lays out anyway
        _HEIGHTS.pop(widget, None)
        return False
    width = widget.content_size.width
    if not width:  # not laid out yet
        _HEIGHTS.pop(widget, None)
        widget.refresh(layout=True)
        return True
    size = widget.content_size
    height = widget.get_content_height(size, size, width)
    drawn = _HEIGHTS.get(widget)
    if drawn == height or (reserve and drawn is not None and height < drawn):
        return False
    _HEIGHTS[widget] = height
    if reserve:  # lays out, once
        reserved = height + widget.gutter.height
        limit = widget.styles.max_height  # the status line's two lines, say
        if limit is not None and limit.is_cells:
            reserved = min(reserved, int(limit.value))
        widget.styles.min_height = reserved
        _RESERVED.add(widget)
    else:
        widget.refresh(layout=True)
    return True


def release(widgets: Iterable[Static]) -> None:
    """Let reserving panels take their text's own height again (another item is shown,
    the screen was resized): they are all drawn again then, and laid out anyway."""
    for widget in widgets:
        _HEIGHTS.pop(widget, None)
        if widget in _RESERVED:
            _RESERVED.discard(widget)
            widget.styles.min_height = None


def clock(engine: Engine) -> Hashable:
    """The day's timers to the second: the agenda's times, drift and projected end."""
    return (
        engine.index,
        tuple(
            (run.timer.started, int(run.timer.elapsed), run.timer.adjustment)
            for run in engine.runs.values()
        ),
        int(engine.clock.wall().timestamp()) // 60,
    )


def phones(engine: Engine) -> tuple[Hashable, ...]:
    """What phones change, and nothing else does: the current item's answers (its
    ``version`` moves with each answer and moderation decision), their count and
    decisions, texts waiting for moderation, who joined. O(1) to read."""
    run = engine.current_run
    return (
        engine.index,
        run.version,
        run.decided,
        run.count,
        engine.pending_count(run.item.id),
        engine.joined,
    )


def room(engine: Engine, seen: tuple[Hashable, ...] | None = None) -> Hashable:
    """How phones join: the code, how many did, whether the room is locked; and whether
    the session can be saved. ``seen``: the :func:`phones` part to use (the last drawn,
    while a key is drawn at once)."""
    joined = (seen or phones(engine))[5]
    fault = engine.storage_fault
    return (engine.join_code, joined, engine.locked, None if fault is None else fault)


def result(engine: Engine, seen: tuple[Hashable, ...] | None = None) -> Hashable:
    """The current item's answers and how the room may see them (O(1) to read): the
    facilitator's part (phase, reveal) and the phones' (``seen``, as :func:`room`)."""
    run = engine.current_run
    return (
        (seen or phones(engine))[:5],
        run.phase,
        run.revealed,
        run.error,
        engine.storage_fault is not None,
    )


def disclosed(engine: Engine, seen: tuple[Hashable, ...] | None = None) -> Hashable:
    """What the words about the current item follow (the hint, the room's preview): its
    phase, whether the room and the console may see its result (the room model's
    reasons: not revealed, fewer than k...), whether texts wait. Answers change it only
    when they cross k or start a queue, so these panels are not drawn for every answer."""
    run = engine.current_run
    item_id = run.item.id
    phones_now = seen or phones(engine)
    return (
        phones_now[0],
        run.phase,
        run.revealed,
        run.error,
        engine.storage_fault is not None,
        item_disclosure(engine, item_id, Audience.ROOM),
        item_disclosure(engine, item_id, Audience.CONSOLE),
        bool(phones_now[4]),
    )


def moderation(engine: Engine) -> Hashable:
    """The whole agenda's moderation queue, counted (O(items)): an item's answers matter
    only while it has texts waiting (their counts, which are shown, move with them)."""
    queue = []
    for item in engine.agenda.items:
        if item.activity is None:
            continue
        pending = engine.pending_count(item.id)
        queue.append((pending, engine.runs[item.id].version if pending else 0))
    return tuple(queue)
