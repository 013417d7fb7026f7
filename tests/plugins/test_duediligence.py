"""The duediligence plugin: the State rated on the 5 Ps, with the most urgent gap in each."""

from __future__ import annotations

import pytest
from facilitate_duediligence import DueDiligence
from hypothesis import given, settings
from plugin_checks import accepted, check_incremental_tally, context_for, edits

from facilitate.api import AnswerError, ConfigError, Note, Radar, Spread, Table

DD = DueDiligence()
CONFIG = DD.configure({})
CONTEXT = context_for(DD)


def rated(*points: int, **gaps: str) -> dict[str, list[str]]:
    raw = {f"ratings.{i}": [str(p)] for i, p in enumerate(points)}
    return raw | {name: [text] for name, text in gaps.items()}


@pytest.mark.parametrize(
    ("settings", "key", "words"),
    [
        ({"areas": ["Prevention", "Protection"]}, "areas", "3 to 8 areas"),
        ({"areas": ["A", "B", "A"]}, "areas", "differ"),
        ({"min": 2}, "min", "0 or 1"),
        ({"max": 11}, "max", "from 3 to 10"),
        ({"labels": ["low", "mid", "high"]}, "labels", "5 labels (one per point) or 2"),
        ({"max": "5"}, "max", "the highest point of the scale"),
        ({"gap": False}, "gap", "did you mean 'gaps'"),
    ],
)
def test_config_errors(settings, key, words) -> None:
    with pytest.raises(ConfigError) as caught:
        DD.configure(settings)
    assert caught.value.problems[0].key == key
    assert words in caught.value.problems[0].message


def test_form_rates_the_five_ps_and_asks_for_a_gap_in_each() -> None:
    form = DD.form(CONFIG, CONTEXT)
    grid = form.field("ratings")
    assert grid.rows == (
        "Prevention",
        "Protection",
        "Prosecution",
        "Punishment",
        "Provision of redress",
    )
    assert form.moderated_fields() == ["gap_0", "gap_1", "gap_2", "gap_3", "gap_4"]
    assert all(not form.field(f"gap_{i}").required for i in range(5))
    assert [f.name for f in DD.form(DD.configure({"gaps": False}), CONTEXT).fields] == ["ratings"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (rated(1, 2, 3, 4), "required"),
        (rated(1, 2, 3, 4, 6), "out_of_range"),
        (rated(1, 2, 3, 4, 5, gap_0="x" * 281), "too_long"),
        ({}, "required"),
    ],
)
def test_bad_answers_are_refused(raw, code) -> None:
    with pytest.raises(AnswerError) as caught:
        accepted(DD, CONFIG, raw)
    assert caught.value.code == code


def test_a_scale_from_zero_to_ten_is_allowed() -> None:
    config = DD.configure({"min": 0, "max": 10, "labels": []})
    assert accepted(DD, config, rated(0, 10, 5, 5, 5))["ratings"] == [0, 10, 5, 5, 5]


@settings(max_examples=60, deadline=None)
@given(steps=edits(DD, CONFIG))
def test_incremental_tally_equals_fresh(steps) -> None:
    check_incremental_tally(DD, CONFIG, steps)


def known():
    values = [
        accepted(DD, CONFIG, rated(1, 2, 1, 1, 1, gap_0="No shelters outside the capital")),
        accepted(DD, CONFIG, rated(2, 2, 1, 1, 3, gap_4="Reparations never paid")),
        accepted(DD, CONFIG, rated(3, 4, 1, 2, 1, gap_0="Police ignore online threats")),
    ]
    values[1]["gap_4"] = None  # still waiting for the facilitator
    return DD.tally(CONFIG, values)


def test_result_counts_each_point_per_area_and_only_approved_gaps() -> None:
    result = known()
    assert result.answers == 3
    assert result.counts[0] == (1, 1, 1, 0, 0)
    assert result.counts[2] == (3, 0, 0, 0, 0)
    assert result.gaps[0] == (
        ("No shelters outside the capital", 1),
        ("Police ignore online threats", 1),
    )
    assert result.gaps[4] == ()
    assert result.means(CONFIG.points)[1] == pytest.approx(8 / 3)


def test_view_is_a_five_row_spread() -> None:
    spread, note = DD.view(CONFIG, known(), CONTEXT)
    assert isinstance(spread, Spread)
    assert len(spread.rows) == 5
    assert spread.rows[1].counts == (0, 2, 0, 1, 0)
    assert spread.points == (1, 2, 3, 4, 5)
    assert spread.point_labels == ("Not at all", "2", "3", "4", "Fully")
    assert note == Note("3 answers")


def test_report_has_a_radar_of_means_and_the_gaps_per_area() -> None:
    blocks = DD.report(CONFIG, known(), CONTEXT)
    radar = blocks[0]
    assert isinstance(radar, Radar)
    assert radar.axes[0] == "Prevention" and radar.values[0] == 2.0
    assert radar.minimum == 1.0 and radar.maximum == 5.0
    gaps = next(b for b in blocks if isinstance(b, Table) and b.title == "Gaps")
    assert gaps.rows == (
        ("Prevention", "No shelters outside the capital", "1"),
        ("Prevention", "Police ignore online threats", "1"),
    )


def test_report_of_no_answers_draws_an_empty_radar() -> None:
    blocks = DD.report(CONFIG, DD.tally(CONFIG, []), CONTEXT)
    assert blocks[0].values == (1, 1, 1, 1, 1)
    assert not any(isinstance(b, Table) and b.title == "Gaps" for b in blocks)


def test_the_gap_question_follows_the_agenda_language() -> None:
    form = DD.form(CONFIG, context_for(DD, "id"))
    assert form.field("gap_0").label == "Pencegahan: kesenjangan paling mendesak (opsional)"


@pytest.mark.parametrize(
    ("language", "first_area", "ends"),
    [
        ("es", "Prevención", ("Nada", "Plenamente")),
        ("ar", "الوقاية", ("لا على الإطلاق", "تمامًا")),
        ("fr", "Prévention", ("Pas du tout", "Pleinement")),
    ],
)
def test_the_five_ps_and_the_scale_ends_follow_the_room_language(language, first_area, ends):
    context = context_for(DD, language)
    form = DD.form(CONFIG, context)
    grid = form.field("ratings")
    assert grid.rows[0] == first_area and len(grid.rows) == 5
    assert grid.labels == ends
    assert grid.label == DD.prompt(CONFIG, context) != DD.prompt(CONFIG, CONTEXT)
    spread = DD.view(CONFIG, known(), context)[0]
    assert spread.rows[0].label == first_area
    assert (spread.point_labels[0], spread.point_labels[-1]) == ends
    radar = DD.report(CONFIG, known(), context)[0]
    assert radar.axes[0] == first_area


def test_areas_and_labels_the_agenda_writes_are_kept_as_written() -> None:
    config = DD.configure({"areas": ["Ley", "Policía", "Jueces"], "labels": ["Mal", "Bien"]})
    form = DD.form(config, context_for(DD, "ar"))
    assert form.field("ratings").rows == ("Ley", "Policía", "Jueces")
    assert form.field("ratings").labels == ("Mal", "Bien")
    numbers_only = DD.configure({"min": 0, "max": 10, "labels": []})
    assert DD.form(numbers_only, context_for(DD, "es")).field("ratings").labels == ()
