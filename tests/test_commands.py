"""The one table of facilitator actions: what each does, what it tells the facilitator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from facilitate.commands import COMMANDS, CommandError, perform
from facilitate.i18n import translator
from facilitate.testing import Rehearsal

AGENDA = """
title = "Commands"
k = 2

[[items]]
title = "Welcome"
duration = "5m"

[[items]]
id = "pick"
title = "Pick"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["A", "B"]

[[items]]
id = "words"
title = "Words"
duration = "5m"
[items.activity]
type = "text"
question = "Say something"

[[items]]
id = "private"
title = "Evaluation"
duration = "5m"
[items.activity]
type = "evaluation"
questions = [{ kind = "likert", text = "Useful?" }]
"""
EN = translator("en")


@pytest.fixture
def rehearsal() -> Iterator[Rehearsal]:
    with Rehearsal(AGENDA, seed=4) as rehearsal:
        yield rehearsal


def said(rehearsal: Rehearsal, name: str, params: dict[str, object] | None = None) -> str:
    return perform(rehearsal.engine, name, params).text(EN)


def test_every_command_has_a_label_and_runs_by_name() -> None:
    assert all(command.label for command in COMMANDS.values())
    assert {"next", "previous", "goto", "toggle_timer", "extend", "reveal", "approve"} <= set(
        COMMANDS
    )


def test_next_and_previous_stop_at_the_ends_and_say_so(rehearsal: Rehearsal) -> None:
    engine = rehearsal.engine
    assert said(rehearsal, "previous") == "This is the first item."
    for _ in range(3):
        assert said(rehearsal, "next") == ""
    assert engine.index == 3
    assert said(rehearsal, "next").startswith("This is the last item.")


def test_next_on_a_failed_item_skips_it_and_clears_its_error(rehearsal: Rehearsal) -> None:
    rehearsal.goto("pick")
    rehearsal.run("pick").error = "plugin 'core' failed in view: boom"
    perform(rehearsal.engine, "next")
    assert rehearsal.engine.current.id == "words"
    assert rehearsal.run("pick").error is None


def test_goto_takes_an_id_or_an_index_and_refuses_others(rehearsal: Rehearsal) -> None:
    perform(rehearsal.engine, "goto", {"item": "words"})
    assert rehearsal.engine.current.id == "words"
    perform(rehearsal.engine, "goto", {"index": "1"})
    assert rehearsal.engine.current.id == "pick"
    for bad, message in [
        ({"item": "nope"}, "there is no item 'nope'"),
        ({"index": "9"}, "there is no item 10; the agenda has 4"),
        ({"index": "two"}, "'index' must be a whole number, got 'two'"),
        ({}, "give the item's 'index' (from 0) or its id as 'item'"),
    ]:
        with pytest.raises(CommandError) as error:
            perform(rehearsal.engine, "goto", bad)
        assert error.value.text(EN) == message
    assert rehearsal.engine.current.id == "pick"


def test_extend_adds_minutes_or_seconds_within_six_hours(rehearsal: Rehearsal) -> None:
    timer = rehearsal.engine.current_run.timer
    perform(rehearsal.engine, "extend", {"minutes": 2})
    perform(rehearsal.engine, "extend", {"seconds": "-30"})
    assert timer.adjustment == 90
    with pytest.raises(CommandError):
        perform(rehearsal.engine, "extend", {"seconds": str(7 * 3600)})
    assert timer.adjustment == 90


def test_answering_and_results_need_an_activity(rehearsal: Rehearsal) -> None:
    with pytest.raises(CommandError, match="no activity to answer"):
        perform(rehearsal.engine, "toggle_open")
    with pytest.raises(CommandError, match="no results to show"):
        perform(rehearsal.engine, "reveal")


def test_revealing_says_what_the_room_will_see(rehearsal: Rehearsal) -> None:
    rehearsal.open("pick")
    rehearsal.answer({"choice": "0"})
    assert said(rehearsal, "reveal") == (
        "Revealed, but the room sees results only from 2 answers on."
    )
    rehearsal.answer({"choice": "1"})
    assert said(rehearsal, "toggle_reveal") == "Results hidden from the room."
    assert said(rehearsal, "toggle_reveal") == "The room sees the results."
    rehearsal.open("private")
    assert said(rehearsal, "reveal") == (
        "Revealed, but this item keeps its results off the projector."
    )


def test_the_room_lock_and_code(rehearsal: Rehearsal) -> None:
    assert said(rehearsal, "toggle_lock") == "Room locked: no new phones can join."
    assert rehearsal.engine.locked
    assert said(rehearsal, "lock", {"locked": "0"}) == "Room open to join."
    old = rehearsal.engine.join_code
    done = perform(rehearsal.engine, "rotate")
    assert done.data["join_code"] == rehearsal.engine.join_code != old


def test_moderation_by_id_or_all(rehearsal: Rehearsal) -> None:
    rehearsal.open("words")
    rehearsal.answer({"text": "first"})
    rehearsal.answer({"text": "second"})
    pending = rehearsal.engine.pending("words")
    done = perform(rehearsal.engine, "reject", {"item": "words", "id": [pending[0].id]})
    assert done.data["changed"] == 1
    assert perform(rehearsal.engine, "approve", {"all": "1"}).data["changed"] == 1
    assert rehearsal.engine.pending("words") == []
    assert perform(rehearsal.engine, "approve", {"all": True}).data["changed"] == 0
    with pytest.raises(CommandError, match="give the text's 'id'"):
        perform(rehearsal.engine, "approve", {"item": "words"})


def test_an_unknown_action_is_refused(rehearsal: Rehearsal) -> None:
    with pytest.raises(CommandError) as error:
        perform(rehearsal.engine, "explode")
    assert error.value.text(EN) == "there is no action 'explode'"


def test_messages_follow_the_facilitator_language(rehearsal: Rehearsal) -> None:
    done = perform(rehearsal.engine, "toggle_lock")
    assert done.text(translator("es")) != done.text(EN)
