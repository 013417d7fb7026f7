"""Turn a stored session into report data, applying the privacy rules on the way.

What never leaves this module: pseudonyms (answers are renumbered after sorting by
value), rejected or not-yet-approved free text, and the results of an item with fewer
answers than its k (unless the facilitator asks for them with ``--include-small``).
Nothing finer than a day or a duration is known here: the store keeps no answer times.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from facilitate import __version__
from facilitate.agenda import AgendaError
from facilitate.engine import APPROVED, REJECTED, Engine, PluginError, text_id
from facilitate.forms import (
    ChoiceField,
    Field,
    Form,
    GridField,
    MultiField,
    PointsField,
    RankField,
    ScaleField,
    TextField,
)
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
from facilitate.store import SessionNotFound, Store
from facilitate.text import strip_controls
from facilitate.views import BLOCK_KINDS, Block, Note


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
    timings = engine.timings()
    items = tuple(
        _item_report(engine, number, timing.actual, include_small)
        for number, timing in enumerate(timings, start=1)
    )
    return Report(
        session_id=engine.store.id,
        title=agenda.title,
        description=agenda.description,
        language=agenda.language,
        date=str(meta.get("created", "")),
        joined=int(meta.get("joined", engine.joined)),
        k=agenda.k,
        include_small=include_small,
        items=items,
        rehearsal=rehearsal,
        generator=f"facilitate {__version__}",
    )


def _item_report(
    engine: Engine, number: int, actual: float | None, include_small: bool
) -> ItemReport:
    item = engine.agenda.items[number - 1]
    run = engine.run(item.id)
    k = engine.agenda.k_for(item)
    common: dict[str, Any] = {
        "number": number,
        "id": item.id,
        "title": item.title,
        "planned": item.duration,
        "actual": None if actual is None else round(actual),
        "adjustment": run.timer.adjustment,
        "k": k,
        "answer_count": run.count,
    }
    if item.activity is None:
        return ItemReport(
            **common, kind=None, type_title="", prompt="", status=NO_ACTIVITY, small=False
        )
    activity_type = engine.activity_type(item)
    config = item.activity.config
    common.update(kind=item.kind, type_title=activity_type.title or item.kind)
    try:
        prompt = strip_controls(activity_type.prompt(config))
    except Exception:  # a plugin's prompt is a nicety; its failure must not stop the report
        prompt = ""
    common["prompt"] = prompt
    try:
        form = engine.form(item.id)
    except PluginError as error:
        return ItemReport(**common, status=FAILED, small=False, error=str(error))
    fields = tuple(FieldInfo(f.name, strip_controls(f.label), f.kind) for f in form.fields)
    approved, rejected, pending = _moderation_counts(engine, item.id, form)
    common.update(fields=fields, approved=approved, rejected=rejected, pending=pending)
    if run.count == 0:
        return ItemReport(**common, status=NO_ANSWERS, small=False)
    small = run.count < k
    if small and not include_small:
        return ItemReport(**common, status=NOT_ENOUGH, small=False)
    try:
        result = engine.result(item.id)
        blocks = tuple(_checked_blocks(activity_type.report(config, result)))
    except Exception as error:
        plugin = engine.plugins.owner(item.kind)
        message = f"plugin {plugin!r} failed to draw this item: {type(error).__name__}: {error}"
        return ItemReport(**common, status=FAILED, small=small, error=message)
    answers = _answers(engine, item.id, form)
    return ItemReport(**common, status=SHOWN, small=small, answers=answers, blocks=blocks)


def _checked_blocks(view: Any) -> list[Block]:
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
            blocks.append(Note(f"(a {type(block).__name__} section this report cannot draw)"))
    return blocks


def _moderation_counts(engine: Engine, item_id: str, form: Form) -> tuple[int, int, int]:
    moderated = form.moderated_fields()
    if not moderated:
        return 0, 0, 0
    run = engine.run(item_id)
    texts = {
        value.get(name)
        for value in run.answers.values()
        for name in moderated
        if isinstance(value.get(name), str) and value.get(name)
    }
    decisions = [run.decisions.get(text_id(item_id, text)) for text in texts]
    approved = sum(1 for d in decisions if d == APPROVED)
    rejected = sum(1 for d in decisions if d == REJECTED)
    return approved, rejected, len(decisions) - approved - rejected


def _answers(engine: Engine, item_id: str, form: Form) -> tuple[AnswerRecord, ...]:
    """Every answer as readable cells, sorted by value and renumbered (no pseudonyms)."""
    run = engine.run(item_id)
    moderated = set(form.moderated_fields())
    answers: list[list[AnswerCell]] = []
    for value in run.answers.values():
        cells: list[AnswerCell] = []
        for field in form.fields:
            raw = value.get(field.name)
            if raw is None:
                continue
            if field.name in moderated and (
                not isinstance(raw, str) or engine.decision(item_id, raw) != APPROVED
            ):
                continue  # rejected or never approved: not exported, anywhere
            cells.extend(readable_cells(field, raw))
        if cells:
            answers.append(cells)
    answers.sort(key=lambda cells: [(c.label, c.text) for c in cells])
    return tuple(AnswerRecord(number, tuple(cells)) for number, cells in enumerate(answers, 1))


def _option(options: tuple[str, ...], index: Any) -> str:
    if isinstance(index, int) and 0 <= index < len(options):
        return strip_controls(options[index])
    return str(index)


def _scale_text(field: ScaleField | GridField, value: Any) -> str:
    if isinstance(field, ScaleField) and isinstance(value, int):
        label = field.label_for(value)
        return str(value) if label == str(value) else f"{value} ({strip_controls(label)})"
    if isinstance(field, GridField) and isinstance(value, int):
        points = field.points()
        if len(field.labels) == len(points) and value in points:
            return f"{value} ({strip_controls(field.labels[points.index(value)])})"
    return str(value)


def readable_cells(field: Field, value: Any) -> list[AnswerCell]:
    """One field's stored value as readable text; grids and points give a cell per row."""
    label = strip_controls(field.label)
    if isinstance(field, ChoiceField):
        return [AnswerCell(field.name, label, value, _option(field.options, value))]
    if isinstance(field, MultiField | RankField) and isinstance(value, list):
        joiner = "; " if isinstance(field, MultiField) else " > "
        text = joiner.join(_option(field.options, i) for i in value)
        return [AnswerCell(field.name, label, value, text)]
    if isinstance(field, ScaleField):
        return [AnswerCell(field.name, label, value, _scale_text(field, value))]
    if isinstance(field, TextField):
        return [AnswerCell(field.name, label, value, strip_controls(str(value)))]
    if isinstance(field, GridField | PointsField) and isinstance(value, list):
        names = field.rows if isinstance(field, GridField) else field.options
        cells = []
        for index, (name, part) in enumerate(zip(names, value, strict=False)):
            text = _scale_text(field, part) if isinstance(field, GridField) else str(part)
            cells.append(
                AnswerCell(f"{field.name}.{index}", f"{label}: {strip_controls(name)}", part, text)
            )
        return cells
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return [AnswerCell(field.name, label, value, strip_controls(text))]
