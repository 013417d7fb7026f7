"""The core activity types: incremental tallies match fresh ones, configs and answers are checked,
and results are drawn as the expected view blocks."""

from __future__ import annotations

import importlib
import warnings
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitate.activities import CORE_TYPE_REFERENCES
from facilitate.activities.words import CATALOG
from facilitate.activity import (
    ActivityType,
    ConfigError,
    FacilitateDeprecationWarning,
    Problem,
    StaticContext,
    old_style_methods,
)
from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.forms import (
    AnswerError,
    ChoiceField,
    Field,
    Form,
    MultiField,
    RankField,
    ScaleField,
    TextField,
)
from facilitate.plugins import Plugins, default_plugins
from facilitate.random_answers import PHRASES
from facilitate.views import (
    BLOCK_KINDS,
    Bar,
    Bars,
    Note,
    Spread,
    SpreadRow,
    Table,
    Texts,
    Words,
    unordered,
)

CONTEXT = StaticContext(k=1, catalog=CATALOG)

CONFIGS: dict[str, list[dict[str, Any]]] = {
    "choice": [{"question": "Which topic first?", "options": ["Rest", "Devices", "Networks"]}],
    "multi": [
        {"question": "Which do you use?", "options": ["PIN", "2FA", "VPN", "Signal"], "min": 0},
        {"question": "Pick two or three", "options": list("ABCDE"), "min": 2, "max": 3},
    ],
    "scale": [
        {"question": "How are you arriving?"},
        {"question": "Agree?", "min": -2, "max": 2, "labels": ["--", "-", "0", "+", "++"]},
        {"question": "Confidence", "min": 0, "max": 10, "labels": ["None", "Full"]},
    ],
    "text": [
        {"question": "What helps you stay safe?"},
        {"question": "One line", "max_length": 12, "moderate": False},
    ],
    "wordcloud": [
        {"question": "Feeling safe means..."},
        {"question": "One word", "max_words": 1, "max_length": 15},
        {"question": "Mots", "moderate": True, "language": "fr", "stop_words": ["sécurité"]},
    ],
    "ranking": [
        {"question": "Order these", "options": ["A", "B"]},
        {
            "question": "What worries you most?",
            "options": ["Messages", "Location", "Family", "Data"],
        },
    ],
    "quiz": [
        {
            "question": "Which is off?",
            "options": ["Bluetooth", "Play Protect", "Wi-Fi"],
            "correct": 2,
        }
    ],
}

CASES = [(kind, settings) for kind, configs in CONFIGS.items() for settings in configs]


def activity(kind: str) -> ActivityType[Any, Any]:
    return default_plugins().activity_type(kind)


def test_no_first_party_type_predates_the_context() -> None:
    first_party = ["core", "riskmap", "strategies", "duediligence", "evaluation"]
    for name in first_party:
        for kind in default_plugins().info[name].activity_types:
            assert old_style_methods(type(activity(kind))) == [], kind
    modules = [
        importlib.import_module(module)
        for module in (
            "facilitate.activities",
            "facilitate_riskmap",
            "facilitate_strategies",
            "facilitate_duediligence",
            "facilitate_evaluation",
        )
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error", FacilitateDeprecationWarning)
        loaded = Plugins(entry_points=False, extra=modules)
    assert len(loaded.activity_types) == 12


def test_every_core_type_is_registered_and_has_a_property_case() -> None:
    kinds = {activity(kind).kind for kind in CORE_TYPE_REFERENCES}
    assert kinds == {"choice", "multi", "scale", "text", "wordcloud", "ranking", "quiz"}
    assert kinds == set(CONFIGS)
    for kind in kinds:
        assert default_plugins().owner(kind) == "core"


# -- raw answers, as a browser would send them -----------------------------------------

WORDS = st.sampled_from(
    [phrase for phrases in PHRASES.values() for phrase in phrases]
    + ["Trust!", "TRUST", "trust", "the", "my network", "la confiance", "¿qué?", "well-being"]
)
ANY_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
)


def raw_field(field: Field) -> st.SearchStrategy[dict[str, list[str]]]:
    """Raw form data for one field: mostly valid values, now and then something odd."""
    name = field.name
    if isinstance(field, ChoiceField | ScaleField):
        if isinstance(field, ChoiceField):
            values = st.integers(0, len(field.options) - 1)
        else:
            values = st.integers(field.min, field.max)
        valid = values.map(lambda v: {name: [str(v)]})
    elif isinstance(field, MultiField):
        most = field.max if field.max is not None else len(field.options)
        valid = st.sets(
            st.integers(0, len(field.options) - 1), min_size=field.min, max_size=most
        ).map(lambda picks: {name: [str(p) for p in picks]})
    elif isinstance(field, TextField):
        valid = st.one_of(WORDS, ANY_TEXT).map(lambda text: {name: [text]})
    elif isinstance(field, RankField):
        places = st.permutations(range(1, len(field.options) + 1))
        valid = places.map(
            lambda ps: {key: [str(p)] for key, p in zip(field.keys(), ps, strict=True)}
        )
    else:
        raise AssertionError(f"no strategy for {field.kind}")
    odd = st.dictionaries(st.sampled_from(field.keys()), st.lists(ANY_TEXT, max_size=2))
    if not field.required:
        valid = st.one_of(valid, st.just({}))
    return st.one_of(valid, valid, valid, odd)


def raw_answers(form: Form) -> st.SearchStrategy[dict[str, list[str]]]:
    def merge(parts: list[dict[str, list[str]]]) -> dict[str, list[str]]:
        raw: dict[str, list[str]] = {}
        for part in parts:
            raw.update(part)
        return raw

    return st.tuples(*(raw_field(f) for f in form.fields)).map(lambda parts: merge(list(parts)))


def visible_as_the_engine_shows(
    form: Form, approved: Callable[[str], bool]
) -> Callable[[Any], Any]:
    """An answer as the engine hands it to a tally: unapproved moderated text is None."""
    moderated = form.moderated_fields()

    def visible(value: dict[str, Any]) -> dict[str, Any]:
        shown = dict(value)
        for name in moderated:
            if isinstance(shown.get(name), str) and not approved(shown[name]):
                shown[name] = None
        return shown

    return visible


# -- the tally property ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "settings_"), CASES, ids=[f"{kind}-{n}" for n, (kind, _) in enumerate(CASES)]
)
def test_incremental_tally_equals_a_fresh_tally(kind: str, settings_: dict[str, Any]) -> None:
    activity_type = activity(kind)
    config = activity_type.configure(settings_)
    form = activity_type.form(config, CONTEXT)
    operation = st.tuples(
        st.integers(0, 5), st.one_of(st.none(), raw_answers(form))
    )  # (device, raw answer or None for a retraction)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations=st.lists(operation, max_size=25), salt=st.integers(0, 2))
    def check(operations: list[tuple[int, dict[str, list[str]] | None]], salt: int) -> None:
        def approved(text: str) -> bool:  # the facilitator approves about two texts in three
            return (zlib.crc32(text.encode()) + salt) % 3 != 0

        visible = visible_as_the_engine_shows(form, approved)
        running = activity_type.new_tally(config, CONTEXT)
        answers: dict[int, dict[str, Any]] = {}
        for device, raw in operations:
            if raw is None:
                old = answers.pop(device, None)
                if old is not None:
                    running.remove(visible(old))
                continue
            try:
                value = activity_type.accept(config, form.parse(raw), CONTEXT)
            except AnswerError:
                continue  # refused: nothing changes, as in the engine
            old = answers.get(device)
            if old is not None:
                running.remove(visible(old))
            answers[device] = value
            running.add(visible(value))

        shown = [visible(value) for value in answers.values()]
        result = running.result()
        assert result == activity_type.tally(config, shown)
        assert result == activity_type.tally(config, reversed(shown))
        assert activity_type.count(result) == len(answers)
        views = (
            activity_type.view(config, result, CONTEXT),
            activity_type.report(config, result, CONTEXT),
        )
        for blocks in views:
            assert isinstance(blocks, tuple)
            assert all(isinstance(block, BLOCK_KINDS) for block in blocks)

    check()


# -- configs --------------------------------------------------------------------------


def problems(kind: str, settings_: dict[str, Any]) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        activity(kind).configure(settings_)
    return caught.value.problems


def test_unknown_key_suggests_the_nearest_and_missing_key_says_what_is_expected() -> None:
    assert problems("choice", {"question": "Which?", "option": ["A", "B"]}) == [
        Problem("option", "unknown key; did you mean 'options'?"),
        Problem("options", "missing; expected a list of 2 to 20 options"),
    ]
    assert problems("scale", {"question": "How?", "lables": ["Low", "High"]}) == [
        Problem("lables", "unknown key; did you mean 'labels'?")
    ]
    assert problems("text", {}) == [Problem("question", "missing; expected the question, a string")]


@pytest.mark.parametrize(
    ("kind", "settings_", "expected"),
    [
        (
            "scale",
            {"question": "How?", "max": "5"},
            Problem(
                "max",
                "expected the highest point of the scale, a whole number (default 5), got '5'",
            ),
        ),
        (
            "text",
            {"question": "Why?", "moderate": "yes"},
            Problem(
                "moderate",
                "expected true (the default) to approve each text before the room may see it,"
                " or false, got 'yes'",
            ),
        ),
        (
            "wordcloud",
            {"question": "Words", "stop_words": "the"},
            Problem(
                "stop_words",
                "expected a list of extra words to leave out"
                ' (["workshop", "security"]), got \'the\'',
            ),
        ),
        (
            "quiz",
            {"question": "Q", "options": ["A", "B"], "correct": True},
            Problem(
                "correct",
                "expected the correct option: its text exactly as in options, or its number"
                " counting from 1, got True",
            ),
        ),
        (
            "ranking",
            {"question": "Q", "options": "A, B"},
            Problem("options", "expected a list of 2 to 10 options to put in order, got 'A, B'"),
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_named_with_what_was_expected(
    kind: str, settings_: dict[str, Any], expected: Problem
) -> None:
    assert problems(kind, settings_) == [expected]


@pytest.mark.parametrize(
    ("kind", "settings_", "expected"),
    [
        (
            "choice",
            {"question": "Q", "options": ["A"]},
            Problem("options", "expected 2 to 20 options, got 1"),
        ),
        (
            "choice",
            {"question": "Q", "options": ["A", "A"]},
            Problem("options", "options must differ from one another"),
        ),
        (
            "multi",
            {"question": "Q", "options": ["A", " "]},
            Problem("options", "options must not be empty strings"),
        ),
        (
            "multi",
            {"question": "Q", "options": ["A", "B"], "max": 3},
            Problem("max", "expected a number from 1 to 2, got 3"),
        ),
        (
            "scale",
            {"question": "Q", "min": 3, "max": 3},
            Problem("max", "expected more than min (3), got 3"),
        ),
        (
            "scale",
            {"question": "Q", "min": 0, "max": 20},
            Problem("max", "expected at most 11 points on a scale, got 21 (from 0 to 20)"),
        ),
        (
            "scale",
            {"question": "Q", "labels": ["Low", "Mid", "High"]},
            Problem(
                "labels", "expected 5 labels (one per point from 1 to 5) or 2 (for the ends), got 3"
            ),
        ),
        (
            "text",
            {"question": "Q", "max_length": 0},
            Problem("max_length", "expected a number of characters from 1 to 2000, got 0"),
        ),
        (
            "wordcloud",
            {"question": "Q", "max_words": 9},
            Problem("max_words", "expected a number of words from 1 to 5, got 9"),
        ),
        (
            "wordcloud",
            {"question": "Q", "language": "de"},
            Problem(
                "language",
                "expected one of the stop-word languages (ar, en, es, fr, id) or \"\", got 'de'",
            ),
        ),
        (
            "ranking",
            {"question": "Q", "options": [str(n) for n in range(11)]},
            Problem("options", "expected 2 to 10 options to rank, got 11"),
        ),
        (
            "quiz",
            {"question": "Q", "options": ["Bluetooth", "Play Protect"], "correct": "play protect"},
            Problem(
                "correct", "'play protect' is not one of the options; did you mean 'Play Protect'?"
            ),
        ),
        (
            "quiz",
            {"question": "Q", "options": ["A", "B", "C"], "correct": 0},
            Problem("correct", "expected an option number from 1 to 3, got 0"),
        ),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(
    kind: str, settings_: dict[str, Any], expected: Problem
) -> None:
    assert problems(kind, settings_) == [expected]


def test_quiz_correct_option_by_text_or_number_counting_from_one() -> None:
    quiz = activity("quiz")
    options = ["Bluetooth", "Play Protect", "Wi-Fi"]
    by_text = quiz.configure({"question": "Q", "options": options, "correct": "Play Protect"})
    by_number = quiz.configure({"question": "Q", "options": options, "correct": 2})
    assert by_text.correct_index == by_number.correct_index == 1


# -- answers --------------------------------------------------------------------------


def answer(kind: str, settings_: dict[str, Any], raw: dict[str, list[str]]) -> dict[str, Any]:
    activity_type = activity(kind)
    config = activity_type.configure(settings_)
    value = activity_type.form(config, CONTEXT).parse(raw)
    return activity_type.accept(config, value, CONTEXT)


CHOICE = CONFIGS["choice"][0]
PICK_TWO = CONFIGS["multi"][1]
RANK = CONFIGS["ranking"][1]


@pytest.mark.parametrize(
    ("kind", "settings_", "raw", "code"),
    [
        ("choice", CHOICE, {}, "required"),
        ("choice", CHOICE, {"choice": ["  "]}, "required"),
        ("choice", CHOICE, {"choice": ["3"]}, "not_an_option"),
        ("choice", CHOICE, {"choice": ["Rest"]}, "not_an_option"),
        ("quiz", CONFIGS["quiz"][0], {"choice": ["-1"]}, "not_an_option"),
        ("multi", PICK_TWO, {"choices": ["0"]}, "too_few"),
        ("multi", PICK_TWO, {"choices": ["0", "1", "2", "3"]}, "too_many"),
        ("multi", PICK_TWO, {"choices": ["0", "9"]}, "not_an_option"),
        ("scale", CONFIGS["scale"][0], {"value": ["6"]}, "out_of_range"),
        ("scale", CONFIGS["scale"][1], {"value": ["-3"]}, "out_of_range"),
        ("text", CONFIGS["text"][1], {"text": ["x" * 13]}, "too_long"),
        ("text", CONFIGS["text"][0], {"text": [" \n\u202e "]}, "required"),
        (
            "ranking",
            RANK,
            {"order.0": ["1"], "order.1": ["1"], "order.2": ["2"], "order.3": ["3"]},
            "not_a_ranking",
        ),
        ("ranking", RANK, {"order.0": ["1"], "order.1": ["2"]}, "not_a_ranking"),
        ("wordcloud", CONFIGS["wordcloud"][0], {"word1": ["the"], "word2": ["My"]}, "required"),
        ("wordcloud", CONFIGS["wordcloud"][1], {"word1": ["a" * 16]}, "too_long"),
    ],
)
def test_bad_answers_are_refused_with_the_right_code(
    kind: str, settings_: dict[str, Any], raw: dict[str, list[str]], code: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        answer(kind, settings_, raw)
    assert caught.value.code == code


def test_good_answers_parse_to_plain_values() -> None:
    assert answer("choice", CHOICE, {"choice": [" 2 "]}) == {"choice": 2}
    assert answer("multi", CONFIGS["multi"][0], {}) == {"choices": []}
    assert answer("multi", PICK_TWO, {"choices": ["3", "1", "3"]}) == {"choices": [1, 3]}
    assert answer("scale", CONFIGS["scale"][1], {"value": ["-2"]}) == {"value": -2}
    assert answer("text", CONFIGS["text"][0], {"text": ["  Rest\x1b[2J  "]}) == {"text": "Rest[2J"}
    places = {"order.0": ["3"], "order.1": ["1"], "order.2": ["4"], "order.3": ["2"]}
    assert answer("ranking", RANK, places) == {"order": [1, 3, 0, 2]}
    words = {"word1": ["Trust!"], "word2": ["TRUST"], "word3": ["my Network"]}
    assert answer("wordcloud", CONFIGS["wordcloud"][0], words) == {
        "word1": "trust",
        "word2": None,
        "word3": "network",
    }


# -- views ----------------------------------------------------------------------------


def result_of(
    kind: str, settings_: dict[str, Any], values: list[dict[str, Any]]
) -> tuple[Any, Any]:
    activity_type = activity(kind)
    config = activity_type.configure(settings_)
    return config, activity_type.tally(config, values)


def test_choice_view_and_report() -> None:
    config, result = result_of("choice", CHOICE, [{"choice": 0}, {"choice": 2}, {"choice": 2}])
    assert activity("choice").view(config, result, CONTEXT) == (
        Bars([Bar("Rest", 1), Bar("Devices", 0), Bar("Networks", 2)], of_answers=True),
        Note("3 answers"),
    )
    assert activity("choice").report(config, result, CONTEXT) == activity("choice").view(
        config, result, CONTEXT
    )


def test_scale_view_shows_the_spread_with_labels_and_the_mean_and_median() -> None:
    settings_ = {"question": "How are you arriving?", "labels": ["Worn out", "Full of energy"]}
    config, result = result_of("scale", settings_, [{"value": v} for v in (1, 4, 4, 5)])
    assert result.counts == (1, 0, 0, 2, 1)
    assert (result.mean, result.median) == (3.5, 4.0)
    assert activity("scale").view(config, result, CONTEXT) == (
        Spread(
            [SpreadRow("How are you arriving?", (1, 0, 0, 2, 1))],
            points=(1, 2, 3, 4, 5),
            point_labels=("Worn out", "2", "3", "4", "Full of energy"),
        ),
        Note("Mean 3.5, median 4 (4 answers)"),
    )
    _, empty = result_of("scale", settings_, [])
    assert activity("scale").view(config, empty, CONTEXT)[-1] == Note("No answers yet")


def test_scale_median_of_an_even_count_lies_between_the_middle_answers() -> None:
    _, result = result_of("scale", {"question": "Q"}, [{"value": 2}, {"value": 5}])
    assert (result.mean, result.median) == (3.5, 3.5)


def test_text_view_shows_approved_texts_in_an_order_that_is_not_arrival() -> None:
    values = [{"text": "Rest"}, {"text": None}, {"text": "My sister"}, {"text": "Rest"}]
    config, result = result_of("text", CONFIGS["text"][0], values)
    assert result.texts == (("My sister", 1), ("Rest", 2))
    texts, note = activity("text").view(config, result, CONTEXT)
    assert texts == Texts(unordered(["My sister", "Rest (×2)"], salt=config.question))
    assert note == Note("3 of 4 answers shown")
    assert activity("text").report(config, result, CONTEXT) == (
        Table(("Text", "Answers"), [("Rest", "2"), ("My sister", "1")]),
        Note("3 of 4 answers shown"),
    )


def test_text_view_order_does_not_follow_arrival() -> None:
    config = activity("text").configure(CONFIGS["text"][1])
    texts = [f"idea {n}" for n in range(12)]
    forwards = activity("text").view(
        config, activity("text").tally(config, [{"text": t} for t in texts]), CONTEXT
    )
    backwards = activity("text").view(
        config, activity("text").tally(config, [{"text": t} for t in reversed(texts)]), CONTEXT
    )
    assert forwards == backwards
    assert list(forwards[0].texts) not in (texts, sorted(texts))


def test_wordcloud_view_shows_the_top_words_and_says_how_many_were_left_out() -> None:
    settings_ = {"question": "Words", "top": 2}
    values = [
        {"word1": "trust", "word2": "rest", "word3": None},
        {"word1": "trust", "word2": "network", "word3": "rest"},
        {"word1": "trust", "word2": None, "word3": None},
    ]
    config, result = result_of("wordcloud", settings_, values)
    assert result.words == (("trust", 3), ("rest", 2), ("network", 1))
    assert activity("wordcloud").view(config, result, CONTEXT) == (
        Words([("trust", 3), ("rest", 2)]),
        Note("3 answers"),
        Note("3 different words; the 2 most given are shown"),
    )
    assert activity("wordcloud").report(config, result, CONTEXT) == (
        Words([("trust", 3), ("rest", 2), ("network", 1)]),
        Note("3 answers"),
        Note("3 different words"),
    )


def test_ranking_view_sorts_by_borda_points_and_explains_them() -> None:
    orders = [[1, 0, 2, 3], [1, 2, 0, 3], [0, 1, 3, 2]]
    config, result = result_of("ranking", RANK, [{"order": order} for order in orders])
    # Messages: 2+1+3, Location: 3+3+2, Family: 1+2+0, Data: 0+0+1
    assert result.scores == (6, 8, 3, 1)
    assert result.places[1] == (2, 1, 0, 0)
    assert activity("ranking").view(config, result, CONTEXT) == (
        Bars(
            [Bar("Location", 8), Bar("Messages", 6), Bar("Family", 3), Bar("Data", 1)],
            unit="points",
        ),
        Note(
            "Borda count: a first place earns 3 points, each place below one point fewer,"
            " the last place none."
        ),
        Note("3 answers"),
    )
    assert activity("ranking").report(config, result, CONTEXT)[-1] == Table(
        ("Option", "Points", "Place 1", "Place 2", "Place 3", "Place 4"),
        [
            ("Messages", "6", "1", "1", "1", "0"),
            ("Location", "8", "2", "1", "0", "0"),
            ("Family", "3", "0", "1", "1", "1"),
            ("Data", "1", "0", "0", "1", "2"),
        ],
    )


def test_quiz_view_marks_the_correct_option_and_names_it() -> None:
    settings_ = {**CONFIGS["quiz"][0], "explanation": "Stalkerware needs it off."}
    config, result = result_of("quiz", settings_, [{"choice": 1}, {"choice": 1}, {"choice": 0}])
    assert result.correct == 1
    assert activity("quiz").view(config, result, CONTEXT) == (
        Bars(
            [Bar("Bluetooth", 1), Bar("Play Protect", 2, marked=True), Bar("Wi-Fi", 0)],
            of_answers=True,
        ),
        Note("Correct answer: Play Protect"),
        Note("2 of 3 answers correct (67%)"),
        Note("Stalkerware needs it off."),
    )


# -- through the engine ---------------------------------------------------------------

MODERATED = """
title = "Moderation"
k = 1

[[items]]
title = "What helps?"
duration = "5m"
[items.activity]
type = "text"
question = "What helps?"

[[items]]
title = "Words"
duration = "5m"
[items.activity]
type = "wordcloud"
question = "Words"
moderate = true
"""


async def test_moderated_text_reaches_the_result_only_once_approved() -> None:
    engine = Engine.new(loads_agenda(MODERATED), clock=ManualClock())
    engine.open_answering()
    devices = [engine.join() for _ in range(3)]
    for device, text in zip(devices, ["Rest", "Call Maria at home", "Rest"], strict=True):
        await engine.submit(device, "what-helps", {"text": [text]})
    assert engine.result("what-helps").texts == ()
    pending = {p.text: p for p in engine.pending("what-helps")}
    engine.approve("what-helps", pending["Rest"].id)
    engine.reject("what-helps", pending["Call Maria at home"].id)
    assert engine.result("what-helps").texts == (("Rest", 2),)
    assert engine.view("what-helps")[-1] == Note("2 of 3 answers shown")
    await engine.retract(devices[0], "what-helps")
    assert engine.result("what-helps").texts == (("Rest", 1),)

    engine.next()
    engine.open_answering()
    await engine.submit(devices[0], "words", {"word1": ["Trust!"], "word2": ["Rosa"]})
    await engine.submit(devices[1], "words", {"word1": ["trust"]})
    assert [p.text for p in engine.pending("words")] == ["trust", "rosa"]
    engine.approve("words", engine.pending("words")[0].id)
    assert engine.result("words").words == (("trust", 2),)
