"""The evaluation plugin: several questions answered as one form, kept to the facilitator."""

from __future__ import annotations

import pytest
from facilitate_evaluation import Evaluation
from hypothesis import given, settings
from plugin_checks import accepted, check_incremental_tally, context_for, edits

from facilitate.agenda import AgendaError, loads_agenda
from facilitate.api import Answer, AnswerError, Bars, ConfigError, Note, Spread, Texts

EVALUATION = Evaluation()
CONTEXT = context_for(EVALUATION)
QUESTIONS = [
    {"kind": "likert", "text": "The training met my expectations."},
    {"kind": "rating", "text": "How useful was the risk map?", "min": 0, "max": 10},
    {"kind": "choice", "text": "Which session helped most?", "options": ["Risks", "Strategies"]},
    {
        "kind": "choice",
        "text": "What should come next?",
        "options": ["Digital security", "Self-care", "Advocacy"],
        "multiple": True,
        "required": False,
    },
    {"kind": "text", "text": "What would you change?"},
]
CONFIG = EVALUATION.configure({"questions": QUESTIONS})


def configure(*questions, **settings):
    return EVALUATION.configure({"questions": list(questions), **settings})


# -- configuration ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("questions", "key", "words"),
    [
        ([{"text": "?"}], "questions[0].kind", "missing; expected one of 'likert'"),
        ([{"kind": "stars", "text": "?"}], "questions[0].kind", "unknown kind 'stars'"),
        ([{"kind": "likert"}], "questions[0].text", "non-empty string"),
        ([{"kind": "likert", "text": "?", "option": []}], "questions[0].option", "a likert"),
        ([{"kind": "choice", "text": "?", "option": ["a"]}], "questions[0].option", "'options'"),
        ([{"kind": "choice", "text": "?", "options": ["a"]}], "questions[0].options", "2 to 20"),
        ([{"kind": "rating", "text": "?", "max": 11}], "questions[0].max", "from 2 to 10"),
        ([{"kind": "rating", "text": "?", "min": 3}], "questions[0].min", "0 or 1"),
        ([{"kind": "likert", "text": "?", "labels": ["a", "b", "c"]}], "questions[0].labels", "5"),
        ([{"kind": "text", "text": "?", "required": "yes"}], "questions[0].required", "true or"),
        ([{"kind": "text", "text": "?", "max_length": 5}], "questions[0].max_length", "20 to"),
    ],
)
def test_each_question_is_checked_and_problems_name_it(questions, key, words) -> None:
    with pytest.raises(ConfigError) as caught:
        configure(*questions)
    problem = caught.value.problems[0]
    assert problem.key == key
    assert words in problem.message


def test_every_bad_question_is_reported_at_once_with_its_position() -> None:
    with pytest.raises(ConfigError) as caught:
        configure({"kind": "likert", "text": "Fine"}, {"kind": "poll"}, {"kind": "text"})
    assert [p.key for p in caught.value.problems] == ["questions[1].kind", "questions[2].text"]


def test_questions_must_be_a_list_of_tables() -> None:
    with pytest.raises(ConfigError) as caught:
        EVALUATION.configure({"questions": ["How was it?"]})
    assert caught.value.problems[0].key == "questions"
    with pytest.raises(ConfigError) as caught:
        EVALUATION.configure({"questions": []})
    assert "1 to 20 questions" in caught.value.problems[0].message


def test_agenda_errors_name_the_file_item_and_question() -> None:
    agenda = """
title = "t"
[[items]]
title = "Evaluation"
duration = "10m"
[items.activity]
type = "evaluation"
questions = [{ kind = "likert", text = "Good?" }, { kind = "choice", text = "Which?" }]
"""
    with pytest.raises(AgendaError) as caught:
        loads_agenda(agenda, "eval.toml")
    assert (
        "eval.toml: item 1 'Evaluation': activity.questions[1].options: expected a list of 2 to 20"
        in str(caught.value)
    )


# -- the form ----------------------------------------------------------------------


def test_one_form_holds_every_question() -> None:
    form = EVALUATION.form(CONFIG, CONTEXT)
    assert [(f.name, f.kind) for f in form.fields] == [
        ("q1", "scale"),
        ("q2", "scale"),
        ("q3", "choice"),
        ("q4", "multi"),
        ("q5", "text"),
    ]
    assert form.field("q1").labels[0] == "Strongly disagree"
    assert (form.field("q2").min, form.field("q2").max) == (0, 10)
    assert not form.field("q5").required
    # Results stay with the facilitator, so open answers need no moderation ...
    assert form.moderated_fields() == []
    assert not EVALUATION.on_projector(CONFIG)
    # ... unless they may be shown to the room.
    shown = EVALUATION.configure({"questions": QUESTIONS, "on_projector": True})
    assert EVALUATION.form(shown, CONTEXT).moderated_fields() == ["q5"]
    assert EVALUATION.on_projector(shown)


GOOD = {"q1": ["4"], "q2": ["9"], "q3": ["0"], "q4": ["0", "2"], "q5": ["More time for rest"]}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"q1": ["6"]}, "out_of_range"),
        ({"q2": ["-1"]}, "out_of_range"),
        ({"q3": ["2"]}, "not_an_option"),
        ({"q3": []}, "required"),
        ({"q4": ["7"]}, "not_an_option"),
        ({"q5": ["x" * 501]}, "too_long"),
    ],
)
def test_bad_answers_are_refused(change, code) -> None:
    with pytest.raises(AnswerError) as caught:
        accepted(EVALUATION, CONFIG, GOOD | change)
    assert caught.value.code == code


def test_optional_questions_may_be_left_blank() -> None:
    value = accepted(EVALUATION, CONFIG, GOOD | {"q4": [], "q5": [""]})
    assert value["q4"] is None and value["q5"] is None


# -- tallies and views ---------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(steps=edits(EVALUATION, CONFIG))
def test_incremental_tally_equals_fresh(steps) -> None:
    check_incremental_tally(EVALUATION, CONFIG, steps)


def known():
    return EVALUATION.tally(
        CONFIG,
        [
            accepted(EVALUATION, CONFIG, GOOD),
            accepted(EVALUATION, CONFIG, GOOD | {"q1": ["5"], "q4": [], "q5": [""]}),
            accepted(EVALUATION, CONFIG, GOOD | {"q2": ["10"], "q3": ["1"], "q4": ["2"]}),
        ],
    )


def test_result_has_a_distribution_per_question_and_the_open_answers() -> None:
    result = known()
    assert result.answers == 3
    likert, rating, choice, multiple, open_text = result.questions
    assert likert.counts == (0, 0, 0, 2, 1)
    assert rating.counts[9:] == (2, 1)
    assert choice.counts == (2, 1)
    assert multiple.answered == 2 and multiple.counts == (1, 0, 2)
    assert open_text.answered == 2 and open_text.texts == (("More time for rest", 2),)


def test_view_shows_each_question_and_is_kept_off_the_projector() -> None:
    blocks = EVALUATION.view(CONFIG, known(), CONTEXT)
    spreads = [b for b in blocks if isinstance(b, Spread)]
    assert [s.title for s in spreads] == [
        "The training met my expectations.",
        "How useful was the risk map?",
    ]
    assert spreads[0].point_labels[-1] == "Strongly agree"
    assert Note("Mean 4.3 from 3 answers") in blocks
    bars = [b for b in blocks if isinstance(b, Bars)]
    assert all(b.of_answers for b in bars)
    assert [r.value for r in bars[1].rows] == [1, 0, 2]
    assert bars[1].answers == 2  # several picks each: shares of the two who answered
    assert Texts(("More time for rest",), title="What would you change?") in blocks
    assert blocks[-1] == Note("3 evaluations")


def test_report_has_every_distribution_and_the_open_answers() -> None:
    blocks = EVALUATION.report(CONFIG, known(), CONTEXT)
    kinds = [type(b).__name__ for b in blocks]
    assert kinds.count("Spread") == 2 and kinds.count("Bars") == 2 and kinds.count("Texts") == 1


def test_default_words_follow_the_agenda_language_but_written_ones_win() -> None:
    french = context_for(EVALUATION, "fr")
    form = EVALUATION.form(CONFIG, french)
    assert form.intro == "Vos réponses sont anonymes et nous aident à nous améliorer."
    assert form.field("q1").labels[-1] == "Tout à fait d'accord"
    assert EVALUATION.prompt(CONFIG, french) == "Formulaire d'évaluation"
    written = configure(
        {"kind": "likert", "text": "Útil", "labels": ["No", "Poco", "Algo", "Bastante", "Mucho"]},
        intro="Gracias",
    )
    form = EVALUATION.form(written, context_for(EVALUATION, "es"))
    assert form.intro == "Gracias" and form.field("q1").labels[0] == "No"


@pytest.mark.parametrize("language", ["es", "ar", "fr", "id"])
def test_view_and_report_show_the_scale_labels_the_phones_showed(language) -> None:
    context = context_for(EVALUATION, language)
    shown_on_phones = EVALUATION.form(CONFIG, context).field("q1").labels
    assert "Strongly agree" not in shown_on_phones
    for blocks in (
        EVALUATION.view(CONFIG, known(), context),
        EVALUATION.report(CONFIG, known(), context),
    ):
        likert = next(b for b in blocks if isinstance(b, Spread))
        assert likert.point_labels == shown_on_phones


# -- held back below k ----------------------------------------------------------------


def test_a_question_fewer_than_k_answered_shows_a_note_instead_of_its_results() -> None:
    # Three evaluations, but only two answered the optional question q4.
    context = context_for(EVALUATION, k=3)
    blocks = EVALUATION.view(CONFIG, known(), context)
    assert [b.title for b in blocks if isinstance(b, Bars)] == ["Which session helped most?"]
    assert (
        Note("What should come next?: shown once 3 people have answered this question.") in blocks
    )
    # Everything else, answered by all three, is shown.
    assert len([b for b in blocks if isinstance(b, Spread)]) == 2
    report = EVALUATION.report(CONFIG, known(), context)
    assert not any(isinstance(b, Bars) and b.title == "What should come next?" for b in report)


def test_the_export_leaves_out_the_answers_to_questions_the_view_holds_back() -> None:
    values = [
        accepted(EVALUATION, CONFIG, GOOD),
        accepted(EVALUATION, CONFIG, GOOD | {"q1": ["5"], "q4": [], "q5": [""]}),
        accepted(EVALUATION, CONFIG, GOOD | {"q2": ["10"], "q3": ["1"], "q4": ["2"]}),
    ]
    answers = [Answer(v) for v in values]
    held = {c.field for cells in EVALUATION.export(CONFIG, answers, context_for(EVALUATION, k=3))
            for c in cells}  # fmt: skip
    assert held == {"q1", "q2", "q3"}  # q4 and q5 were answered by two people only
    everything = {c.field for cells in EVALUATION.export(CONFIG, answers, CONTEXT) for c in cells}
    assert everything == {"q1", "q2", "q3", "q4", "q5"}
    # What the export keeps is what the view shows.
    view = EVALUATION.view(CONFIG, known(), context_for(EVALUATION, k=3))
    shown_titles = {b.title for b in view if isinstance(b, Spread | Bars | Texts)}
    questions = {f"q{i + 1}": q["text"] for i, q in enumerate(QUESTIONS)}
    assert {questions[name] for name in held} == shown_titles


async def test_through_the_engine_view_and_export_hold_back_the_same_question() -> None:
    from facilitate.clock import ManualClock
    from facilitate.engine import Engine

    agenda = loads_agenda(
        """
title = "Feedback"
k = 2
[[items]]
id = "eval"
title = "Evaluation"
duration = "5m"
[items.activity]
type = "evaluation"
questions = [
    { kind = "likert", text = "Useful?" },
    { kind = "text", text = "Anything else?" },
]
"""
    )
    engine = Engine.new(agenda, clock=ManualClock())
    engine.open_answering()
    for number, token in enumerate(engine.join() for _ in range(3)):
        extra = ["Only I wrote this"] if number == 0 else [""]
        await engine.submit(token, "eval", {"q1": [str(number + 3)], "q2": extra})
    view = engine.view("eval")
    assert not any(isinstance(b, Texts) for b in view)
    assert Note("Anything else?: shown once 2 people have answered this question.") in view
    exported = {cell.field for cells in engine.export("eval") for cell in cells}
    assert exported == {"q1"}
    engine.close()
