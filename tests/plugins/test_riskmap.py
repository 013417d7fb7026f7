"""The riskmap plugin: threats rated by likelihood and impact, a heat map and a ranking."""

from __future__ import annotations

import pytest
from facilitate_riskmap import RiskMap, RiskMapResult
from hypothesis import given, settings
from plugin_checks import FakeContext, accepted, check_incremental_tally, edits

from facilitate.agenda import AgendaError, loads_agenda
from facilitate.api import AnswerError, Bars, ConfigError, Heatmap, Note, Table, Texts

RISKMAP = RiskMap()
THREATS = ["Smear campaign online", "Phone seized at a checkpoint", "Office raid"]


def configure(**settings):
    return RISKMAP.configure({"threats": THREATS, **settings})


def ratings(likelihood: list[int], impact: list[int], **extra: list[int]) -> dict[str, list[str]]:
    raw = {f"likelihood.{i}": [str(v)] for i, v in enumerate(likelihood)}
    raw |= {f"impact.{i}": [str(v)] for i, v in enumerate(impact)}
    for name, values in extra.items():
        raw |= {f"{name}.{i}": [str(v)] for i, v in enumerate(values)}
    return raw


# -- configuration ------------------------------------------------------------------


def test_config_needs_threats_or_an_earlier_item() -> None:
    with pytest.raises(ConfigError) as caught:
        RISKMAP.configure({})
    assert caught.value.problems[0].key == "threats"
    assert "at least one threat" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("settings", "key", "words"),
    [
        ({"threats": ["A", "A"]}, "threats", "differ"),
        ({"threats": ["A", " "]}, "threats", "empty"),
        ({"threats": [f"T{i}" for i in range(21)]}, "threats", "at most 20"),
        ({"threats": ["A"], "likelihood_labels": ["a", "b", "c"]}, "likelihood_labels", "5 labels"),
        ({"threats": ["A"], "capacity": True}, "capacity", "did you mean 'capacities'"),
        ({"threats": "A"}, "threats", "a list of up to 20 threats"),
        ({"threats": ["A"], "from": 3}, "from", "earlier riskmap item"),
    ],
)
def test_config_errors_name_the_key_and_say_what_was_expected(settings, key, words) -> None:
    with pytest.raises(ConfigError) as caught:
        RISKMAP.configure(settings)
    problem = caught.value.problems[0]
    assert problem.key == key
    assert words in problem.message


def test_from_must_name_an_earlier_riskmap_item_at_check_time() -> None:
    agenda = """
title = "t"
[[items]]
id = "vote"
title = "Which?"
duration = "5m"
[items.activity]
type = "choice"
question = "?"
options = ["a", "b"]
[[items]]
title = "Rate the new threats"
duration = "10m"
[items.activity]
type = "riskmap"
from = "{target}"
"""
    with pytest.raises(AgendaError) as caught:
        loads_agenda(agenda.format(target="nowhere"), "day.toml")
    assert "day.toml: item 2 'Rate the new threats': activity.from: 'nowhere' names no item" in str(
        caught.value
    )
    with pytest.raises(AgendaError) as caught:
        loads_agenda(agenda.format(target="vote"), "day.toml")
    assert "is of type 'choice'; expected 'riskmap'" in str(caught.value)


# -- the form and answers -----------------------------------------------------------


def test_form_has_a_grid_for_likelihood_and_impact_and_an_optional_proposal() -> None:
    form = RISKMAP.form(configure(), FakeContext())
    assert [f.name for f in form.fields] == ["likelihood", "impact", "proposal"]
    assert form.field("likelihood").rows == tuple(THREATS)
    assert form.field("likelihood").labels[0] == "Very unlikely"
    assert form.moderated_fields() == ["proposal"]
    with_capacities = RISKMAP.form(configure(capacities=True, proposals=False), FakeContext())
    assert [f.name for f in with_capacities.fields] == [
        "likelihood",
        "impact",
        "vulnerability",
        "capacity",
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (ratings([1, 2, 6], [1, 1, 1]), "out_of_range"),
        (ratings([1, 2, 0], [1, 1, 1]), "out_of_range"),
        (ratings([1, 2], [1, 1, 1]), "required"),
        ({}, "required"),
        (ratings([1, 2, 3], [1, 1, 1]) | {"proposal": ["x" * 121]}, "too_long"),
    ],
)
def test_bad_answers_are_refused_with_a_code(raw, code) -> None:
    with pytest.raises(AnswerError) as caught:
        accepted(RISKMAP, configure(), raw)
    assert caught.value.code == code


def test_an_accepted_answer_keeps_the_names_of_the_threats_it_rated() -> None:
    value = accepted(RISKMAP, configure(), ratings([1, 2, 3], [5, 4, 3]))
    assert value["threats"] == THREATS
    assert value["proposal"] is None


def test_a_later_item_rates_the_approved_proposals_of_an_earlier_one() -> None:
    earlier = RISKMAP.tally(
        configure(),
        [
            {"likelihood": None, "impact": None, "threats": [], "proposal": "Doxxing"},
            {"likelihood": None, "impact": None, "threats": [], "proposal": None},  # pending
        ],
    )
    later = RISKMAP.configure({"from": "first", "threats": ["Burnout"]})
    context = FakeContext({"first": earlier})
    assert RISKMAP.form(later, context).field("impact").rows == ("Burnout", "Doxxing")
    assert RISKMAP.references(later)[0].item_id == "first"
    empty = RISKMAP.configure({"from": "first", "proposals": False})
    assert RISKMAP.form(empty, FakeContext()).intro == "There are no threats to rate yet."
    with pytest.raises(AnswerError):
        accepted(RISKMAP, empty, {}, FakeContext())


# -- tallies ------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(steps=edits(RISKMAP, configure()))
def test_incremental_tally_equals_a_fresh_one(steps) -> None:
    check_incremental_tally(RISKMAP, configure(), steps)


@settings(max_examples=40, deadline=None)
@given(steps=edits(RISKMAP, configure(capacities=True)))
def test_incremental_tally_with_capacities_equals_a_fresh_one(steps) -> None:
    check_incremental_tally(RISKMAP, configure(capacities=True), steps)


def known_result(config=None) -> RiskMapResult:
    config = config or configure()
    extra = {"vulnerability": [3, 3, 3], "capacity": [3, 3, 3]} if config.capacities else {}
    values = [
        accepted(RISKMAP, config, ratings([5, 2, 1], [4, 3, 5], **extra)),
        accepted(RISKMAP, config, ratings([4, 2, 1], [4, 1, 5], **extra)),
    ]
    values[0]["proposal"] = "Doxxing of family members"  # as approved
    return RISKMAP.tally(config, values)


def test_result_counts_cells_and_ranks_threats_by_risk() -> None:
    result = known_result()
    assert result.answers == 2
    assert result.cells[3][4] == 1 and result.cells[3][3] == 1  # impact 4, likelihood 5 and 4
    assert result.cells[4][0] == 2  # both rated the raid unlikely but critical
    assert sum(map(sum, result.cells)) == 6
    assert [t.threat for t in result.threats] == [
        "Smear campaign online",  # (20 + 16) / 2 = 18
        "Office raid",  # 5
        "Phone seized at a checkpoint",  # (6 + 2) / 2 = 4
    ]
    assert result.threats[0].risk == 18.0 and result.threats[0].likelihood == 4.5
    assert result.proposals == (("Doxxing of family members", 1),)


def test_capacity_lowers_and_vulnerability_raises_the_risk() -> None:
    config = configure(capacities=True)
    value = accepted(
        RISKMAP,
        config,
        ratings([2, 2, 2], [2, 2, 2], vulnerability=[4, 1, 1], capacity=[1, 1, 4]),
    )
    result = RISKMAP.tally(config, [value])
    risks = {t.threat: t.risk for t in result.threats}
    assert risks == {
        "Smear campaign online": 16.0,
        "Phone seized at a checkpoint": 4.0,
        "Office raid": 1.0,
    }


def test_unrated_threats_are_listed_last_without_numbers() -> None:
    result = RISKMAP.tally(configure(), [])
    assert [t.ratings for t in result.threats] == [0, 0, 0]
    assert all(t.risk is None for t in result.threats)


# -- what is shown ---------------------------------------------------------------------


def test_view_is_a_heat_map_with_impact_high_at_the_top_and_threats_ranked() -> None:
    heatmap, bars, proposals, note = RISKMAP.view(configure(), known_result())
    assert isinstance(heatmap, Heatmap)
    assert heatmap.row_labels[0] == "5 Critical" and heatmap.row_labels[-1] == "1 Minor"
    assert heatmap.column_labels[0] == "1 Very unlikely"
    assert heatmap.cells[0] == (2, 0, 0, 0, 0)  # impact 5: the raid, rated unlikely twice
    assert heatmap.cells[1] == (0, 0, 0, 1, 1)
    assert isinstance(bars, Bars)
    assert [(b.label, b.value) for b in bars.rows] == [
        ("Smear campaign online", 18.0),
        ("Office raid", 5.0),
        ("Phone seized at a checkpoint", 4.0),
    ]
    assert isinstance(proposals, Texts) and proposals.texts == ("Doxxing of family members",)
    assert note == Note("2 answers")


def test_report_has_the_matrix_and_a_table_of_every_threat() -> None:
    blocks = RISKMAP.report(configure(capacities=True), known_result(configure(capacities=True)))
    heatmap, table, proposals, _ = blocks
    assert isinstance(heatmap, Heatmap)
    assert isinstance(table, Table)
    assert table.headers == (
        "Threat",
        "Ratings",
        "Likelihood",
        "Impact",
        "Vulnerability",
        "Capacity",
        "Risk",
    )
    assert table.rows[0][0] == "Smear campaign online"
    assert isinstance(proposals, Table) and proposals.rows == (("Doxxing of family members", "1"),)
    assert "averaged over participants (from 0.2 to 125)" in blocks[-1].text


def test_two_labels_name_the_ends_of_the_axes() -> None:
    config = configure(likelihood_labels=["Rare", "Certain"])
    heatmap = RISKMAP.view(config, known_result(config))[0]
    assert heatmap.column_labels == ("1 Rare", "2", "3", "4", "5 Certain")


def test_the_forms_own_words_follow_the_agenda_language() -> None:
    form = RISKMAP.form(configure(capacities=True), FakeContext(language="es"))
    assert form.field("likelihood").label == "¿Qué tan probable es que ocurra?"
    assert form.field("capacity").labels == ("Apenas", "Totalmente")
    assert RISKMAP.form(configure(), FakeContext(language="pt")).field("impact").label == (
        "How much harm would it do?"
    )
