"""After reveal with answering open, the room never sees a change made by fewer than k answers.

The room model (:mod:`facilitate.room`) draws the room's and the console's result from
the answers as they were at the last step, and takes a new step only once at least ``k``
answers have come, changed or gone since. These tests answer one at a time and watch
what the projector would show.
"""

from __future__ import annotations

from typing import Any

import pytest

from facilitate import room as room_model
from facilitate.room import Audience, public_view, shown_view
from facilitate.testing import Rehearsal

K = 3
AGENDA = f"""
title = "Steps"
k = {K}

[[items]]
id = "pick"
title = "Pick one"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["Red", "Green", "Blue"]

[[items]]
id = "say"
title = "Say something"
duration = "5m"
[items.activity]
type = "text"
question = "What helps?"
"""


@pytest.fixture
def room() -> Any:
    with Rehearsal(AGENDA) as rehearsal:
        yield rehearsal


def shown(room: Rehearsal, item: str = "pick") -> Any:
    return public_view(room.engine, item)


def held_back(room: Rehearsal, item: str = "pick") -> int:
    count: int = room_model.held_back(room.engine, item)
    return count


def revealed_with(room: Rehearsal, count: int) -> Any:
    """Open, ``count`` participants answer Red, reveal: what the room sees then."""
    for person in range(count):
        room.answer({"choice": "0"}, "pick", participant=person)
    room.reveal("pick")
    view = shown(room)
    assert view is not None
    return view


def test_a_single_new_answer_after_reveal_does_not_show(room: Rehearsal) -> None:
    before = revealed_with(room, K)
    room.answer({"choice": "1"}, "pick", participant=K)  # one more person: Green
    assert shown(room) == before
    assert held_back(room) == 1


def test_a_changed_or_withdrawn_answer_does_not_show_either(room: Rehearsal) -> None:
    before = revealed_with(room, K + 1)
    room.answer({"choice": "2"}, "pick", participant=0)  # changed: Red -> Blue
    assert shown(room) == before
    room.retract("pick", participant=1)  # withdrawn
    assert shown(room) == before
    assert held_back(room) == 2


def test_the_result_moves_once_k_answers_changed(room: Rehearsal) -> None:
    before = revealed_with(room, K)
    for person in range(K, 2 * K - 1):
        room.answer({"choice": "1"}, "pick", participant=person)
        assert shown(room) == before
    room.answer({"choice": "1"}, "pick", participant=2 * K - 1)
    after = shown(room)
    assert after != before
    assert after == tuple(room.engine.view("pick"))  # the step is the whole result now
    assert held_back(room) == 0


def test_changing_back_counts_as_no_change(room: Rehearsal) -> None:
    before = revealed_with(room, K)
    for _ in range(K):  # one person flips back and forth: never k different people
        room.answer({"choice": "2"}, "pick", participant=0)
        room.answer({"choice": "0"}, "pick", participant=0)
    room.answer({"choice": "2"}, "pick", participant=0)
    assert shown(room) == before
    assert held_back(room) == 1


def test_hiding_and_revealing_again_does_not_take_a_step(room: Rehearsal) -> None:
    before = revealed_with(room, K)
    room.answer({"choice": "1"}, "pick", participant=K)
    room.engine.reveal(False)
    room.engine.reveal(True)
    assert shown(room) == before


def test_closing_answering_shows_the_final_result(room: Rehearsal) -> None:
    revealed_with(room, K)
    room.answer({"choice": "1"}, "pick", participant=K)
    room.close_answering("pick")
    assert shown(room) == tuple(room.engine.view("pick"))
    assert held_back(room) == 0


def test_the_console_follows_the_same_steps_even_before_reveal(room: Rehearsal) -> None:
    for person in range(K):
        room.answer({"choice": "0"}, "pick", participant=person)
    console, _ = shown_view(room.engine, "pick", Audience.CONSOLE)
    room.answer({"choice": "1"}, "pick", participant=K)
    assert shown_view(room.engine, "pick", Audience.CONSOLE)[0] == console
    room.reveal("pick")
    assert shown(room) == console  # the projector starts from the step the console shows
    report, _ = shown_view(room.engine, "pick", Audience.REPORT)
    assert report == tuple(room.engine.view("pick")) != console  # the report has it all


def test_an_approved_text_shows_at_once_but_a_new_answer_waits(room: Rehearsal) -> None:
    for person in range(K):
        room.answer({"text": f"answer {person}"}, "say", participant=person)
    room.reveal("say")
    first = shown(room, "say")
    room.approve_all("say")
    approved = shown(room, "say")
    assert approved != first and "answer 0" in str(approved)  # a decision shows at once
    room.answer({"text": "late and alone"}, "say", participant=K)
    room.approve_all("say")
    assert shown(room, "say") == approved  # its writer is not singled out
    assert "late and alone" not in str(shown(room, "say"))


def test_counting_changed_answers() -> None:
    changed_answers = room_model.changed_answers
    before = {"a": 1, "b": 2, "c": 3}
    assert changed_answers(before, before) == 0
    assert changed_answers(before, {"a": 1, "b": 5, "d": 4}) == 3  # b changed, c went, d came


def test_rejecting_texts_takes_no_step(room: Rehearsal) -> None:
    for person in range(K):
        room.answer({"text": f"names someone {person}"}, "say", participant=person)
    room.reveal("say")
    before = shown(room, "say")
    room.answer({"text": "late and alone"}, "say", participant=K)
    assert room.reject_all("say") == K + 1  # erased from their answers, which the room never saw
    assert held_back(room, "say") == 1  # only the late answer is a change the room could see
    assert shown(room, "say") == before
