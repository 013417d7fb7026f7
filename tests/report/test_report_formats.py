"""Reports in every format from a seeded rehearsal: golden files and the privacy rules."""

from __future__ import annotations

import csv
import io
import json
import os
import random
from pathlib import Path

import pytest
from report_fixtures import AGENDA, DAY, EveryBlock, make_plugins, seeded_rehearsal

from facilitate import __version__
from facilitate.agenda import loads_agenda
from facilitate.api import hookimpl
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.plugins import Plugins
from facilitate.random_answers import form_answer
from facilitate.report import FORMATS, render
from facilitate.report.collect import ReportError, collect, load_report
from facilitate.report.model import NOT_ENOUGH, SHOWN, Report
from facilitate.store import Store

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def normalised(text: str, report: Report) -> str:
    """The rendered report without what differs between runs: the session id, the version."""
    return text.replace(report.session_id, "SESSION-ID").replace(__version__, "VERSION")


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_formats_match_golden_files(rehearsed, sessions, plugins, fmt) -> None:
    report = load_report(rehearsed.session_id, directory=sessions, plugins=plugins)
    text = normalised(render(report, fmt), report)
    golden = GOLDEN / f"rehearsal.{fmt}"
    if UPDATE or not golden.exists():
        golden.write_text(text, encoding="utf-8", newline="")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {golden}; check it and run again")
    assert text == golden.read_bytes().decode("utf-8"), (
        f"{fmt} report differs from {golden}; if the change is wanted, run with UPDATE_GOLDEN=1"
    )


def test_same_seed_gives_the_same_report(agenda, plugins, sessions) -> None:
    texts = []
    for _ in range(2):
        outcome = seeded_rehearsal(agenda, plugins, sessions, seed=11)
        report = load_report(outcome.session_id, directory=sessions, plugins=plugins)
        texts.append(normalised(render(report, "json"), report))
    assert texts[0] == texts[1]


def test_report_has_every_item_with_planned_and_actual_time(rehearsed, sessions, plugins) -> None:
    report = load_report(rehearsed.session_id, directory=sessions, plugins=plugins)
    assert [item.id for item in report.items] == [
        "welcome",
        "pick-one",
        "pick-some",
        "every-block",
        "small",
    ]
    assert all(item.actual is not None and item.actual > 0 for item in report.items)
    assert report.planned == 38 * 60
    assert report.rehearsal is not None and report.rehearsal.participants == 12
    assert report.date == DAY.date().isoformat()
    data = json.loads(render(report, "json"))
    assert data["format"] == "facilitate-report" and data["version"] == 1
    kinds = {block["kind"] for item in data["items"] for block in item["blocks"]}
    assert kinds == {
        "bars",
        "spread",
        "heatmap",
        "scatter",
        "words",
        "texts",
        "table",
        "radar",
        "note",
    }


def test_no_pseudonym_secret_or_token_in_any_format(rehearsed, sessions, plugins) -> None:
    store = Store.open(rehearsed.session_id, sessions)
    try:
        meta = store.meta()
        pseudonyms = [p for answers in store.answers().values() for p in answers]
    finally:
        store.close()
    report = load_report(rehearsed.session_id, directory=sessions, plugins=plugins)
    for fmt in FORMATS:
        text = render(report, fmt)
        secrets = ("secret", "facilitator_secret", "projector_secret", "join_code")
        for secret in (meta[name] for name in secrets):
            assert secret not in text
        assert not any(p in text for p in pseudonyms), fmt


def test_items_under_k_say_not_enough_answers_unless_include_small(
    rehearsed, sessions, plugins
) -> None:
    hidden = load_report(rehearsed.session_id, directory=sessions, plugins=plugins)
    small = hidden.items[-1]
    assert small.status == NOT_ENOUGH and not small.blocks and not small.answers
    assert small.answer_count > 0
    assert "Not enough answers to show" in render(hidden, "md")
    assert "Not enough answers to show" in render(hidden, "html")
    assert "small" not in {row[0] for row in csv.reader(io.StringIO(render(hidden, "csv")))}
    assert json.loads(render(hidden, "json"))["items"][-1]["status"] == "not_enough_answers"

    shown = load_report(
        rehearsed.session_id, directory=sessions, plugins=plugins, include_small=True
    )
    item = shown.items[-1]
    assert item.status == SHOWN and item.small and item.blocks and item.answers
    assert "--include-small" in render(shown, "md")
    assert "small" in {row[0] for row in csv.reader(io.StringIO(render(shown, "csv")))}


HOSTILE_APPROVED = '=HYPERLINK("http://evil.example","click") | <script>alert(1)</script> **x**'
REJECTED = "Maria from the Tuesday group said it"
PENDING = "call Ana at the shelter"


async def test_rejected_and_pending_text_never_appear_in_any_format(plugins: Plugins) -> None:
    agenda = loads_agenda(AGENDA, "t.toml", plugins)
    engine = Engine.new(
        agenda, Store.create(ephemeral=True), plugins=plugins, clock=ManualClock(DAY)
    )
    engine.goto(3)
    engine.start_timer()
    engine.open_answering()
    rng = random.Random(1)
    form = engine.form("every-block")
    texts = [HOSTILE_APPROVED, REJECTED, PENDING, "rest", "rest", "trust"]
    for text in texts:
        raw = form_answer(form, rng)
        raw["idea"] = [text]
        await engine.submit(engine.join(), "every-block", raw)
    for pending in engine.pending("every-block"):
        if pending.text == REJECTED:
            engine.reject("every-block", pending.id)
        elif pending.text != PENDING:
            engine.approve("every-block", pending.id)
    engine.pause_timer()
    report = collect(engine)
    item = report.items[3]
    assert (item.approved, item.rejected, item.pending) == (3, 1, 1)
    assert item.answer_count == 6
    outputs = {fmt: render(report, fmt) for fmt in FORMATS}
    for fmt, text in outputs.items():
        for secret in (REJECTED, PENDING, "Maria", "Ana at"):
            assert secret not in text, f"{secret!r} leaked into {fmt}"
    # Approved hostile text is there, but only as text.
    assert "<script>" not in outputs["html"]
    assert "&lt;script&gt;" in outputs["html"]
    assert "<script>" not in outputs["md"] and "\\<script\\>" in outputs["md"]
    cells = [cell for row in csv.reader(io.StringIO(outputs["csv"])) for cell in row]
    assert "'" + HOSTILE_APPROVED in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    data = json.loads(outputs["json"])
    exported = [c["value"] for a in data["items"][3]["answers"] for c in a["cells"]]
    assert HOSTILE_APPROVED in exported
    assert data["items"][3]["moderation"] == {"approved": 3, "rejected": 1, "pending": 1}
    assert "2 texts that were rejected or never approved are left out" in outputs["md"]
    engine.close()


def test_csv_numbers_answers_after_sorting_not_by_arrival(rehearsed, sessions, plugins) -> None:
    report = load_report(rehearsed.session_id, directory=sessions, plugins=plugins)
    rows = list(csv.reader(io.StringIO(render(report, "csv"))))
    assert rows[0] == ["item", "item_number", "item_title", "answer", "field", "value"]
    pick_one = [row for row in rows[1:] if row[0] == "pick-one"]
    values = [row[5] for row in pick_one]
    assert values == sorted(values)
    assert [int(row[3]) for row in pick_one] == list(range(1, len(pick_one) + 1))


def test_unknown_session_is_a_report_error(sessions, plugins) -> None:
    with pytest.raises(ReportError, match="no session 'nope'"):
        load_report("nope", directory=sessions, plugins=plugins)


def test_session_needing_a_missing_plugin_is_a_report_error(rehearsed, sessions) -> None:
    from facilitate import activities

    bare = Plugins(entry_points=False, extra=[activities])
    with pytest.raises(ReportError, match="cannot be read with the plugins installed here"):
        load_report(rehearsed.session_id, directory=sessions, plugins=bare)


class BrokenReport(EveryBlock):
    kind = "broken-report"
    title = "Broken report"

    def report(self, config, result, context):
        raise RuntimeError("cannot draw")


class BrokenPlugin:
    @hookimpl
    def facilitate_activity_types(self, register) -> None:
        register(BrokenReport)


async def test_partial_session_and_a_failing_plugin_still_report() -> None:
    plugins = make_plugins()
    plugins.add(BrokenPlugin())
    agenda = loads_agenda(
        AGENDA.replace('type = "every-block"', 'type = "broken-report"'), "t.toml", plugins
    )
    engine = Engine.new(
        agenda, Store.create(ephemeral=True), plugins=plugins, clock=ManualClock(DAY)
    )
    clock = engine.clock
    engine.start_timer()
    clock.advance(700)
    engine.goto(3)
    engine.open_answering()
    rng = random.Random(2)
    for _ in range(4):
        await engine.submit(
            engine.join(), "every-block", form_answer(engine.form("every-block"), rng)
        )
    engine.pause_timer()
    report = collect(engine)
    statuses = [item.status for item in report.items]
    assert statuses == ["no_activity", "no_answers", "no_answers", "failed", "no_answers"]
    assert report.items[0].actual == 700
    assert report.items[1].actual is None
    assert "cannot draw" in (report.items[3].error or "")
    for fmt in FORMATS:
        assert render(report, fmt)
    assert "could not be drawn" in render(report, "html")
    assert "not run" in render(report, "md")
    engine.close()


def test_the_schema_documents_every_block_kind() -> None:
    from facilitate.views import BLOCK_KINDS

    schema = (Path(__file__).resolve().parents[2] / "docs" / "report-schema.md").read_text(
        encoding="utf-8"
    )
    for kind in BLOCK_KINDS:
        assert f"| `{kind.__name__.lower()}` |" in schema, kind.__name__
