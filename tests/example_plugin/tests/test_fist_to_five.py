"""Tests for facilitate-fist-to-five.

They use facilitate's rehearsal harness, so no phone and no terminal are needed. Run
``pytest`` in this folder. The ``facilitate_workshop`` and ``facilitate_plugins`` fixtures
come from facilitate's pytest plugin, which pytest loads by itself once facilitate is
installed.
"""

from __future__ import annotations

import asyncio
import importlib.metadata

import pytest
from facilitate.api import AnswerError, ConfigError, StaticContext
from facilitate.testing import Rehearsal, installed_plugins
from hypothesis import given, settings
from hypothesis import strategies as st

import facilitate_fist_to_five
from facilitate_fist_to_five import FistToFive, FistToFiveTally

AGENDA = """
title = "Deciding together"
k = 3

[[items]]
title = "Fist to five"
duration = "5m"
[items.activity]
type = "fist-to-five"
proposal = "We meet only at places we checked together."
discuss_below = 3
"""


@pytest.fixture
def rehearsal(facilitate_workshop, facilitate_plugins) -> Rehearsal:
    facilitate_plugins.register(facilitate_fist_to_five)
    return facilitate_workshop(AGENDA, seed=7)


def test_a_simulated_room_is_tallied(rehearsal: Rehearsal) -> None:
    rehearsal.simulate(12)
    rehearsal.approve_all()
    result = rehearsal.assert_tally_consistent()
    assert result.answers == 12
    assert sum(result.counts) == 12
    assert "12 hands" in rehearsal.text()


def test_consensus_when_every_hand_is_at_the_line(rehearsal: Rehearsal) -> None:
    for participant, fingers in enumerate([3, 4, 5, 5]):
        rehearsal.answer({"fingers": str(fingers)}, participant=participant)
    assert "Consensus: every hand shows 3 or more." in rehearsal.text()


def test_hands_below_the_line_mean_talking_first(rehearsal: Rehearsal) -> None:
    rehearsal.answer({"fingers": "0", "change": "Check the café too"}, participant=0)
    rehearsal.answer({"fingers": "2"}, participant=1)
    rehearsal.answer({"fingers": "5"}, participant=2)
    text = rehearsal.text()
    assert "Not yet: 2 of 3 hands show fewer than 3, 1 of them a fist" in text


def test_a_fist_must_say_what_would_change(rehearsal: Rehearsal) -> None:
    with pytest.raises(AnswerError) as error:
        rehearsal.answer({"fingers": "0"})
    assert error.value.field == "change"
    assert rehearsal.result().answers == 0


def test_notes_reach_the_room_only_once_approved(rehearsal: Rehearsal) -> None:
    rehearsal.answer({"fingers": "1", "change": "More time to decide"}, participant=0)
    assert rehearsal.result().changes == ()
    assert [p.text for p in rehearsal.engine.pending(rehearsal.item_id())] == [
        "More time to decide"
    ]
    rehearsal.approve_all()
    assert rehearsal.result().changes == ("More time to decide",)
    assert "• More time to decide" in rehearsal.text()


def test_notes_above_the_line_are_not_kept(rehearsal: Rehearsal) -> None:
    value = rehearsal.answer({"fingers": "4", "change": "nothing"}, participant=0)
    assert value["change"] is None
    assert rehearsal.engine.pending(rehearsal.item_id()) == []


def test_a_changed_hand_counts_once(rehearsal: Rehearsal) -> None:
    rehearsal.answer({"fingers": "1", "change": "Not yet"}, participant=0)
    rehearsal.approve_all()
    rehearsal.answer({"fingers": "5"}, participant=0)
    result = rehearsal.assert_tally_consistent()
    assert result.counts == (0, 0, 0, 0, 0, 1)
    assert result.changes == ()


def test_results_stay_hidden_until_k_answers(rehearsal: Rehearsal) -> None:
    rehearsal.simulate(2)
    rehearsal.reveal()
    assert rehearsal.public_view() is None
    rehearsal.simulate(3)
    assert rehearsal.public_view() is not None


def test_the_report_section_explains_each_hand(rehearsal: Rehearsal) -> None:
    rehearsal.simulate(5)
    report = rehearsal.text(report=True)
    assert "Fist: I block this" in report
    assert "Fingers  Meaning" in report


def test_the_written_report_has_the_section(rehearsal: Rehearsal) -> None:
    rehearsal.simulate(6)
    markdown = rehearsal.written_report("md")
    assert "Fist to five" in markdown
    assert "I champion it" in markdown


def test_the_view_draws_in_a_terminal(rehearsal: Rehearsal) -> None:
    rehearsal.answer({"fingers": "4"}, participant=0)
    shown = asyncio.run(rehearsal.show(size=(90, 24)))
    assert "I support it" in shown.text
    assert "1 hand, average 4 fingers" in shown.text
    assert shown.svg.startswith("<svg")


def test_bad_settings_name_the_key() -> None:
    with pytest.raises(ConfigError) as error:
        FistToFive().configure({"proposal": "Go", "discuss_below": 9, "ask_whi": True})
    assert sorted(problem.key for problem in error.value.problems) == ["ask_whi", "discuss_below"]
    assert "did you mean 'ask_why'?" in str(error.value)


def test_without_ask_why_the_form_has_only_the_hand() -> None:
    activity_type = FistToFive()
    config = activity_type.configure({"proposal": "Go", "ask_why": False})
    form = activity_type.form(config, StaticContext())
    assert [field.name for field in form.fields] == ["fingers"]
    assert activity_type.accept(config, {"fingers": 0}, StaticContext()) == {"fingers": 0}


answers = st.fixed_dictionaries(
    {
        "fingers": st.integers(0, 5),
        "change": st.one_of(st.none(), st.sampled_from(["time", "place", "people"])),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(answers, max_size=30), st.data())
def test_the_tally_does_not_depend_on_order_or_removals(values, data) -> None:
    running = FistToFiveTally()
    for value in values:
        running.add(value)
    removed = data.draw(st.lists(st.integers(0, max(len(values) - 1, 0)), unique=True))
    removed = [index for index in removed if index < len(values)]
    for index in removed:
        running.remove(values[index])
    kept = [value for index, value in enumerate(values) if index not in removed]
    fresh = FistToFiveTally()
    for value in reversed(kept):
        fresh.add(value)
    assert running.result() == fresh.result()


def test_installed_through_the_entry_point() -> None:
    try:
        importlib.metadata.distribution("facilitate-fist-to-five")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("not installed yet: run pip install -e .")
    plugins = installed_plugins()
    assert plugins.owner("fist-to-five") == "fist-to-five"
    assert plugins.info["fist-to-five"].error is None
    assert "fist-to-five-example" in plugins.templates


def test_a_spanish_room_reads_the_plugin_in_spanish(
    facilitate_workshop, facilitate_plugins
) -> None:
    facilitate_plugins.register(facilitate_fist_to_five)
    spanish = AGENDA.replace('title = "Deciding together"', 'title = "Decidir"\nlanguage = "es"')
    rehearsal = facilitate_workshop(spanish, seed=7)
    for participant, fingers in enumerate([3, 4, 5]):
        rehearsal.answer({"fingers": str(fingers)}, participant=participant)
    text = rehearsal.text()
    assert "Consenso: todas las manos muestran 3 o más." in text
    assert "3 manos, media de 4 dedos" in text
    assert rehearsal.form().intro == "Muestra tu mano: nadie ve quién mostró qué."
