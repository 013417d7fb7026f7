"""Every agenda facilitate ships runs from first item to last with simulated participants.

They are the agenda templates in ``facilitate/agendas/`` (``agendas/`` in a clone links
there), registered by the plugin ``agendas``; tests/test_packaging.py runs one from a wheel.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from facilitate.agenda import load_agenda
from facilitate.agenda_templates import shipped_agendas
from facilitate.cli import main
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.plugins import default_plugins
from facilitate.random_answers import form_answer
from facilitate.room import public_view
from facilitate.store import Store
from facilitate.views import BLOCK_KINDS

SHIPPED = {name: Path(str(agenda)) for name, agenda in shipped_agendas().items()}
AGENDAS = sorted(SHIPPED.values())
READY = (
    "integrated-security",
    "due-diligence",
    "debida-diligencia",
    "stalkerware",
    "roundtable",
)
PARTICIPANTS = 9


def test_the_ready_agendas_are_there() -> None:
    names = {path.stem for path in AGENDAS}
    assert set(READY) <= names


def test_every_agenda_passes_facilitate_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, AGENDAS)]) == 0
    assert capsys.readouterr().out.count(": ok: ") == len(AGENDAS)


def test_each_ready_agenda_uses_core_and_plugin_types() -> None:
    plugin_kinds = {"riskmap", "strategies", "strategies-vote", "duediligence", "evaluation"}
    for name in READY:
        agenda = load_agenda(SHIPPED[name])
        kinds = {item.kind for item in agenda.items}
        assert kinds & plugin_kinds, name
        assert kinds - plugin_kinds - {"talk"}, name
        assert "talk" in kinds, name  # talks and breaks are timed too
        assert 2 * 3600 <= agenda.planned_seconds <= 7 * 3600, name


async def run_agenda(engine: Engine, clock: ManualClock, seed: int = 0) -> dict[str, int]:
    """Go through every item as a facilitator would, with simulated phones answering."""
    rng = random.Random(seed)
    tokens = [engine.join() for _ in range(PARTICIPANTS)]
    counted: dict[str, int] = {}
    engine.start_timer()
    for index, item in enumerate(engine.agenda.items):
        engine.goto(index)
        assert engine.current_run.timer.running
        if item.activity is not None:
            engine.open_answering()
            form = engine.form(item.id)
            for token in tokens:
                await engine.submit(token, item.id, form_answer(form, rng, engine.agenda.language))
            # One participant changes her mind, another withdraws her answer.
            await engine.submit(tokens[0], item.id, form_answer(form, rng))
            assert await engine.retract(tokens[-1], item.id)
            for pending in engine.pending(item.id):
                engine.approve(item.id, pending.id)
            assert engine.pending(item.id) == []
            engine.reveal()
            engine.close_answering()
            counted[item.id] = engine.current_run.count
        clock.advance(item.duration)
    engine.pause_timer()
    return counted


def check_results(engine: Engine) -> None:
    for item in engine.agenda.items:
        if item.activity is None:
            continue
        activity_type = engine.activity_type(item)
        result = engine.result(item.id)
        assert activity_type.count(result) == PARTICIPANTS - 1, item.id
        view = engine.view(item.id)
        assert view and all(isinstance(block, BLOCK_KINDS) for block in view), item.id
        report = engine.report(item.id)
        assert report and all(isinstance(block, BLOCK_KINDS) for block in report), item.id
        public = public_view(engine, item.id)
        if activity_type.on_projector(item.activity.config):
            assert public == view, item.id
        else:
            assert public is None, item.id  # an evaluation stays with the facilitator
        assert engine.runs[item.id].error is None, item.id


@pytest.mark.parametrize("path", AGENDAS, ids=lambda path: path.stem)
async def test_agenda_runs_end_to_end(path: Path) -> None:
    clock = ManualClock()
    engine = Engine.new(load_agenda(path), clock=clock)
    counted = await run_agenda(engine, clock)
    assert set(counted) == {i.id for i in engine.agenda.items if i.activity is not None}
    assert all(count == PARTICIPANTS - 1 for count in counted.values())
    check_results(engine)
    assert engine.drift() == 0  # every item took exactly its planned time
    engine.close()


def result_of_kind(engine: Engine, kind: str):
    item = next(i for i in engine.agenda.items if i.kind == kind)
    return item, engine.result(item.id)


async def test_integrated_security_projects_the_heat_map_and_the_strategies() -> None:
    clock = ManualClock()
    engine = Engine.new(load_agenda(SHIPPED["integrated-security"]), clock=clock)
    await run_agenda(engine, clock, seed=3)
    risk_item, risks = result_of_kind(engine, "riskmap")
    assert sum(map(sum, risks.cells)) == (PARTICIPANTS - 1) * len(risks.threats)
    assert type(public_view(engine, risk_item.id)[0]).__name__ == "Heatmap"
    added = engine.agenda.item("risk-map-added")
    rated = {t.threat for t in engine.result(added.id).threats}
    assert rated == {text for text, _ in risks.proposals}  # the room's own threats, approved
    vote_item, marks = result_of_kind(engine, "strategies-vote")
    posted = {(s.category, s.text) for s in engine.result("post-strategies").strategies}
    assert {(m.category, m.text) for m in marks.marks} <= posted
    assert type(public_view(engine, vote_item.id)[0]).__name__ == "Bars"
    engine.close()


async def test_due_diligence_projects_the_five_ps_and_keeps_the_evaluation() -> None:
    clock = ManualClock()
    engine = Engine.new(load_agenda(SHIPPED["due-diligence"]), clock=clock)
    await run_agenda(engine, clock, seed=5)
    spread = public_view(engine, "five-ps")[0]
    assert type(spread).__name__ == "Spread" and len(spread.rows) == 5
    assert public_view(engine, "evaluation") is None
    assert engine.view("evaluation")  # the facilitator sees it
    engine.close()


async def test_a_stored_session_resumes_with_the_same_results(tmp_path: Path) -> None:
    clock = ManualClock()
    store = Store.create(directory=tmp_path)
    engine = Engine.new(load_agenda(SHIPPED["stalkerware"]), store, clock=clock)
    await run_agenda(engine, clock, seed=7)
    results = {i.id: engine.result(i.id) for i in engine.agenda.items if i.activity}
    session_id = engine.store.id
    engine.close()
    resumed = Engine.resume(Store.open(session_id, tmp_path), clock=clock)
    assert {i: resumed.result(i) for i in results} == results
    assert resumed.index == len(resumed.agenda.items) - 1
    resumed.close()


async def wait_until(condition, seconds: float = 20.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def test_integrated_security_runs_through_the_real_server_on_loopback() -> None:
    pytest.importorskip("aiohttp")
    from facilitate.server import start_server
    from facilitate.server.simulated_phones import simulate_participants

    phones = 6
    engine = Engine.new(load_agenda(SHIPPED["integrated-security"]))
    server = await start_server(engine, host="127.0.0.1", port=0)
    stop = asyncio.Event()
    simulation = asyncio.create_task(
        simulate_participants(
            engine, server.local_url, phones, seed=1, stop=stop, think_time=(0.01, 0.05)
        )
    )
    try:
        for index, item in enumerate(engine.agenda.items):
            if item.activity is None:
                continue
            engine.goto(index)
            engine.open_answering()
            run = engine.current_run
            assert await wait_until(lambda run=run: run.count >= phones), item.id
            for pending in engine.pending(item.id):
                engine.approve(item.id, pending.id)
            engine.reveal()
            engine.close_answering()
            assert engine.result(item.id) is not None
            if item.kind != "evaluation":
                assert public_view(engine, item.id), item.id
    finally:
        stop.set()
        stats = await asyncio.wait_for(simulation, 30)
        await server.stop()
        engine.close()
    assert stats.joined == phones
    assert stats.errors == 0
    assert stats.answers >= phones * 11


def test_every_shipped_agenda_is_a_template_that_new_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins = default_plugins()
    assert set(READY) | {"demo"} <= set(SHIPPED)
    assert set(plugins.info["agendas"].templates) == set(SHIPPED)
    copies = []
    for name, path in SHIPPED.items():
        copy = tmp_path / f"my-{name}.toml"
        assert main(["new", "--from", name, str(copy)]) == 0
        assert copy.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
        copies.append(str(copy))
    capsys.readouterr()
    assert main(["check", *copies]) == 0
    assert capsys.readouterr().out.count(": ok: ") == len(SHIPPED)


def test_the_demo_command_runs_the_demo_template() -> None:
    from facilitate.tui.cli import DEMO_AGENDA

    assert SHIPPED["demo"] == DEMO_AGENDA
