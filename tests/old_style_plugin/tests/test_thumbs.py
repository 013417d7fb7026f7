"""The tests this plugin shipped with under facilitate 0.1."""

import facilitate_thumbs
import pytest

AGENDA = """
title = "Deciding"
k = 3

[[items]]
title = "Thumbs"
duration = "5m"
[items.activity]
type = "thumbs"
proposal = "We meet on Tuesdays."
"""


@pytest.fixture
def rehearsal(workshop, facilitate_plugins):
    facilitate_plugins.register(facilitate_thumbs)
    return workshop(AGENDA, seed=3)


def test_a_room_is_tallied(rehearsal):
    rehearsal.simulate(6)
    result = rehearsal.assert_tally_consistent()
    assert result.answers == 6
    assert "6 hands" in rehearsal.text()


def test_the_report_has_a_table(rehearsal):
    rehearsal.simulate(4)
    assert "Hands" in rehearsal.text(report=True)


def test_results_stay_hidden_below_k(rehearsal):
    rehearsal.simulate(2)
    rehearsal.reveal()
    assert rehearsal.public_view() is None
    rehearsal.simulate(3)
    assert rehearsal.public_view() is not None
