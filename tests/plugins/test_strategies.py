"""The strategies plugin: post strategies with a category, then mark those you use or would try."""

from __future__ import annotations

import pytest
from facilitate_strategies import (
    Strategies,
    StrategiesResult,
    StrategiesVote,
    Strategy,
    StrategyMarks,
)
from hypothesis import given, settings
from plugin_checks import accepted, check_incremental_tally, context_for, edits

from facilitate.agenda import AgendaError, loads_agenda
from facilitate.api import AnswerError, Bars, ConfigError, Note, Table, Texts

POST = Strategies()
VOTE = StrategiesVote()


def post(text: str | None, category: int) -> dict:
    """A posted strategy as the tally sees it: text is None until approved."""
    return {"strategy": text, "category": category}


APPROVED = StrategiesResult(
    4,
    (
        Strategy("Self", "A daily walk without my phone", 1),
        Strategy("Family", "A code word for emergencies", 2),
        Strategy("Digital", "Signal with disappearing messages", 1),
    ),
    ("Self", "Family", "Organisation", "Movement", "Digital"),
)
POST_CONTEXT = context_for(POST)
CONTEXT = context_for(VOTE, results={"post": APPROVED})


# -- configuration ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "key", "words"),
    [
        ({"categories": []}, "categories", "1 to 12 categories"),
        ({"categories": ["Self", "Self"]}, "categories", "differ"),
        ({"max_length": 5}, "max_length", "from 20 to 1000"),
        ({"categorys": ["A"]}, "categorys", "did you mean 'categories'"),
    ],
)
def test_post_config_errors(settings, key, words) -> None:
    with pytest.raises(ConfigError) as caught:
        POST.configure(settings)
    assert caught.value.problems[0].key == key
    assert words in caught.value.problems[0].message


def test_vote_config_needs_from() -> None:
    with pytest.raises(ConfigError) as caught:
        VOTE.configure({})
    assert caught.value.problems[0].key == "from"
    assert "the id of the earlier strategies item" in caught.value.problems[0].message
    with pytest.raises(ConfigError) as caught:
        VOTE.configure({"from": "post", "top": 0})
    assert caught.value.problems[0].key == "top"


def test_vote_must_name_an_earlier_strategies_item() -> None:
    agenda = """
title = "t"
[[items]]
id = "vote"
title = "Mark"
duration = "5m"
[items.activity]
type = "strategies-vote"
from = "post"
[[items]]
id = "post"
title = "Post"
duration = "5m"
[items.activity]
type = "strategies"
"""
    with pytest.raises(AgendaError) as caught:
        loads_agenda(agenda, "day.toml")
    assert "item 1 'Mark': activity.from: 'post' names a later item" in str(caught.value)


def test_a_broken_posting_item_is_reported_once_not_again_by_its_vote() -> None:
    agenda = """
title = "t"
[[items]]
id = "post"
title = "Post"
duration = "5m"
[items.activity]
type = "strategies"
categories = []
[[items]]
title = "Mark"
duration = "5m"
[items.activity]
type = "strategies-vote"
from = "post"
"""
    with pytest.raises(AgendaError) as caught:
        loads_agenda(agenda, "day.toml")
    assert [p.key for p in caught.value.problems] == ["activity.categories"]


# -- posting -------------------------------------------------------------------------


def test_post_form_is_a_moderated_text_and_a_category() -> None:
    form = POST.form(POST.configure({}), POST_CONTEXT)
    assert [f.name for f in form.fields] == ["strategy", "category"]
    assert form.moderated_fields() == ["strategy"]
    assert form.field("category").options == (
        "Self",
        "Family",
        "Organisation",
        "Movement",
        "Digital",
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"category": ["0"]}, "required"),
        ({"strategy": ["Rest"]}, "required"),
        ({"strategy": ["Rest"], "category": ["5"]}, "not_an_option"),
        ({"strategy": ["x" * 281], "category": ["0"]}, "too_long"),
    ],
)
def test_bad_posts_are_refused(raw, code) -> None:
    with pytest.raises(AnswerError) as caught:
        accepted(POST, POST.configure({}), raw)
    assert caught.value.code == code


@settings(max_examples=60, deadline=None)
@given(steps=edits(POST, POST.configure({})))
def test_post_tally_incremental_equals_fresh(steps) -> None:
    check_incremental_tally(POST, POST.configure({}), steps)


def test_only_approved_strategies_count_and_same_words_are_counted_together() -> None:
    config = POST.configure({})
    result = POST.tally(
        config,
        [post("Rest", 0), post("Rest", 0), post(None, 4), post("Rest", 1), post("VPN", 4)],
    )
    assert result.answers == 5
    assert result.strategies == (
        Strategy("Self", "Rest", 2),
        Strategy("Family", "Rest", 1),
        Strategy("Digital", "VPN", 1),
    )


def test_post_view_shows_counts_per_category_and_the_approved_texts() -> None:
    config = POST.configure({"categories": ["Self", "Digital"]})
    result = POST.tally(config, [post("Rest", 0), post("VPN", 1), post(None, 1)])
    bars, self_texts, digital_texts, note = POST.view(config, result, POST_CONTEXT)
    assert isinstance(bars, Bars) and [b.value for b in bars.rows] == [1, 1]
    assert self_texts == Texts(("Rest",), title="Self")
    assert digital_texts == Texts(("VPN",), title="Digital")
    assert note == Note("3 strategies posted, 2 approved")


def test_post_view_shows_the_most_shared_strategies_first_and_at_most_six_per_category() -> None:
    config = POST.configure({})
    values = [post(f"Strategy {n}", 0) for n in range(9)] + [post("Rest", 0)] * 3
    blocks = POST.view(config, POST.tally(config, values), POST_CONTEXT)
    texts = next(b for b in blocks if isinstance(b, Texts))
    assert texts.texts[0] == "Rest" and len(texts.texts) == 6
    assert blocks[-1] == Note("12 strategies posted, 10 approved (4 more in the report)")
    assert len(POST.report(config, POST.tally(config, values), POST_CONTEXT)[0].rows) == 10


def test_post_report_lists_every_approved_strategy_by_category() -> None:
    config = POST.configure({})
    table, _ = POST.report(config, APPROVED, POST_CONTEXT)
    assert isinstance(table, Table)
    assert table.headers == ("Category", "Strategy", "Posted by")
    assert table.rows[1] == ("Family", "A code word for emergencies", "2")


# -- marking ---------------------------------------------------------------------------


def test_vote_form_lists_approved_strategies_only() -> None:
    config = VOTE.configure({"from": "post"})
    form = VOTE.form(config, CONTEXT)
    assert [f.name for f in form.fields] == ["use", "try"]
    assert form.field("use").options == (
        "Self: A daily walk without my phone",
        "Family: A code word for emergencies",
        "Digital: Signal with disappearing messages",
    )
    empty = VOTE.form(config, context_for(VOTE))
    assert empty.intro == "No strategies have been shared yet."
    assert empty.field("use").options == ()


def test_marks_are_kept_by_name_and_use_wins_over_try() -> None:
    config = VOTE.configure({"from": "post"})
    value = accepted(VOTE, config, {"use": ["0", "2"], "try": ["1", "2"]}, CONTEXT)
    assert value["use_strategies"] == [
        [0, "Self", "A daily walk without my phone"],
        [4, "Digital", "Signal with disappearing messages"],
    ]
    assert value["try_strategies"] == [[1, "Family", "A code word for emergencies"]]


@pytest.mark.parametrize(
    ("raw", "code"),
    [({}, "too_few"), ({"use": ["3"]}, "not_an_option"), ({"try": ["x"]}, "not_an_option")],
)
def test_bad_marks_are_refused(raw, code) -> None:
    with pytest.raises(AnswerError) as caught:
        accepted(VOTE, VOTE.configure({"from": "post"}), raw, CONTEXT)
    assert caught.value.code == code


@settings(max_examples=60, deadline=None)
@given(steps=edits(VOTE, VOTE.configure({"from": "post"}), CONTEXT))
def test_vote_tally_incremental_equals_fresh(steps) -> None:
    check_incremental_tally(VOTE, VOTE.configure({"from": "post"}), steps, CONTEXT)


def vote_result():
    config = VOTE.configure({"from": "post", "top": 1})
    values = [
        accepted(VOTE, config, {"use": ["0"], "try": ["1"]}, CONTEXT),
        accepted(VOTE, config, {"use": ["1"], "try": ["2"]}, CONTEXT),
        accepted(VOTE, config, {"try": ["1"]}, CONTEXT),
    ]
    return config, VOTE.tally(config, values)


def test_vote_result_counts_use_and_try_per_strategy() -> None:
    _, result = vote_result()
    assert result.answers == 3
    assert result.marks == (  # in the posting item's category order
        StrategyMarks("Self", "A daily walk without my phone", 1, 0),
        StrategyMarks("Family", "A code word for emergencies", 1, 2),
        StrategyMarks("Digital", "Signal with disappearing messages", 0, 1),
    )


def test_vote_view_shows_the_top_strategies_per_category() -> None:
    config, result = vote_result()
    blocks = VOTE.view(config, result, CONTEXT)
    bars = [b for b in blocks if isinstance(b, Bars)]
    assert [b.title for b in bars] == ["Self", "Family", "Digital"]
    assert bars[1].rows[0].label == "A code word for emergencies" and bars[1].rows[0].value == 3
    assert all(len(b.rows) <= config.top for b in bars)
    assert blocks[-1] == Note("3 answers")


def test_vote_report_is_a_table_with_both_counts() -> None:
    config, result = vote_result()
    table, _ = VOTE.report(config, result, CONTEXT)
    assert table.headers == ("Category", "Strategy", "Use it", "Would try it")
    assert ("Family", "A code word for emergencies", "1", "2") in table.rows


def test_the_forms_own_words_follow_the_agenda_language() -> None:
    context = context_for(VOTE, "ar", results={"post": APPROVED})
    form = VOTE.form(VOTE.configure({"from": "post"}), context)
    assert form.field("use").label == "استراتيجيات أستخدمها بالفعل"
    post_form = POST.form(POST.configure({}), context_for(POST, "fr"))
    assert post_form.field("category").label == "Qui ou quoi protège-t-elle ?"


@pytest.mark.parametrize(
    ("language", "categories"),
    [
        ("es", ("Personal", "Familia", "Organización", "Movimiento", "Digital")),
        ("ar", ("الذات", "العائلة", "المنظمة", "الحركة", "الرقمي")),
    ],
)
def test_default_categories_and_questions_follow_the_room_language(language, categories) -> None:
    context = context_for(POST, language)
    config = POST.configure({})
    form = POST.form(config, context)
    assert form.field("category").options == categories
    assert form.field("strategy").label == POST.prompt(config, context)
    assert POST.prompt(config, context) != POST.prompt(config, POST_CONTEXT)
    result = POST.tally(config, [post("Caminar", 1)], context)
    assert result.strategies == (Strategy(categories[1], "Caminar", 1),)
    bars = POST.view(config, result, context)[0]
    assert [b.label for b in bars.rows] == list(categories)
    vote = VOTE.configure({"from": "post"})
    vote_context = context_for(VOTE, language, results={"post": result})
    assert VOTE.form(vote, vote_context).field("use").options[0].startswith(categories[1])
    assert VOTE.form(vote, vote_context).intro == VOTE.prompt(vote, vote_context)
    assert VOTE.prompt(vote, vote_context) != VOTE.prompt(vote, CONTEXT)


def test_categories_the_agenda_writes_are_kept_as_written() -> None:
    config = POST.configure({"categories": ["Cuerpo", "Casa"]})
    form = POST.form(config, context_for(POST, "ar"))
    assert form.field("category").options == ("Cuerpo", "Casa")
