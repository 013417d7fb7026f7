"""Form parsers: any raw input either parses to a valid value or raises AnswerError."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from facilitate.forms import (
    ANSWER_MESSAGES,
    AnswerError,
    ChoiceField,
    Field,
    Form,
    GridField,
    MultiField,
    PointsField,
    RankField,
    ScaleField,
    TextField,
)
from facilitate.random_answers import form_answer
from facilitate.text import clean_text, strip_controls

OPTIONS = st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6)


@st.composite
def fields(draw: st.DrawFn) -> Field:
    """Any field of any kind, with settings an agenda could give it."""
    kind = draw(st.sampled_from(["choice", "multi", "scale", "text", "rank", "grid", "points"]))
    common: dict[str, Any] = {"name": "f", "label": "Question", "required": draw(st.booleans())}
    if kind == "choice":
        return ChoiceField(options=draw(OPTIONS), **common)
    if kind == "multi":
        options = draw(OPTIONS)
        low = draw(st.integers(0, len(options)))
        high = draw(st.none() | st.integers(max(low, 1), len(options)))
        return MultiField(options=options, min=low, max=high, **common)
    if kind in ("scale", "grid"):
        low = draw(st.integers(-5, 5))
        high = draw(st.integers(low + 1, low + 10))
        if kind == "scale":
            return ScaleField(min=low, max=high, **common)
        return GridField(rows=draw(OPTIONS), min=low, max=high, **common)
    if kind == "text":
        return TextField(
            max_length=draw(st.integers(1, 300)), multiline=draw(st.booleans()), **common
        )
    if kind == "rank":
        return RankField(options=draw(OPTIONS), **common)
    return PointsField(options=draw(OPTIONS), total=draw(st.integers(1, 100)), **common)


NUMBERS = st.integers(-3, 12).map(str)
ODD_TEXT = st.sampled_from(["", " ", "1.0", "0x1", "1_0", "٣", " 2 ", "-0", "9" * 5000, "\x00"])
VALUES = st.one_of(NUMBERS, NUMBERS, ODD_TEXT, st.text(max_size=30))


@st.composite
def raw_for(draw: st.DrawFn, field: Field) -> dict[str, list[str]]:
    keys = st.sampled_from([*field.keys(), "other", f"{field.name}.99"])
    return draw(st.dictionaries(keys, st.lists(VALUES, max_size=3), max_size=8))


def assert_valid(field: Field, value: Any) -> None:
    """The value a parser gave is one the field could have been answered with."""
    if value is None:
        assert not field.required
        return
    if isinstance(field, ChoiceField):
        assert isinstance(value, int) and 0 <= value < len(field.options)
    elif isinstance(field, MultiField):
        assert value == sorted(set(value))
        assert all(isinstance(v, int) and 0 <= v < len(field.options) for v in value)
        assert field.min <= len(value) <= (field.max or len(field.options))
    elif isinstance(field, ScaleField):
        assert isinstance(value, int) and field.min <= value <= field.max
    elif isinstance(field, TextField):
        assert isinstance(value, str) and 1 <= len(value) <= field.max_length
        assert value == clean_text(value, multiline=field.multiline) == value.strip()
        assert strip_controls(value) == value
        assert field.multiline or "\n" not in value
    elif isinstance(field, RankField):
        assert sorted(value) == list(range(len(field.options)))
    elif isinstance(field, GridField):
        assert len(value) == len(field.rows)
        assert all(field.min <= v <= field.max for v in value)
    elif isinstance(field, PointsField):
        assert len(value) == len(field.options)
        assert all(v >= 0 for v in value) and sum(value) == field.total
    else:
        raise AssertionError(f"unknown field {field!r}")


@settings(max_examples=200, deadline=None)
@given(data=st.data(), field=fields())
def test_any_raw_input_parses_to_a_valid_value_or_raises_answer_error(
    data: st.DataObject, field: Field
) -> None:
    raw = data.draw(raw_for(field))
    try:
        value = field.parse(raw)
    except AnswerError as error:
        assert error.code in ANSWER_MESSAGES and error.code != "closed"
        assert error.field == field.name
        assert error.message
        event(f"refused: {error.code}")
        return
    event(f"parsed: {type(field).__name__}")
    assert_valid(field, value)


@settings(max_examples=200, deadline=None)
@given(field=fields(), seed=st.integers(0, 2**32))
def test_simulated_answers_are_always_accepted(field: Field, seed: int) -> None:
    form = Form([field])
    raw = form_answer(form, random.Random(seed))
    value = form.parse(raw)["f"]
    assert value is not None
    assert_valid(field, value)


@settings(max_examples=100, deadline=None)
@given(places=st.permutations(range(1, 6)))
def test_a_ranking_is_read_back_as_the_order_the_places_give(places: list[int]) -> None:
    field = RankField(name="r", label="Order", options=list("ABCDE"))
    order = field.parse({f"r.{i}": [str(p)] for i, p in enumerate(places)})
    assert [places[option] for option in order] == [1, 2, 3, 4, 5]


def test_an_unanswered_multi_with_min_zero_is_an_empty_choice() -> None:
    field = MultiField(name="m", label="Which?", options=["A", "B"], min=0)
    assert field.parse({}) == []
    assert field.parse({"m": [" "]}) == []


@given(field=fields(), seed=st.integers(0, 2**32))
def test_a_kept_answer_gives_back_the_form_data_that_made_it(field: Field, seed: int) -> None:
    """``Form.raw`` (to show a stored answer for changing) is the inverse of parsing."""
    form = Form([field])
    value = form.parse(form_answer(form, random.Random(seed)))
    assert form.parse(form.raw(value)) == value


@given(field=fields(), seed=st.integers(0, 2**32))
def test_every_kept_answer_exports_as_readable_cells(field: Field, seed: int) -> None:
    form = Form([field])
    value = form.parse(form_answer(form, random.Random(seed)))[field.name]
    if value is None:
        return
    cells = field.cells(value)
    assert cells and all(cell.field.startswith(field.name) for cell in cells)
    assert all("\x1b" not in cell.text and "\x1b" not in cell.label for cell in cells)
