"""The engine as a library: navigation, timers, phases, answers, moderation, events."""

from __future__ import annotations

import pytest

from facilitate import events
from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import CLOSED, OPEN, Engine, NotJoined, RoomLocked
from facilitate.forms import AnswerError
from facilitate.room import public_view
from facilitate.store import Store

AGENDA = """
title = "Test day"
k = 2

[[items]]
title = "Welcome"
duration = "10m"

[[items]]
title = "Pick one"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["A", "B", "C"]

[[items]]
title = "Pick some"
duration = "5m"
[items.activity]
type = "multi"
question = "Which ones?"
options = ["A", "B", "C"]
max = 2
"""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(clock: ManualClock) -> Engine:
    return Engine.new(loads_agenda(AGENDA), clock=clock)


def test_navigation_moves_between_items_and_publishes(engine: Engine) -> None:
    seen: list[events.Event] = []
    engine.subscribe(seen.append)
    assert engine.current.title == "Welcome"
    assert engine.next()
    assert engine.current.title == "Pick one"
    assert engine.previous()
    assert not engine.previous()
    engine.goto(2)
    assert engine.current.id == "pick-some"
    assert not engine.next()
    assert [e.index for e in seen if isinstance(e, events.ItemChanged)] == [1, 0, 2]


def test_timer_counts_pauses_and_extends(engine: Engine, clock: ManualClock) -> None:
    engine.start_timer()
    clock.advance(120)
    assert engine.current_run.timer.remaining == 480
    engine.pause_timer()
    clock.advance(60)
    assert engine.current_run.timer.remaining == 480
    engine.extend(60)
    assert engine.current_run.timer.remaining == 540
    engine.extend(-300)
    engine.start_timer()
    clock.advance(400)
    assert engine.current_run.timer.overrun == 160


def test_next_keeps_the_clock_running_and_measures_drift(
    engine: Engine, clock: ManualClock
) -> None:
    engine.start_timer()
    clock.advance(12 * 60)
    engine.next()
    assert engine.current_run.timer.running
    assert engine.drift() == 120
    timings = engine.timings()
    assert timings[0].actual == 720 and timings[1].actual == 0 and timings[2].actual is None


async def test_answers_count_only_while_open_and_can_change(engine: Engine) -> None:
    engine.goto(1)
    token = engine.join()
    with pytest.raises(AnswerError):
        await engine.submit(token, "pick-one", {"choice": ["0"]})
    engine.open_answering()
    await engine.submit(token, "pick-one", {"choice": ["0"]})
    await engine.submit(token, "pick-one", {"choice": ["2"]})
    result = engine.result("pick-one")
    assert result.answers == 1 and result.counts == (0, 0, 1)
    assert engine.answer_of(token, "pick-one") == {"choice": 2}
    assert await engine.retract(token, "pick-one")
    assert engine.result("pick-one").answers == 0
    engine.close_answering()
    assert engine.current_run.phase == CLOSED


async def test_bad_answers_are_refused_and_change_nothing(engine: Engine) -> None:
    engine.goto(2)
    engine.open_answering()
    token = engine.join()
    for raw in ({}, {"choices": ["9"]}, {"choices": ["0", "1", "2"]}, {"choices": ["x"]}):
        with pytest.raises(AnswerError):
            await engine.submit(token, "pick-some", raw)
    assert engine.result("pick-some").answers == 0
    with pytest.raises(NotJoined):
        await engine.submit("forged.token", "pick-some", {"choices": ["0"]})


async def test_results_stay_hidden_below_k_and_until_revealed(engine: Engine) -> None:
    engine.goto(1)
    engine.open_answering()
    await engine.submit(engine.join(), "pick-one", {"choice": ["1"]})
    engine.reveal()
    assert public_view(engine, "pick-one") is None
    await engine.submit(engine.join(), "pick-one", {"choice": ["1"]})
    assert public_view(engine, "pick-one") is not None
    engine.reveal(False)
    assert public_view(engine, "pick-one") is None


def test_locked_room_refuses_new_devices(engine: Engine) -> None:
    engine.join()
    engine.lock()
    with pytest.raises(RoomLocked):
        engine.join()
    old = engine.join_code
    engine.lock(False)
    assert engine.rotate_code() != old or True
    assert engine.joined == 1


async def test_resume_restores_item_timer_phase_and_answers(clock: ManualClock) -> None:
    store = Store.create()
    engine = Engine.new(loads_agenda(AGENDA), store, clock=clock)
    engine.next()
    engine.start_timer()
    clock.advance(30)
    engine.pause_timer()
    engine.open_answering()
    token = engine.join()
    await engine.submit(token, "pick-one", {"choice": ["1"]})
    store.close()

    again = Engine.resume(Store.open(store.id), clock=clock)
    assert again.index == 1
    assert again.current_run.phase == OPEN
    assert again.current_run.timer.elapsed == pytest.approx(30)
    assert again.result("pick-one").counts == (0, 1, 0)
    assert again.answer_of(token, "pick-one") == {"choice": 1}
    assert again.joined == 1
    again.close()


def test_a_session_keeps_its_agenda_as_data_and_resumes_from_it(clock: ManualClock) -> None:
    store = Store.create()
    engine = Engine.new(loads_agenda(AGENDA), store, clock=clock)
    store.flush()
    assert isinstance(store.meta()["agenda"], dict)  # JSON in the file, not TOML text
    store.close()
    again = Engine.resume(Store.open(store.id), clock=clock)
    assert again.agenda == engine.agenda
    again.close()


def test_a_session_that_kept_its_agenda_as_toml_still_resumes(clock: ManualClock) -> None:
    """Sessions started before 0.2 hold the agenda as TOML text."""
    from facilitate.agenda import dumps_agenda

    store = Store.create()
    engine = Engine.new(loads_agenda(AGENDA), store, clock=clock)
    store.set_meta("agenda", dumps_agenda(engine.agenda)).result()
    store.close()
    again = Engine.resume(Store.open(store.id), clock=clock)
    assert again.agenda == engine.agenda
    again.close()


TEXT_AGENDA = """
title = "Words"
k = 2
[[items]]
id = "say"
title = "Say"
duration = "5m"
[items.activity]
type = "text"
question = "One thing that helps"
"""


def test_text_ids_are_keyed_by_the_session() -> None:
    one, two = (Engine.new(loads_agenda(TEXT_AGENDA)) for _ in range(2))
    assert one.text_id("say", "rest days") == one.text_id("say", "rest days")
    assert one.text_id("say", "rest days") != two.text_id("say", "rest days")
    assert one.text_id("say", "rest days") != one.text_id("say", "rest day")


async def test_a_rejected_text_is_erased_and_its_answer_still_counts(clock: ManualClock) -> None:
    engine = Engine.new(loads_agenda(TEXT_AGENDA), clock=clock)
    engine.open_answering()
    author, other = engine.join(), engine.join()
    await engine.submit(author, "say", {"text": ["Ana's address"]})
    await engine.submit(other, "say", {"text": ["rest days"]})
    ids = {p.text: p.id for p in engine.pending("say")}
    assert engine.reject("say", ids["Ana's address"]) == 1
    assert engine.approve("say", ids["Ana's address"]) == 0  # the words are gone
    assert engine.approve("say", ids["rest days"]) == 1
    assert engine.run("say").count == 2
    assert engine.answer_of(author, "say") == {"text": None}
    assert engine.result("say").texts == (("rest days", 1),)
    assert engine.moderation_counts("say") == (1, 1, 0)
    # The same words again, from anyone: erased before they are stored or counted.
    await engine.submit(engine.join(), "say", {"text": ["Ana's address"]})
    assert engine.pending("say") == []
    assert engine.run("say").count == 3


async def test_approvals_come_back_on_resume_and_cover_later_answers(clock: ManualClock) -> None:
    engine = Engine.new(loads_agenda(TEXT_AGENDA), Store.create(), clock=clock)
    engine.open_answering()
    await engine.submit(engine.join(), "say", {"text": ["rest days"]})
    await engine.submit(engine.join(), "say", {"text": ["pending words"]})
    engine.approve("say", engine.text_id("say", "rest days"))
    engine.close()

    again = Engine.resume(Store.open(engine.store.id), clock=clock)
    assert again.decision("say", "rest days") == "approved"
    assert [p.text for p in again.pending("say")] == ["pending words"]
    await again.submit(again.join(), "say", {"text": ["rest days"]})  # approved already
    assert [p.text for p in again.pending("say")] == ["pending words"]
    assert again.result("say").texts == (("rest days", 2),)
    again.close()
