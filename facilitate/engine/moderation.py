"""An item's free texts, indexed as answers come and go, so moderation costs O(1).

Every answer to a moderated item passes through :class:`TextIndex`: which distinct texts
the item's answers carry now, how many answers carry each, which answers (by pseudonym)
carry it, its id (hashed once per text, not once per look-up) and whether it waits for
the facilitator or was approved. So answering, withdrawing, approving or rejecting
touches only the answers that carry the texts concerned, and the pending count, the head
of the queue and the approved texts are read without walking every answer.

A text no answer carries any more is forgotten at once (a rejected one is erased from
its answers, so it goes too): the index never keeps words the answers do not.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

from attrs import define, field

from facilitate.reprs import attrs_repr

APPROVED, REJECTED, PENDING = "approved", "rejected", "pending"


@define
class TextIndex:
    """The distinct free texts of one item's current answers."""

    __repr__ = attrs_repr

    counts: dict[str, int] = field(factory=dict)
    """text -> how many (answer, field) pairs carry it."""
    carriers: dict[str, dict[str, int]] = field(factory=dict)
    """text -> the pseudonyms of the answers that carry it (-> in how many fields)."""
    ids: dict[str, str] = field(factory=dict)
    """text -> its moderation id, computed once while some answer carries it."""
    by_id: dict[str, str] = field(factory=dict)
    """moderation id -> text, for the texts answers carry now."""
    pending: dict[str, None] = field(factory=dict)
    """The texts carried now that wait for a decision (a set that keeps its order)."""
    approved: dict[str, None] = field(factory=dict)
    """The texts carried now that were approved."""
    _queue: list[tuple[int, str]] = field(factory=list)
    """A heap of ``(-count, text)`` for the pending texts, most frequent first. An entry
    whose text was decided since, or whose count changed, is stale and skipped (and
    the heap is rebuilt once stale entries outnumber live ones), so keeping it costs
    O(log n) an answer and reading its head O(head · log n)."""

    def clear(self) -> None:
        for found in (self.counts, self.carriers, self.ids, self.by_id):
            found.clear()
        self.pending.clear()
        self.approved.clear()
        self._queue.clear()

    def add(
        self,
        pseudonym: str,
        texts: Iterable[str],
        id_of: Callable[[str], str],
        decisions: dict[str, str],
    ) -> None:
        """An answer now carries ``texts`` (one per moderated field it filled)."""
        for text in texts:
            count = self.counts.get(text, 0)
            self.counts[text] = count + 1
            held = self.carriers.setdefault(text, {})
            held[pseudonym] = held.get(pseudonym, 0) + 1
            if count:
                if text in self.pending:
                    self._queued(text)
                continue
            text_id = self.ids[text] = id_of(text)
            self.by_id[text_id] = text
            decision = decisions.get(text_id, PENDING)
            if decision == PENDING:
                self.pending[text] = None
                self._queued(text)
            elif decision == APPROVED:
                self.approved[text] = None

    def remove(self, pseudonym: str, texts: Iterable[str]) -> None:
        """An answer no longer carries ``texts`` (withdrawn, changed or erased)."""
        for text in texts:
            count = self.counts.get(text, 0) - 1
            held = self.carriers.get(text)
            if held is not None and pseudonym in held:
                if held[pseudonym] > 1:
                    held[pseudonym] -= 1
                else:
                    del held[pseudonym]
            if count > 0:
                self.counts[text] = count
                if text in self.pending:
                    self._queued(text)
                continue
            self.counts.pop(text, None)
            self.carriers.pop(text, None)
            self.pending.pop(text, None)
            self.approved.pop(text, None)
            text_id = self.ids.pop(text, None)
            if text_id is not None:
                self.by_id.pop(text_id, None)

    def decide(self, text: str, decision: str) -> None:
        """The facilitator decided on a text the answers carry."""
        self.pending.pop(text, None)
        if decision == APPROVED:
            self.approved[text] = None
        else:
            self.approved.pop(text, None)

    def head(self, count: int) -> list[tuple[str, int]]:
        """The first ``count`` pending texts with how many answers carry each, most
        frequent first, then alphabetical: the head of the queue, without sorting it."""
        if count >= len(self.pending):
            counts = self.counts
            return [(t, counts[t]) for t in sorted(self.pending, key=lambda t: (-counts[t], t))]
        queue = self._queue
        found: dict[str, int] = {}
        while queue and len(found) < count:
            negative, text = heapq.heappop(queue)
            if text in self.pending and self.counts.get(text) == -negative:
                found.setdefault(text, -negative)
        for text, carried in found.items():
            heapq.heappush(queue, (-carried, text))
        return list(found.items())

    def _queued(self, text: str) -> None:
        """A pending text is new or its count changed: queue it with its count now."""
        queue = self._queue
        heapq.heappush(queue, (-self.counts[text], text))
        if len(queue) > 2 * len(self.pending) + 64:  # mostly stale: rebuild, O(1) amortised
            counts = self.counts
            queue[:] = [(-counts[text], text) for text in self.pending]
            heapq.heapify(queue)
