"""The report's data: what a finished (or running) session says, already filtered for privacy.

Every output format (HTML, Markdown, CSV, JSON) is drawn from these values alone, so the
privacy rules are applied once, in :mod:`facilitate.report.collect`, and no format can
leak what another withholds.
"""

from __future__ import annotations

from attrs import frozen

from facilitate.forms import ExportCell
from facilitate.reprs import attrs_repr
from facilitate.views import Block

SHOWN = "shown"
"""Results are in the report."""
NOT_ENOUGH = "not_enough_answers"
"""Fewer answers than the item's k: results withheld (unless ``--include-small``)."""
NO_ANSWERS = "no_answers"
NO_ACTIVITY = "no_activity"
"""A talk, a break: nothing to answer."""
FAILED = "failed"
"""The activity type's plugin raised while tallying, drawing or exporting its section."""
STATUSES = (SHOWN, NOT_ENOUGH, NO_ANSWERS, NO_ACTIVITY, FAILED)
"""The values of ``ItemReport.status`` (and of ``status`` in the JSON report)."""


@frozen
class FieldInfo:
    """One question of an item's form."""

    __repr__ = attrs_repr

    name: str
    label: str
    kind: str


AnswerCell = ExportCell
"""One field of one answer, as the item's activity type exports it: the field's name and
label, the raw stored value, and the same as readable text."""


@frozen
class AnswerRecord:
    """One participant's answer to one item, without any pseudonym.

    ``number`` counts answers within the item after sorting them by their values, so
    it says nothing about who answered first.
    """

    __repr__ = attrs_repr

    number: int
    cells: tuple[AnswerCell, ...]


@frozen
class ItemReport:
    __repr__ = attrs_repr

    number: int
    id: str
    title: str
    kind: str | None
    """The activity type (``"choice"``), or ``None`` for a talk or a break."""
    type_title: str
    prompt: str
    planned: int
    """Seconds planned in the agenda."""
    actual: int | None
    """Whole seconds the item's timer ran, or ``None`` if it never started."""
    adjustment: int
    """Seconds the facilitator added (or, negative, took away) while it ran."""
    k: int
    answer_count: int
    status: str
    small: bool
    """Shown although under k, because ``--include-small`` was given."""
    fields: tuple[FieldInfo, ...] = ()
    answers: tuple[AnswerRecord, ...] = ()
    blocks: tuple[Block, ...] = ()
    approved: int = 0
    rejected: int = 0
    pending: int = 0
    """Distinct free texts by moderation decision; only approved ones are exported."""
    error: str | None = None


@frozen
class Rehearsal:
    """Set when the session was a rehearsal: its answers come from simulated participants."""

    __repr__ = attrs_repr

    participants: int
    seed: int | None


@frozen
class Report:
    __repr__ = attrs_repr

    session_id: str
    title: str
    description: str
    language: str
    date: str
    """The day the session was created (a date, never a time)."""
    joined: int
    """Devices that joined the room."""
    k: int
    include_small: bool
    items: tuple[ItemReport, ...]
    rehearsal: Rehearsal | None = None
    generator: str = ""

    @property
    def planned(self) -> int:
        return sum(item.planned for item in self.items)

    @property
    def actual(self) -> int:
        return sum(item.actual or 0 for item in self.items)

    @property
    def planned_run(self) -> int:
        """Planned seconds of the items that actually ran, to compare with :attr:`actual`."""
        return sum(item.planned for item in self.items if item.actual is not None)

    @property
    def answer_count(self) -> int:
        return sum(item.answer_count for item in self.items)

    @property
    def withheld_texts(self) -> int:
        return sum(item.rejected + item.pending for item in self.items)

    @property
    def activities(self) -> int:
        return sum(1 for item in self.items if item.kind is not None)
