"""Evaluation forms: several questions (Likert, rating, choice, open text) answered as one form.

An evaluation is for the facilitators: its results stay off the projector unless the
item says ``on_projector = true``. Open answers are then moderated like any free text;
otherwise they go straight to the facilitator's console and the report.

Questions are written in the agenda as a list of tables::

    questions = [
      { kind = "likert", text = "The training met my expectations." },
      { kind = "rating", text = "How useful was day one?", min = 0, max = 10 },
      { kind = "choice", text = "Which session helped most?", options = ["A", "B"] },
      { kind = "text",   text = "What would you change?" },
    ]
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    Answer,
    Bar,
    Bars,
    ChoiceField,
    ExportCell,
    Field,
    Form,
    ItemContext,
    MessageCatalog,
    MultiField,
    Note,
    ScaleField,
    Spread,
    SpreadRow,
    Tally,
    TextField,
    Texts,
    View,
    attrs_repr,
    setting,
    unordered,
)

CATALOG = MessageCatalog(Path(__file__).resolve().parent / "locale", "facilitate_evaluation")


def likert_labels(context: ItemContext) -> tuple[str, ...]:
    """The five Likert points in the room's language, for questions that name none."""
    return (
        context.pgettext("likert", "Strongly disagree"),
        context.pgettext("likert", "Disagree"),
        context.pgettext("likert", "Neither agree nor disagree"),
        context.pgettext("likert", "Agree"),
        context.pgettext("likert", "Strongly agree"),
    )


KINDS = ("likert", "rating", "choice", "text")
KEYS: dict[str, tuple[str, ...]] = {
    "likert": ("kind", "text", "required", "labels"),
    "rating": ("kind", "text", "required", "min", "max", "labels"),
    "choice": ("kind", "text", "required", "options", "multiple"),
    "text": ("kind", "text", "required", "max_length"),
}
MAX_QUESTIONS = 20


@frozen
class Question:
    """One checked question of an evaluation form."""

    __repr__ = attrs_repr

    kind: str
    text: str
    required: bool
    min: int = 1
    max: int = 5
    labels: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    multiple: bool = False
    max_length: int = 500

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))

    def point_labels(self, likert: tuple[str, ...]) -> tuple[str, ...]:
        """A label per point; a Likert question without labels uses ``likert``'s."""
        if self.kind == "likert" and not self.labels:
            return likert
        if len(self.labels) == len(self.points):
            return self.labels
        if len(self.labels) == 2:
            middle = [str(p) for p in self.points[1:-1]]
            return (self.labels[0], *middle, self.labels[1])
        return tuple(str(p) for p in self.points)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _strings(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


def read_question(
    table: dict[str, Any], where: str
) -> tuple[Question | None, list[tuple[str, str]]]:
    """A question from its table, or the problems found, each keyed like ``questions[2].kind``."""
    problems: list[tuple[str, str]] = []
    kind = table.get("kind")
    if kind not in KINDS:
        expected = ", ".join(repr(k) for k in KINDS)
        what = "missing" if kind is None else f"unknown kind {kind!r}"
        return None, [(f"{where}.kind", f"{what}; expected one of {expected}")]
    for key in table:
        if key not in KEYS[kind]:
            near = difflib.get_close_matches(key, KEYS[kind], n=1)
            hint = (
                f"did you mean {near[0]!r}?"
                if near
                else f"a {kind} question takes: " + ", ".join(KEYS[kind])
            )
            problems.append((f"{where}.{key}", f"unknown key; {hint}"))
    text = table.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append((f"{where}.text", "expected the question, a non-empty string"))
    required = table.get("required", kind != "text")
    if not isinstance(required, bool):
        problems.append((f"{where}.required", f"expected true or false, got {required!r}"))
    values: dict[str, Any] = {}
    if kind in ("likert", "rating"):
        low, high = (1, 5)
        if kind == "rating":
            low, high = table.get("min", 1), table.get("max", 5)
            if not _is_int(low) or low not in (0, 1):
                problems.append((f"{where}.min", f"expected 0 or 1, got {low!r}"))
                low = 1
            if not _is_int(high) or not 2 <= high <= 10 or high <= low:
                problems.append((f"{where}.max", f"expected a number from 2 to 10, got {high!r}"))
                high = 5
        labels = table.get("labels", ())
        points = high - low + 1
        if not _strings(labels) or len(labels) not in (0, 2, points):
            problems.append(
                (f"{where}.labels", f"expected {points} labels (one per point) or 2 (the ends)")
            )
            labels = ()
        values.update(min=low, max=high, labels=tuple(labels))
    elif kind == "choice":
        options: Any = table.get("options")
        if not _strings(options) or not 2 <= len(options) <= 20:
            problems.append((f"{where}.options", "expected a list of 2 to 20 options"))
        elif len(set(options)) != len(options) or not all(o.strip() for o in options):
            problems.append((f"{where}.options", "options must be non-empty and differ"))
        else:
            values["options"] = tuple(options)
        multiple = table.get("multiple", False)
        if not isinstance(multiple, bool):
            problems.append((f"{where}.multiple", f"expected true or false, got {multiple!r}"))
        values["multiple"] = bool(multiple)
    else:
        max_length = table.get("max_length", 500)
        if not _is_int(max_length) or not 20 <= max_length <= 2000:
            problems.append(
                (f"{where}.max_length", f"expected a number from 20 to 2000, got {max_length!r}")
            )
        else:
            values["max_length"] = max_length
    if problems:
        return None, problems
    return Question(kind, text, required, **values), []  # type: ignore[arg-type]


def read_questions(
    tables: tuple[dict[str, Any], ...],
) -> tuple[tuple[Question, ...], list[tuple[str, str]]]:
    questions, problems = [], []
    for index, table in enumerate(tables):
        question, found = read_question(table, f"questions[{index}]")
        problems += found
        if question is not None:
            questions.append(question)
    return tuple(questions), problems


def check_questions(tables: tuple[dict[str, Any], ...]) -> str | None:
    if not 1 <= len(tables) <= MAX_QUESTIONS:
        return f"expected 1 to {MAX_QUESTIONS} questions, got {len(tables)}"
    return None


@frozen
class EvaluationConfig:
    __repr__ = attrs_repr

    questions: tuple[dict, ...] = setting(  # type: ignore[type-arg]
        help='a list of questions, each a table like { kind = "likert", text = "..." }'
        " (kinds: likert, rating, choice, text)",
        check=check_questions,
    )
    intro: str = setting(
        "",
        help="a sentence shown above the questions; by default, that answers are anonymous,"
        " in the agenda's language",
    )
    on_projector: bool = setting(
        False, help="true to allow showing the results to the room (false keeps them to you)"
    )

    def validate(self) -> list[tuple[str, str]]:
        return read_questions(self.questions)[1]

    @property
    def parsed(self) -> tuple[Question, ...]:
        return read_questions(self.questions)[0]


def field_name(index: int) -> str:
    return f"q{index + 1}"


@frozen
class QuestionResult:
    __repr__ = attrs_repr

    answered: int
    counts: tuple[int, ...] = ()
    """Per scale point (lowest first) or per option."""
    texts: tuple[tuple[str, int], ...] = ()
    """Open answers with how many gave each, by text."""


@frozen
class EvaluationResult:
    __repr__ = attrs_repr

    answers: int
    questions: tuple[QuestionResult, ...]


class EvaluationTally(Tally[EvaluationResult]):
    def __init__(self, questions: tuple[Question, ...]) -> None:
        self.questions = questions
        self.answers = 0
        self.answered = [0] * len(questions)
        self.counts = [[0] * self._slots(q) for q in questions]
        self.texts: list[Counter[str]] = [Counter() for _ in questions]

    @staticmethod
    def _slots(question: Question) -> int:
        if question.kind == "choice":
            return len(question.options)
        return 0 if question.kind == "text" else len(question.points)

    def _apply(self, value: dict[str, Any], sign: int) -> None:
        self.answers += sign
        for index, question in enumerate(self.questions):
            given = value.get(field_name(index))
            if given is None:
                continue
            self.answered[index] += sign
            if question.kind == "text":
                self.texts[index][given] += sign
            elif question.kind == "choice":
                for pick in given if isinstance(given, list) else [given]:
                    self.counts[index][pick] += sign
            else:
                self.counts[index][given - question.min] += sign

    def add(self, value: dict[str, Any]) -> None:
        self._apply(value, 1)

    def remove(self, value: dict[str, Any]) -> None:
        self._apply(value, -1)

    def result(self) -> EvaluationResult:
        return EvaluationResult(
            self.answers,
            tuple(
                QuestionResult(
                    self.answered[i],
                    tuple(self.counts[i]),
                    tuple(sorted((t, n) for t, n in self.texts[i].items() if n)),
                )
                for i in range(len(self.questions))
            ),
        )


class Evaluation(ActivityType[EvaluationConfig, EvaluationResult]):
    """Several questions in one form; results stay with the facilitator by default."""

    kind = "evaluation"
    title = N_("Evaluation form")
    catalog = CATALOG
    Config = EvaluationConfig

    def form(self, config: EvaluationConfig, context: ItemContext) -> Form:
        likert = likert_labels(context)
        fields: list[Field] = []
        for index, q in enumerate(config.parsed):
            name = field_name(index)
            if q.kind in ("likert", "rating"):
                fields.append(
                    ScaleField(
                        name=name,
                        label=q.text,
                        required=q.required,
                        min=q.min,
                        max=q.max,
                        labels=q.point_labels(likert) if q.kind == "likert" else q.labels,
                    )
                )
            elif q.kind == "choice" and q.multiple:
                fields.append(
                    MultiField(
                        name=name,
                        label=q.text,
                        required=q.required,
                        options=q.options,
                        min=1 if q.required else 0,
                    )
                )
            elif q.kind == "choice":
                fields.append(
                    ChoiceField(name=name, label=q.text, required=q.required, options=q.options)
                )
            else:
                # Open answers reach the room only through moderation.
                fields.append(
                    TextField(
                        name=name,
                        label=q.text,
                        required=q.required,
                        max_length=q.max_length,
                        moderated=config.on_projector,
                    )
                )
        intro = config.intro or context.gettext("Your answers are anonymous and help us improve.")
        return Form(fields, intro=intro)

    def new_tally(self, config: EvaluationConfig, context: ItemContext) -> EvaluationTally:
        return EvaluationTally(config.parsed)

    def held_back(self, question: Question, context: ItemContext) -> Note:
        """Said in place of a question's results while fewer than ``k`` answered it."""
        return Note(
            context.ngettext(
                "{question}: shown once {count} person has answered this question.",
                "{question}: shown once {count} people have answered this question.",
                context.k,
                question=question.text,
            )
        )

    def question_blocks(
        self, q: Question, r: QuestionResult, likert: tuple[str, ...], context: ItemContext
    ) -> list[Any]:
        """One question's results: its spread and mean, its bars, or its open answers."""
        if not context.enough(r.answered):
            return [self.held_back(q, context)]
        if q.kind in ("likert", "rating"):
            row = SpreadRow(q.text, r.counts)
            # The labels the phones showed, in the room's language.
            blocks: list[Any] = [Spread((row,), q.points, q.point_labels(likert), title=q.text)]
            mean = row.mean(q.points)
            if mean is not None:
                blocks.append(
                    Note(
                        context.ngettext(
                            "Mean {mean} from {count} answer",
                            "Mean {mean} from {count} answers",
                            r.answered,
                            mean=mean,
                        )
                    )
                )
            return blocks
        if q.kind == "choice":
            bars = tuple(Bar(o, c) for o, c in zip(q.options, r.counts, strict=True))
            shares_of = r.answered if q.multiple else None
            return [Bars(bars, title=q.text, answers=shares_of, of_answers=True)]
        if r.texts:
            return [Texts(unordered([t for t, _ in r.texts]), title=q.text)]
        return [Note(context.gettext("{question}: no open answers yet", question=q.text))]

    def view(
        self, config: EvaluationConfig, result: EvaluationResult, context: ItemContext
    ) -> View:
        likert = likert_labels(context)
        blocks: list[Any] = []
        for q, r in zip(config.parsed, result.questions, strict=True):
            blocks += self.question_blocks(q, r, likert, context)
        blocks.append(
            Note(context.ngettext("{count} evaluation", "{count} evaluations", result.answers))
        )
        return tuple(blocks)

    def export(
        self, config: EvaluationConfig, answers: Sequence[Answer], context: ItemContext
    ) -> Iterable[Sequence[ExportCell]]:
        """Each answer as cells, without the questions the view holds back (fewer than k)."""
        result = self.tally(config, [dict(answer.value) for answer in answers], context)
        withheld = {
            field_name(index)
            for index, r in enumerate(result.questions)
            if not context.enough(r.answered)
        }
        for cells in super().export(config, answers, context):
            kept = [cell for cell in cells if cell.field.split(".")[0] not in withheld]
            if kept:
                yield kept

    def prompt(self, config: EvaluationConfig, context: ItemContext) -> str:
        return config.intro or context.gettext("Evaluation form")
