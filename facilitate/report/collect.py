"""Turn a stored session into report data, applying the privacy rules on the way.

Whether an item's results may be in the report is the room model's decision
(:func:`facilitate.room.disclosure` for :attr:`~facilitate.room.Audience.REPORT`), not
this module's. The results themselves come from the item's activity type, in the room's
language: its section through ``engine.report`` and its per-answer rows through
``engine.export``, so nothing the type withholds comes back in an export.

What never leaves this module: pseudonyms (answers are renumbered after sorting by
value), rejected or not-yet-approved free text, and the results of an item the room
model withholds (fewer answers than k, unless the facilitator asks with
``--include-small``). Nothing finer than a day or a duration is known here: the store
keeps no answer times.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from facilitate import __version__
from facilitate.agenda import AgendaError
from facilitate.engine import APPROVED, Engine, PluginError
from facilitate.forms import Form
from facilitate.i18n import Translator, translator
from facilitate.model import Item
from facilitate.plugins import Plugins
from facilitate.report.model import (
    FAILED,
    NO_ACTIVITY,
    NO_ANSWERS,
    NOT_ENOUGH,
    SHOWN,
    AnswerCell,
    AnswerRecord,
    FieldInfo,
    ItemReport,
    Rehearsal,
    Report,
)
from facilitate.room import Audience, Withheld, disclosure
from facilitate.store import SessionNotFound, Store
from facilitate.text import strip_controls
from facilitate.views import BLOCK_KINDS, Block, Note

STATUS_OF = {
    Withheld.NO_ACTIVITY: NO_ACTIVITY,
    Withheld.NO_ANSWERS: NO_ANSWERS,
    Withheld.TOO_FEW: NOT_ENOUGH,
    Withheld.FAILED: FAILED,
}
"""The report's status for each reason the room model gives to withhold a result."""


class ReportError(Exception):
    """The session cannot be reported on: missing, unreadable, or needs a missing plugin."""


def load_report(
    session_id: str,
    *,
    include_small: bool = False,
    directory: Path | None = None,
    plugins: Plugins | None = None,
) -> Report:
    """The report of a stored session, read without changing it."""
    try:
        store = Store.open(session_id, directory)
    except SessionNotFound as error:
        raise ReportError(f"{error}; `facilitate sessions` lists the sessions kept here") from None
    try:
        try:
            engine = Engine.resume(store, plugins=plugins)
        except AgendaError as error:
            raise ReportError(
                f"session {session_id!r} cannot be read with the plugins installed here:"
                f" {error.problems[0].message if error.problems else error}"
            ) from None
        except (KeyError, ValueError) as error:
            raise ReportError(f"session {session_id!r} is damaged or unfinished: {error}") from None
        return collect(engine, include_small=include_small)
    finally:
        store.close()


def collect(engine: Engine, *, include_small: bool = False) -> Report:
    """Everything the report shows, item by item, from an engine (live or resumed)."""
    meta = engine.store.meta()
    rehearsal_meta = meta.get("rehearsal")
    rehearsal = None
    if isinstance(rehearsal_meta, dict):
        rehearsal = Rehearsal(
            int(rehearsal_meta.get("participants", 0)), rehearsal_meta.get("seed")
        )
    agenda = engine.agenda
    t = translator(agenda.language)
    items = tuple(
        _item_report(engine, number, timing.actual, include_small, t)
        for number, timing in enumerate(engine.timings(), start=1)
    )
    return Report(
        session_id=engine.store.id,
        title=strip_controls(agenda.title),
        description=strip_controls(agenda.description),
        language=t.language,
        date=str(meta.get("created", "")),
        joined=int(meta.get("joined", engine.joined)),
        k=agenda.k,
        include_small=include_small,
        items=items,
        rehearsal=rehearsal,
        generator=f"facilitate {__version__}",
    )


def _withheld(engine: Engine, item: Item, *, include_small: bool) -> Withheld | None:
    """Why the report may not show this item's results, as the room model decides it."""
    run = engine.run(item.id)
    return disclosure(
        Audience.REPORT,
        has_activity=item.activity is not None,
        failed=run.error is not None or (item.activity is not None and run.tally is None),
        count=run.count,
        k=engine.k_for(item.id),
        include_small=include_small,
    )


def _item_report(
    engine: Engine, number: int, actual: float | None, include_small: bool, t: Translator
) -> ItemReport:
    item = engine.agenda.items[number - 1]
    run = engine.run(item.id)
    common: dict[str, Any] = {
        "number": number,
        "id": item.id,
        "title": strip_controls(item.title),
        "planned": item.duration,
        "actual": None if actual is None else round(actual),
        "adjustment": run.timer.adjustment,
        "k": engine.k_for(item.id),
        "answer_count": run.count,
    }
    if item.activity is None:
        return ItemReport(
            **common, kind=None, type_title="", prompt="", status=NO_ACTIVITY, small=False
        )
    common.update(
        kind=item.kind,
        type_title=engine.type_title(item),
        prompt=strip_controls(engine.prompt(item)),
    )
    try:
        form = engine.form(item.id)
    except PluginError as error:
        return ItemReport(**common, status=FAILED, small=False, error=str(error))
    fields = tuple(FieldInfo(f.name, strip_controls(f.label), f.kind) for f in form.fields)
    approved, rejected, pending = _moderation_counts(engine, item.id, form)
    common.update(fields=fields, approved=approved, rejected=rejected, pending=pending)
    withheld = _withheld(engine, item, include_small=include_small)
    if withheld is not None:
        return ItemReport(**common, status=STATUS_OF[withheld], small=False, error=run.error)
    # Shown although the room model would withhold it without --include-small.
    small = _withheld(engine, item, include_small=False) is Withheld.TOO_FEW
    try:
        blocks = tuple(_checked_blocks(engine.report(item.id), t))
        answers = _answers(engine, item.id, form)
    except PluginError as error:
        return ItemReport(**common, status=FAILED, small=small, error=str(error))
    return ItemReport(**common, status=SHOWN, small=small, answers=answers, blocks=blocks)


def _checked_blocks(view: Any, t: Translator) -> list[Block]:
    """The blocks of a view; anything that is not a known block becomes a note saying so."""
    if view is None:
        return []
    if isinstance(view, BLOCK_KINDS):
        view = (view,)
    blocks: list[Block] = []
    for block in view:
        if isinstance(block, BLOCK_KINDS):
            blocks.append(cast(Block, block))
        else:
            kind = type(block).__name__
            blocks.append(Note(t.gettext("({kind} cannot be drawn here)", kind=kind)))
    return blocks


def _moderation_counts(engine: Engine, item_id: str, form: Form) -> tuple[int, int, int]:
    """Distinct free texts of the item: approved, rejected, still pending."""
    if not form.moderated_fields():
        return 0, 0, 0
    return engine.moderation_counts(item_id)


def _answers(engine: Engine, item_id: str, form: Form) -> tuple[AnswerRecord, ...]:
    """Every answer as its type exports it, sorted by value and renumbered (no pseudonyms)."""
    moderated = set(form.moderated_fields())
    answers: list[list[AnswerCell]] = []
    for row in engine.export(item_id):
        cells = list(_kept_cells(engine, item_id, row, moderated))
        if cells:
            answers.append(cells)
    # Ties would keep the order of arrival: the raw values break them.
    answers.sort(key=lambda cells: [(c.label, c.text, _sort_value(c.value)) for c in cells])
    return tuple(AnswerRecord(number, tuple(cells)) for number, cells in enumerate(answers, 1))


def _sort_value(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _kept_cells(
    engine: Engine, item_id: str, row: Iterable[AnswerCell], moderated: set[str]
) -> Iterable[AnswerCell]:
    """A row's cells, readable, without moderated text that was not approved.

    The engine hands the type only approved text to export; this checks again, so a type
    that exports the raw answer some other way still cannot put rejected text back.
    """
    for cell in row:
        if cell.field in moderated and (
            not isinstance(cell.value, str) or engine.decision(item_id, cell.value) != APPROVED
        ):
            continue
        yield AnswerCell(
            str(cell.field),
            strip_controls(str(cell.label)),
            cell.value,
            strip_controls(str(cell.text)),
        )
