"""The activity-type contract: what a session type gives, and helpers to give it briefly.

An activity type is what an agenda item's ``type = "..."`` names. It turns the item's
settings into a checked config, says what to ask (a declarative :class:`~facilitate.forms.Form`),
validates an answer, tallies answers incrementally, and says what to show
(:mod:`facilitate.views` blocks) on the projector and in the report.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

import attrs
from attrs import frozen

from facilitate.anonymity import enough_answers
from facilitate.forms import ExportCell, Form, export_cells
from facilitate.i18n import MessageCatalog, translator
from facilitate.model import DEFAULT_K
from facilitate.reprs import attrs_repr
from facilitate.views import View

ConfigT = TypeVar("ConfigT")
ResultT = TypeVar("ResultT")


class Problem(typing.NamedTuple):
    """One thing wrong with an item's settings: which key, and what was expected."""

    key: str
    message: str


class Reference(typing.NamedTuple):
    """An item's setting that names another, earlier item (``from = "post-strategies"``).

    ``kinds`` lists the activity types that item may have (empty: any activity).
    ``facilitate check`` reports a reference to a missing, later or wrong item.
    """

    key: str
    item_id: str
    kinds: tuple[str, ...] = ()


class ConfigError(ValueError):
    """An item's activity settings are wrong. ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem] | Problem | str, key: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(key, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__(
            "; ".join(f"{p.key}: {p.message}" if p.key else p.message for p in problems)
        )


def setting(
    default: Any = attrs.NOTHING,
    *,
    help: str,
    check: Callable[[Any], str | None] | None = None,
    key: str | None = None,
) -> Any:
    """Declare one key of a Config class: its default (none means required) and its help.

    ``help`` says what is expected, in the words an agenda writer needs ("a list of 2
    to 12 options"); it is shown when the key is missing or wrong. ``check`` returns an
    error message for a value of the right type that is still not acceptable. ``key``
    is the TOML key when it cannot be the field's name (``from``, a Python keyword).
    """
    metadata = {"help": help, "check": check, "key": key}
    if isinstance(default, list | dict):
        frozen_default = tuple(default) if isinstance(default, list) else default
        return attrs.field(factory=lambda: frozen_default, metadata=metadata)
    return attrs.field(default=default, metadata=metadata)


def _type_matches(value: Any, expected: Any) -> tuple[bool, Any]:
    """Whether a TOML value fits a Config annotation, and the value to store (lists frozen)."""
    origin = typing.get_origin(expected)
    if expected is Any:
        return True, value
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(expected):
            ok, converted = _type_matches(value, option)
            if ok:
                return True, converted
        return False, value
    if expected is type(None):
        return value is None, value
    if expected is bool:
        return isinstance(value, bool), value
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok, float(value) if ok else value
    if expected is str:
        return isinstance(value, str), value
    if origin in (tuple, list) or expected in (tuple, list):
        if not isinstance(value, list | tuple):
            return False, value
        args = typing.get_args(expected)
        inner = args[0] if args else Any
        converted = []
        for element in value:
            ok, element = _type_matches(element, inner)
            if not ok:
                return False, value
            converted.append(element)
        return True, tuple(converted)
    if origin is dict or expected is dict:
        return isinstance(value, dict), value
    return isinstance(value, expected) if isinstance(expected, type) else True, value


def build_config(config_class: type[ConfigT], settings: Mapping[str, Any]) -> ConfigT:
    """A Config instance from an item's settings, or a :class:`ConfigError` listing every problem.

    Checks unknown keys (suggesting the nearest known one), missing keys, types (from
    the class's annotations), each :func:`setting`'s ``check``, and finally the class's
    own ``validate()`` method if it has one (for rules that span several keys).
    """
    hints = typing.get_type_hints(config_class)
    fields = {
        f.metadata.get("key") or f.name: f for f in attrs.fields(typing.cast(Any, config_class))
    }
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in fields:
            import difflib

            near = difflib.get_close_matches(key, fields, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"known keys: {', '.join(fields)}"
            problems.append(Problem(key, f"unknown key; {hint}"))
            continue
        meta = fields[key].metadata
        hint = hints.get(fields[key].name, Any)
        ok, converted = _type_matches(value, hint)
        if not ok:
            problems.append(Problem(key, f"expected {meta.get('help', hint)}, got {value!r}"))
            continue
        check = meta.get("check")
        message = check(converted) if check else None
        if message:
            problems.append(Problem(key, message))
            continue
        values[fields[key].name] = converted
    for name, f in fields.items():
        if name not in settings and f.default is attrs.NOTHING:
            problems.append(Problem(name, f"missing; expected {f.metadata.get('help', 'a value')}"))
    if problems:
        raise ConfigError(problems)
    try:
        config = config_class(**values)
    except (TypeError, ValueError) as error:
        raise ConfigError([Problem("", str(error))]) from error
    validate = getattr(config, "validate", None)
    if validate is not None:
        found = [Problem(*p) if isinstance(p, tuple) else Problem("", str(p)) for p in validate()]
        if found:
            raise ConfigError(found)
    return config


@frozen
class Answer:
    """One answer as an activity type's ``export`` receives it.

    ``value`` is what ``accept`` kept, with moderated text that is not approved replaced
    by ``None``. ``origin`` says where it came from: ``"phone"`` today; hand counts of
    paper ballots (``"paper"``) are planned and will arrive the same way, so a type that
    exports answers needs no change for them.
    """

    __repr__ = attrs_repr

    value: Mapping[str, Any]
    origin: str = "phone"


class ItemContext:
    """What an activity type knows of the workshop around its item, and how it speaks.

    Every method of the contract that takes ``context`` gets one: ``form``, ``accept``,
    ``new_tally``, ``view``, ``report``, ``export`` and ``prompt``.

    - ``item_id``, ``language`` (the room's, from the agenda), ``k`` (the item's
      anonymity threshold), ``phase`` (``"waiting"``, ``"open"``, ``"closed"``),
      ``revealed`` and ``settings`` (the item's activity table as written);
    - ``gettext``, ``ngettext``, ``pgettext``, ``npgettext``: the type's own words in the
      room's language, from its ``catalog`` first, then facilitate's;
    - ``number``, ``percent``: figures as the room's language writes them;
    - ``enough(count)``: whether ``count`` answers meet ``k``, to withhold a part of a
      result (one row, one actor) that fewer than ``k`` people gave;
    - ``result_of(item_id)``: another item's current result (see ``references``).
    """

    def __init__(
        self,
        item_id: str = "item",
        language: str = "en",
        *,
        k: int = DEFAULT_K,
        phase: str = "waiting",
        revealed: bool = False,
        settings: Mapping[str, Any] | None = None,
        catalog: MessageCatalog | None = None,
    ) -> None:
        self.item_id = item_id
        self.language = language
        self.k = k
        self.phase = phase
        self.revealed = revealed
        self.settings: Mapping[str, Any] = settings or {}
        self.translator = translator(language, catalog)

    def result_of(self, item_id: str) -> Any | None:
        """The current (moderated) result of another item, or ``None`` if there is none."""
        return None

    def enough(self, count: int) -> bool:
        """Whether ``count`` answers are enough to show (at least ``k``)."""
        return enough_answers(count, self.k)

    def gettext(self, message: str, /, **params: Any) -> str:
        return self.translator.gettext(message, **params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        return self.translator.ngettext(singular, plural, n, **params)

    def pgettext(self, context: str, message: str, /, **params: Any) -> str:
        return self.translator.pgettext(context, message, **params)

    def npgettext(self, context: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
        return self.translator.npgettext(context, singular, plural, n, **params)

    def number(self, value: float, digits: int = 1) -> str:
        return self.translator.number(value, digits)

    def percent(self, part: float, whole: float) -> str:
        return self.translator.percent(part, whole)


class StaticContext(ItemContext):
    """A context with no workshop around it: for ``facilitate check`` and tests."""

    def __init__(self, item_id: str = "item", language: str = "en", **options: Any) -> None:
        super().__init__(item_id, language, **options)


# -- calling types written against an earlier contract --------------------------------

CONTEXT_AFTER: dict[str, int] = {
    "form": 1,
    "accept": 2,
    "new_tally": 1,
    "view": 2,
    "report": 2,
    "prompt": 1,
    "export": 2,
}
"""How many arguments come before ``context`` in each method that takes one."""
CONTEXT_SIGNATURES: dict[str, str] = {
    "form": "form(self, config, context)",
    "accept": "accept(self, config, value, context)",
    "new_tally": "new_tally(self, config, context)",
    "view": "view(self, config, result, context)",
    "report": "report(self, config, result, context)",
    "prompt": "prompt(self, config, context)",
    "export": "export(self, config, answers, context)",
}


class FacilitateDeprecationWarning(DeprecationWarning):
    """A plugin uses a part of the contract that still works but will go."""


@functools.lru_cache(maxsize=1024)
def _takes_context(function: Callable[..., Any], before: int) -> bool:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return True
    if parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    if any(p.kind is p.VAR_POSITIONAL for p in parameters) or any(
        p.name == "context" for p in parameters
    ):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) > before


def old_style_methods(activity_type: type) -> list[str]:
    """The contract methods a type defines without the ``context`` argument."""
    return [
        name
        for name, before in CONTEXT_AFTER.items()
        if callable(method := getattr(activity_type, name, None))
        and not _takes_context(getattr(method, "__func__", method), before)
    ]


def call(activity_type: Any, method: str, *args: Any, context: ItemContext) -> Any:
    """Call a contract method with ``context``, or without it for a type that predates it.

    Types written for facilitate 0.1 (``view(config, result)``) keep working; the plugin
    manager warns once, when it loads them, with the new signature.
    """
    bound = getattr(activity_type, method)
    function = getattr(bound, "__func__", bound)
    if _takes_context(function, CONTEXT_AFTER[method]):
        return bound(*args, context)
    return bound(*args)


class Tally(Generic[ResultT]):
    """Running totals for one item: answers are added, and removed when changed or retracted.

    ``result()`` must equal what a fresh tally gives for the answers that are left,
    whatever the order of additions and removals; the property tests check this.
    """

    def add(self, value: Any) -> None:
        raise NotImplementedError

    def remove(self, value: Any) -> None:
        raise NotImplementedError

    def result(self) -> ResultT:
        raise NotImplementedError


class CountTally(Tally[dict[Hashable, int]]):
    """Counts keys; ``keys(value)`` says which keys one answer counts towards.

    The result maps every key counted at least once to its count, plus ``"answers"``
    under the key ``None`` for the number of answers.
    """

    def __init__(self, keys: Callable[[Any], Iterable[Hashable]]) -> None:
        self._keys = keys
        self._counts: Counter[Hashable] = Counter()
        self.answers = 0

    def add(self, value: Any) -> None:
        self.answers += 1
        self._counts.update(self._keys(value))

    def remove(self, value: Any) -> None:
        self.answers -= 1
        self._counts.subtract(self._keys(value))

    def counts(self) -> dict[Hashable, int]:
        return {key: count for key, count in self._counts.items() if count}

    def result(self) -> dict[Hashable, int]:
        return {None: self.answers, **self.counts()}


class ActivityType(Generic[ConfigT, ResultT]):
    """Base class for activity types. Subclass it, set the class attributes, fill the methods.

    Class attributes:

    - ``kind``: the ``type = "..."`` that names it in an agenda (lowercase, dashes);
    - ``title``: a name for people ("Single choice");
    - ``Config``: an attrs class whose fields are declared with :func:`setting`;
    - ``example`` (optional): the settings of one good item of this type, without
      ``type`` (``{"question": "...", "options": [...]}``), shown by ``facilitate types
      KIND``; without it, an example is made from the keys' help.
    """

    kind: ClassVar[str] = ""
    title: ClassVar[str] = ""
    Config: ClassVar[type]
    example: ClassVar[dict[str, Any] | None] = None

    def configure(self, settings: Mapping[str, Any]) -> ConfigT:
        """A checked config from the item's settings; raise :class:`ConfigError` if wrong."""
        return build_config(self.Config, settings)

    catalog: ClassVar[MessageCatalog | None] = None
    """Where this type's own words are translated (``MessageCatalog(folder, domain)``);
    its ``title``, ``context.gettext`` and friends look there first."""

    def form(self, config: ConfigT, context: ItemContext) -> Form:
        """What participants are asked.

        The engine builds it once per item and again only when a result it read through
        ``context.result_of`` has changed, so it should depend on nothing else.
        """
        raise NotImplementedError

    def accept(
        self, config: ConfigT, value: dict[str, Any], context: ItemContext
    ) -> dict[str, Any]:
        """Check an answer already parsed by the form; raise ``AnswerError`` to refuse it.

        Return the value to keep (the same, or a normalised copy).
        """
        return value

    def new_tally(self, config: ConfigT, context: ItemContext) -> Tally[ResultT]:
        """An empty running tally."""
        raise NotImplementedError

    def tally(
        self,
        config: ConfigT,
        answers: Iterable[dict[str, Any]],
        context: ItemContext | None = None,
    ) -> ResultT:
        """The result of these answers, computed from scratch."""
        context = context or StaticContext()
        running: Tally[ResultT] = call(self, "new_tally", config, context=context)
        for value in answers:
            running.add(value)
        return running.result()

    def count(self, result: ResultT) -> int:
        """How many answers a result is made of (for the anonymity threshold)."""
        if isinstance(result, Mapping):
            return int(result.get(None, result.get("answers", 0)))
        return int(getattr(result, "answers", 0))

    def view(self, config: ConfigT, result: ResultT, context: ItemContext) -> View:
        """What to show of a result: a tuple of :mod:`facilitate.views` blocks.

        Words in the room's language come from ``context.gettext``; a part of the result
        that fewer than ``k`` people gave can be left out with ``context.enough``.
        """
        raise NotImplementedError

    def report(self, config: ConfigT, result: ResultT, context: ItemContext) -> View:
        """What the report shows of a result; the projector view unless overridden."""
        return tuple(call(self, "view", config, result, context=context))

    def export(
        self, config: ConfigT, answers: Sequence[Answer], context: ItemContext
    ) -> Iterable[Sequence[ExportCell]]:
        """Each answer as cells for the CSV and JSON exports (one sequence per answer).

        By default every field of the form, as readable text. A type whose view leaves
        something out (a row fewer than ``k`` people rated) leaves it out here too, so no
        export puts back what the room was not shown. The exporter sorts and numbers the
        rows itself; their order here says nothing.
        """
        form: Form = call(self, "form", config, context=context)
        for answer in answers:
            cells: list[ExportCell] = []
            for form_field in form.fields:
                given = answer.value.get(form_field.name)
                if given is not None:
                    cells.extend(export_cells(form_field, given))
            if cells:
                yield cells

    def references(self, config: ConfigT) -> tuple[Reference, ...]:
        """Earlier items this item reads through ``context.result_of``, to check the agenda."""
        return ()

    def on_projector(self, config: ConfigT) -> bool:
        """Whether results may be shown to the room (an evaluation may say no)."""
        return bool(getattr(config, "on_projector", True))

    def prompt(self, config: ConfigT, context: ItemContext) -> str:
        """The question in one line, for the console, the projector and the report."""
        return str(getattr(config, "question", "") or getattr(config, "prompt", ""))
