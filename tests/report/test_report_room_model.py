"""The report decides nothing itself: statuses come from the room model, rows from the type."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from report_fixtures import AGENDA, DAY, EveryBlock, make_plugins

import facilitate.report.collect as collect_module
from facilitate.agenda import loads_agenda
from facilitate.api import Answer, ExportCell, ItemContext, hookimpl
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.plugins import Plugins
from facilitate.random_answers import form_answer
from facilitate.report import FORMATS, render
from facilitate.report.collect import collect
from facilitate.report.model import FAILED, NO_ACTIVITY, NO_ANSWERS, NOT_ENOUGH, SHOWN
from facilitate.room import Audience, Withheld, disclosure
from facilitate.store import Store


async def answered_engine(
    plugins: Plugins, answers: dict[int, int], agenda: str = AGENDA
) -> Engine:
    """An engine over the test agenda with ``answers[index]`` answers to item ``index``."""
    engine = Engine.new(
        loads_agenda(agenda, "t.toml", plugins),
        Store.create(ephemeral=True),
        plugins=plugins,
        clock=ManualClock(DAY),
    )
    rng = random.Random(5)
    for index, count in answers.items():
        engine.goto(index)
        engine.open_answering()
        item_id = engine.current.id
        for _ in range(count):
            await engine.submit(engine.join(), item_id, form_answer(engine.form(item_id), rng))
        for pending in engine.pending(item_id):
            engine.approve(item_id, pending.id)
        engine.close_answering()
    return engine


STATUS = {
    None: SHOWN,
    Withheld.NO_ACTIVITY: NO_ACTIVITY,
    Withheld.NO_ANSWERS: NO_ANSWERS,
    Withheld.TOO_FEW: NOT_ENOUGH,
    Withheld.FAILED: FAILED,
}


@pytest.mark.parametrize("include_small", [False, True])
@pytest.mark.parametrize("count", [0, 1, 2, 3, 4])
async def test_each_item_status_is_the_room_model_disclosure_for_the_report(
    count: int, include_small: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[dict[str, Any]] = []

    def spy(audience: Audience, **facts: Any) -> Withheld | None:
        asked.append({"audience": audience, **facts})
        return disclosure(audience, **facts)

    monkeypatch.setattr(collect_module, "disclosure", spy)
    engine = await answered_engine(make_plugins(), {1: count})  # "pick-one", k = 3
    report = collect(engine, include_small=include_small)
    item = report.items[1]
    expected = disclosure(
        Audience.REPORT,
        has_activity=True,
        failed=False,
        count=count,
        k=3,
        include_small=include_small,
    )
    assert item.status == STATUS[expected]
    assert item.small == (item.status == SHOWN and count < 3)
    assert all(question["audience"] is Audience.REPORT for question in asked)
    assert {"count": count, "k": 3, "include_small": include_small} in [
        {key: q[key] for key in ("count", "k", "include_small")} for q in asked
    ]
    markdown = render(report, "md")
    if item.status == NOT_ENOUGH:
        assert "Not enough answers to show: " in markdown
        assert not item.blocks and not item.answers
    if item.small:
        assert "--include-small" in markdown
    engine.close()


async def test_a_type_whose_tally_failed_is_reported_as_failed_by_the_room_model() -> None:
    engine = await answered_engine(make_plugins(), {1: 4})
    engine.run("pick-one").tally = None  # as after a plugin raised while counting
    engine.run("pick-one").error = "plugin 'core' failed in tally: ValueError: no"
    item = collect(engine).items[1]
    assert item.status == FAILED and "failed in tally" in (item.error or "")
    assert "could not be drawn" in render(collect(engine), "html")
    engine.close()


class CarefulBlock(EveryBlock):
    """Exports only the place, in its own words: like a type withholding a field."""

    kind = "careful-block"

    def export(
        self, config: Any, answers: Sequence[Answer], context: ItemContext
    ) -> Iterable[Sequence[ExportCell]]:
        for answer in answers:
            place = config.places[answer.value["place"]]
            yield [ExportCell("place", "Place", answer.value["place"], f"at {place}")]


class LeakyBlock(EveryBlock):
    """Exports free text straight from the stored answers, approved or not."""

    kind = "leaky-block"

    def export(
        self, config: Any, answers: Sequence[Answer], context: ItemContext
    ) -> Iterable[Sequence[ExportCell]]:
        for _answer in answers:
            yield [ExportCell("idea", "One idea", SECRET, SECRET)]


SECRET = "Maria's address"


class ExportingPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(CarefulBlock)
        register(LeakyBlock)


async def test_export_rows_are_the_types_own_export() -> None:
    plugins = make_plugins()
    plugins.add(ExportingPlugin())
    agenda = AGENDA.replace('type = "every-block"', 'type = "careful-block"')
    engine = await answered_engine(plugins, {3: 6}, agenda)
    report = collect(engine)
    item = report.items[3]
    assert item.status == SHOWN and len(item.answers) == 6
    cells = [cell for answer in item.answers for cell in answer.cells]
    assert {cell.field for cell in cells} == {"place"}  # no mood, no idea: withheld by the type
    assert all(cell.text.startswith("at ") for cell in cells)
    texts = [cell.text for cell in cells]
    assert texts == sorted(texts)  # sorted by value here, renumbered
    assert [answer.number for answer in item.answers] == list(range(1, 7))
    rows = list(csv.reader(io.StringIO(render(report, "csv"))))
    assert {row[4] for row in rows[1:] if row[0] == "every-block"} == {"Place"}
    exported = json.loads(render(report, "json"))["items"][3]["answers"]
    assert all(c["field"] == "place" for a in exported for c in a["cells"])
    engine.close()


async def test_a_type_cannot_export_text_that_moderation_kept_out() -> None:
    plugins = make_plugins()
    plugins.add(ExportingPlugin())
    agenda = AGENDA.replace('type = "every-block"', 'type = "leaky-block"')
    engine = await answered_engine(plugins, {}, agenda)
    engine.goto(3)
    engine.open_answering()
    rng = random.Random(1)
    for _ in range(4):
        raw = form_answer(engine.form("every-block"), rng)
        raw["idea"] = [SECRET]
        await engine.submit(engine.join(), "every-block", raw)
    engine.reject("every-block", engine.pending("every-block")[0].id)
    report = collect(engine)
    assert report.items[3].status == SHOWN
    for fmt in FORMATS:
        assert SECRET not in render(report, fmt), fmt
    engine.close()
