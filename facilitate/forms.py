"""The declarative form vocabulary: what a participant is asked, and how raw input is read.

An activity type describes its form with these fields; the server renders them to HTML
(escaping everything) and the core parses what comes back. A plugin never writes HTML,
and every answer reaching ``accept`` has already been through :meth:`Form.parse`.

Answer values are plain JSON types (``int``, ``str``, lists, ``None``) so they can be
stored and compared without conversion.

Wire format of a submitted form (``application/x-www-form-urlencoded``), per field kind:

======== ============================ ==========================================
kind     keys                         value
======== ============================ ==========================================
choice   ``NAME``                     option index
multi    ``NAME`` (repeated)          option index
scale    ``NAME``                     integer between ``min`` and ``max``
text     ``NAME``                     the text
rank     ``NAME.I`` for each option   position of option I, 1 = first
grid     ``NAME.I`` for each row      integer between ``min`` and ``max``
points   ``NAME.I`` for each option   points given to option I
======== ============================ ==========================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import field, frozen

from facilitate.reprs import attrs_repr
from facilitate.text import clean_text, strip_controls

RawForm = Mapping[str, Sequence[str]]
"""Submitted form data: each key with every value sent for it, as strings."""


def as_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """An attrs converter; plain ``tuple`` leaves mypy with an unbound type variable."""
    return tuple(items)


ANSWER_MESSAGES: dict[str, str] = {
    "required": "Please answer this question.",
    "not_an_option": "Please choose one of the options.",
    "too_few": "Please choose at least {min}.",
    "too_many": "Please choose at most {max}.",
    "out_of_range": "Please choose a value from {min} to {max}.",
    "too_long": "Please keep it under {max} characters.",
    "not_a_ranking": "Please give each option a different place, from 1 to {count}.",
    "points_total": "Please share out exactly {total} points.",
    "closed": "This question is not open for answers right now.",
    "invalid": "This answer could not be accepted.",
}
"""English messages for each answer error code; the server translates them."""


class AnswerError(ValueError):
    """A participant's answer that cannot be accepted.

    ``code`` is one of :data:`ANSWER_MESSAGES` (translated for the participant);
    ``params`` fill its placeholders. A plugin with its own rule uses ``code="invalid"``
    and a ``message`` in plain words.
    """

    def __init__(
        self, code: str, *, field: str | None = None, message: str | None = None, **params: Any
    ) -> None:
        self.code = code if code in ANSWER_MESSAGES else "invalid"
        self.field = field
        self.params = params
        self.message = message or ANSWER_MESSAGES[self.code].format(**params)
        super().__init__(self.message)


@frozen
class ExportCell:
    """One field of one answer in an export (a CSV row, a JSON cell): raw value and text."""

    __repr__ = attrs_repr

    field: str
    label: str
    value: Any
    text: str


def _first(raw: RawForm, key: str) -> str | None:
    values = raw.get(key)
    if not values:
        return None
    value = values[0]
    return value if value.strip() != "" else None


def _as_int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


@frozen(kw_only=True)
class Field:
    """What every field has: a name (unique in its form), a label, optional help."""

    __repr__ = attrs_repr

    name: str
    label: str
    help: str = ""
    required: bool = True

    kind = "field"

    def keys(self) -> list[str]:
        """Form keys this field reads, so unknown keys can be told apart."""
        return [self.name]

    def parse(self, raw: RawForm) -> Any:
        raise NotImplementedError

    def missing(self) -> Any:
        """The value of an unanswered field: ``None`` if optional, else an error."""
        if self.required:
            raise AnswerError("required", field=self.name)
        return None

    def raw(self, value: Any) -> dict[str, list[str]]:
        """The form data that gives ``value`` back (to show a stored answer for changing)."""
        return {self.name: [str(value)]}

    def cells(self, value: Any) -> list[ExportCell]:
        """The kept ``value`` as readable text for an export: one cell, or one per row."""
        if isinstance(value, str):
            text = value
        else:
            import json

            text = json.dumps(value, ensure_ascii=False)
        return [ExportCell(self.name, strip_controls(self.label), value, strip_controls(text))]


@frozen(kw_only=True)
class ChoiceField(Field):
    """Pick one option. Value: the option's index."""

    __repr__ = attrs_repr

    options: tuple[str, ...] = field(converter=as_tuple)
    kind = "choice"

    def parse(self, raw: RawForm) -> int | None:
        text = _first(raw, self.name)
        if text is None:
            return self.missing()
        index = _as_int(text)
        if index is None or not 0 <= index < len(self.options):
            raise AnswerError("not_an_option", field=self.name)
        return index

    def cells(self, value: Any) -> list[ExportCell]:
        label = strip_controls(self.label)
        return [ExportCell(self.name, label, value, _option_text(self.options, value))]


@frozen(kw_only=True)
class MultiField(Field):
    """Pick between ``min`` and ``max`` options. Value: sorted option indices."""

    __repr__ = attrs_repr

    options: tuple[str, ...] = field(converter=as_tuple)
    min: int = 1
    max: int | None = None
    kind = "multi"

    def parse(self, raw: RawForm) -> list[int] | None:
        texts = [t for t in raw.get(self.name, ()) if t.strip()]
        if not texts:
            if self.min == 0 and self.required:
                return []
            return self.missing()
        picks: set[int] = set()
        for text in texts:
            index = _as_int(text)
            if index is None or not 0 <= index < len(self.options):
                raise AnswerError("not_an_option", field=self.name)
            picks.add(index)
        if len(picks) < self.min:
            raise AnswerError("too_few", field=self.name, min=self.min)
        if self.max is not None and len(picks) > self.max:
            raise AnswerError("too_many", field=self.name, max=self.max)
        return sorted(picks)

    def raw(self, value: Any) -> dict[str, list[str]]:
        return {self.name: [str(index) for index in value]}

    def cells(self, value: Any) -> list[ExportCell]:
        text = "; ".join(_option_text(self.options, index) for index in value)
        return [ExportCell(self.name, strip_controls(self.label), value, text)]


@frozen(kw_only=True)
class ScaleField(Field):
    """A point on a scale from ``min`` to ``max``; ``labels`` name each point, or the ends."""

    __repr__ = attrs_repr

    min: int = 1
    max: int = 5
    labels: tuple[str, ...] = field(default=(), converter=as_tuple)
    kind = "scale"

    def points(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    def label_for(self, value: int) -> str:
        if len(self.labels) == self.max - self.min + 1:
            return self.labels[value - self.min]
        if len(self.labels) == 2:
            if value == self.min:
                return self.labels[0]
            if value == self.max:
                return self.labels[1]
        return str(value)

    def parse(self, raw: RawForm) -> int | None:
        text = _first(raw, self.name)
        if text is None:
            return self.missing()
        value = _as_int(text)
        if value is None or not self.min <= value <= self.max:
            raise AnswerError("out_of_range", field=self.name, min=self.min, max=self.max)
        return value

    def cells(self, value: Any) -> list[ExportCell]:
        text = _point_text(self.min, self.max, self.labels, value)
        return [ExportCell(self.name, strip_controls(self.label), value, text)]


@frozen(kw_only=True)
class TextField(Field):
    """Free text, cleaned of control characters. Moderated text waits for approval."""

    __repr__ = attrs_repr

    max_length: int = 280
    multiline: bool = True
    moderated: bool = True
    kind = "text"

    def parse(self, raw: RawForm) -> str | None:
        text = _first(raw, self.name)
        cleaned = clean_text(text, multiline=self.multiline) if text is not None else ""
        if not cleaned:
            return self.missing()
        if len(cleaned) > self.max_length:
            raise AnswerError("too_long", field=self.name, max=self.max_length)
        return cleaned


@frozen(kw_only=True)
class RankField(Field):
    """Put every option in order. Value: option indices, first place first."""

    __repr__ = attrs_repr

    options: tuple[str, ...] = field(converter=as_tuple)
    kind = "rank"

    def keys(self) -> list[str]:
        return [f"{self.name}.{i}" for i in range(len(self.options))]

    def parse(self, raw: RawForm) -> list[int] | None:
        places = [_as_int(_first(raw, key)) for key in self.keys()]
        if all(p is None for p in places):
            return self.missing()
        count = len(self.options)
        if sorted(p for p in places if p is not None) != list(range(1, count + 1)):
            raise AnswerError("not_a_ranking", field=self.name, count=count)
        order = sorted(range(count), key=lambda i: places[i] or 0)
        return order

    def raw(self, value: Any) -> dict[str, list[str]]:
        return {f"{self.name}.{option}": [str(place)] for place, option in enumerate(value, 1)}

    def cells(self, value: Any) -> list[ExportCell]:
        text = " > ".join(_option_text(self.options, index) for index in value)
        return [ExportCell(self.name, strip_controls(self.label), value, text)]


@frozen(kw_only=True)
class GridField(Field):
    """Rate each row on the same scale. Value: one integer per row."""

    __repr__ = attrs_repr

    rows: tuple[str, ...] = field(converter=as_tuple)
    min: int = 1
    max: int = 5
    labels: tuple[str, ...] = field(default=(), converter=as_tuple)
    kind = "grid"

    def keys(self) -> list[str]:
        return [f"{self.name}.{i}" for i in range(len(self.rows))]

    def points(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    def parse(self, raw: RawForm) -> list[int] | None:
        texts = [_first(raw, key) for key in self.keys()]
        if all(t is None for t in texts):
            return self.missing()
        values: list[int] = []
        for text in texts:
            value = _as_int(text)
            if value is None:
                raise AnswerError("required", field=self.name)
            if not self.min <= value <= self.max:
                raise AnswerError("out_of_range", field=self.name, min=self.min, max=self.max)
            values.append(value)
        return values

    def raw(self, value: Any) -> dict[str, list[str]]:
        return {key: [str(number)] for key, number in zip(self.keys(), value, strict=False)}

    def cells(self, value: Any) -> list[ExportCell]:
        label = strip_controls(self.label)
        return [
            ExportCell(
                f"{self.name}.{index}",
                f"{label}: {strip_controls(row)}",
                part,
                _point_text(self.min, self.max, self.labels, part),
            )
            for index, (row, part) in enumerate(zip(self.rows, value, strict=False))
        ]


@frozen(kw_only=True)
class PointsField(Field):
    """Share exactly ``total`` points between options. Value: points per option."""

    __repr__ = attrs_repr

    options: tuple[str, ...] = field(converter=as_tuple)
    total: int = 100
    kind = "points"

    def keys(self) -> list[str]:
        return [f"{self.name}.{i}" for i in range(len(self.options))]

    def parse(self, raw: RawForm) -> list[int] | None:
        texts = [_first(raw, key) for key in self.keys()]
        if all(t is None for t in texts):
            return self.missing()
        values = [_as_int(t) if t is not None else 0 for t in texts]
        if any(v is None or v < 0 for v in values):
            raise AnswerError("points_total", field=self.name, total=self.total)
        if sum(v or 0 for v in values) != self.total:
            raise AnswerError("points_total", field=self.name, total=self.total)
        return [v or 0 for v in values]

    def raw(self, value: Any) -> dict[str, list[str]]:
        return {key: [str(number)] for key, number in zip(self.keys(), value, strict=False)}

    def cells(self, value: Any) -> list[ExportCell]:
        label = strip_controls(self.label)
        return [
            ExportCell(
                f"{self.name}.{index}", f"{label}: {strip_controls(option)}", part, str(part)
            )
            for index, (option, part) in enumerate(zip(self.options, value, strict=False))
        ]


@frozen
class Form:
    """What a participant sees for an item: an optional intro and one or more fields."""

    __repr__ = attrs_repr

    fields: tuple[Field, ...] = field(converter=as_tuple)
    intro: str = ""

    def parse(self, raw: RawForm) -> dict[str, Any]:
        """Every field's value, or the first :class:`AnswerError` found."""
        return {f.name: f.parse(raw) for f in self.fields}

    def raw(self, value: Mapping[str, Any] | None) -> dict[str, list[str]]:
        """A stored answer as the form data that would give it, to prefill the form."""
        found: dict[str, list[str]] = {}
        for f in self.fields:
            given = (value or {}).get(f.name)
            if given is not None:
                found.update(f.raw(given))
        return found

    def moderated_fields(self) -> list[str]:
        return [f.name for f in self.fields if isinstance(f, TextField) and f.moderated]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


FIELD_KINDS: tuple[type[Field], ...] = (
    ChoiceField,
    MultiField,
    ScaleField,
    TextField,
    RankField,
    GridField,
    PointsField,
)


def _option_text(options: tuple[str, ...], index: Any) -> str:
    if isinstance(index, int) and 0 <= index < len(options):
        return strip_controls(options[index])
    return str(index)


def _point_text(low: int, high: int, labels: tuple[str, ...], value: Any) -> str:
    """A point of a scale with its label, if it has one: "4 (Agree)"."""
    if not isinstance(value, int):
        return str(value)
    points = list(range(low, high + 1))
    label = ""
    if len(labels) == len(points) and value in points:
        label = labels[points.index(value)]
    elif len(labels) == 2 and value in (low, high):
        label = labels[0] if value == low else labels[1]
    return f"{value} ({strip_controls(label)})" if label and label != str(value) else str(value)


def export_cells(f: Field, value: Any) -> list[ExportCell]:
    """One field's kept value as readable text; grids and points give a cell per row."""
    return f.cells(value)
