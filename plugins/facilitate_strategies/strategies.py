"""Strategy sharing: post the ways you keep safe, then mark the ones you use or would try.

Two activity types work as a pair. ``strategies`` collects strategies anonymously, each
with a category; their text reaches the room only once the facilitator approves it.
``strategies-vote`` names that item (``from = "<item id>"``) and lists its approved
strategies, so each participant can mark those they already use and those they would try.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    AnswerError,
    Bar,
    Bars,
    ChoiceField,
    Form,
    ItemContext,
    MessageCatalog,
    MultiField,
    Note,
    Reference,
    Table,
    Tally,
    TextField,
    Texts,
    View,
    attrs_repr,
    setting,
    unordered,
)

CATALOG = MessageCatalog(Path(__file__).resolve().parent / "locale", "facilitate_strategies")
PER_CATEGORY_ON_SCREEN = 6
"""The projector shows this many strategies per category; the report shows them all."""


def default_categories(context: ItemContext) -> tuple[str, ...]:
    """Who or what a strategy protects, in the room's language."""
    return (
        context.pgettext("strategy category", "Self"),
        context.pgettext("strategy category", "Family"),
        context.pgettext("strategy category", "Organisation"),
        context.pgettext("strategy category", "Movement"),
        context.pgettext("strategy category", "Digital"),
    )


def check_categories(categories: tuple[str, ...] | None) -> str | None:
    if categories is None:
        return None
    if not 1 <= len(categories) <= 12:
        return f"expected 1 to 12 categories, got {len(categories)}"
    if any(not category.strip() for category in categories):
        return "categories must not be empty strings"
    if len(set(categories)) != len(categories):
        return "categories must differ from one another"
    return None


def check_length(length: int) -> str | None:
    if not 20 <= length <= 1000:
        return f"expected a number from 20 to 1000, got {length}"
    return None


@frozen
class StrategiesConfig:
    __repr__ = attrs_repr

    question: str | None = setting(
        None,
        help="the invitation shown to participants, a string; by default, to share one"
        " strategy that keeps you, your family, your organisation or your movement safer,"
        " in the agenda's language",
    )
    categories: tuple[str, ...] | None = setting(
        None,
        help="a list of 1 to 12 categories; by default Self, Family, Organisation, Movement,"
        " Digital, in the agenda's language",
        check=check_categories,
    )
    max_length: int = setting(280, help="the longest strategy in characters", check=check_length)


@frozen
class Strategy:
    __repr__ = attrs_repr

    category: str
    text: str
    count: int
    """How many posted this same strategy in this category."""


@frozen
class StrategiesResult:
    __repr__ = attrs_repr

    answers: int
    strategies: tuple[Strategy, ...]
    """Approved strategies, by category (in the configured order) then text."""
    categories: tuple[str, ...] = ()
    """Every configured category, in order."""

    def order_of(self, category: str) -> int:
        return self.categories.index(category) if category in self.categories else 99

    def in_category(self, category: str) -> tuple[Strategy, ...]:
        return tuple(s for s in self.strategies if s.category == category)


class StrategiesTally(Tally[StrategiesResult]):
    def __init__(self, categories: tuple[str, ...]) -> None:
        self.categories = categories
        self.answers = 0
        self.posted: Counter[tuple[int, str]] = Counter()

    def _apply(self, value: dict[str, Any], sign: int) -> None:
        self.answers += sign
        text = value.get("strategy")
        if isinstance(text, str):  # None until the facilitator approves it
            self.posted[(value["category"], text)] += sign

    def add(self, value: dict[str, Any]) -> None:
        self._apply(value, 1)

    def remove(self, value: dict[str, Any]) -> None:
        self._apply(value, -1)

    def result(self) -> StrategiesResult:
        strategies = tuple(
            Strategy(self.categories[index], text, count)
            for (index, text), count in sorted(self.posted.items())
            if count
        )
        return StrategiesResult(self.answers, strategies, self.categories)


class Strategies(ActivityType[StrategiesConfig, StrategiesResult]):
    """Post a strategy, with its category; shown once approved."""

    kind = "strategies"
    title = N_("Strategy sharing: post")
    catalog = CATALOG
    Config = StrategiesConfig

    def question(self, config: StrategiesConfig, context: ItemContext) -> str:
        if config.question is not None:
            return config.question
        return context.gettext(
            "Share one strategy that keeps you, your family, your organisation or your"
            " movement safer."
        )

    def categories(self, config: StrategiesConfig, context: ItemContext) -> tuple[str, ...]:
        if config.categories is not None:
            return config.categories
        return default_categories(context)

    def form(self, config: StrategiesConfig, context: ItemContext) -> Form:
        return Form(
            [
                TextField(
                    name="strategy",
                    label=self.question(config, context),
                    max_length=config.max_length,
                    moderated=True,
                ),
                ChoiceField(
                    name="category",
                    label=context.gettext("Who or what does it protect?"),
                    options=self.categories(config, context),
                ),
            ]
        )

    def new_tally(self, config: StrategiesConfig, context: ItemContext) -> StrategiesTally:
        return StrategiesTally(self.categories(config, context))

    def posted_note(self, result: StrategiesResult, context: ItemContext, hidden: int = 0) -> Note:
        if hidden:
            return Note(
                context.ngettext(
                    "{count} strategy posted, {approved} approved ({hidden} more in the report)",
                    "{count} strategies posted, {approved} approved ({hidden} more in the report)",
                    result.answers,
                    approved=len(result.strategies),
                    hidden=hidden,
                )
            )
        return Note(
            context.ngettext(
                "{count} strategy posted, {approved} approved",
                "{count} strategies posted, {approved} approved",
                result.answers,
                approved=len(result.strategies),
            )
        )

    def view(
        self, config: StrategiesConfig, result: StrategiesResult, context: ItemContext
    ) -> View:
        categories = self.categories(config, context)
        blocks: list[Any] = [
            Bars(
                tuple(Bar(c, len(result.in_category(c))) for c in categories),
                title=context.gettext("Strategies shared, by category"),
                unit=context.gettext("strategies"),
            )
        ]
        hidden = 0
        for category in categories:
            strategies = result.in_category(category)
            if not strategies:
                continue
            # The most shared first, the rest in an order that says nothing of who wrote when.
            mixed = {text: i for i, text in enumerate(unordered([s.text for s in strategies]))}
            ranked = sorted(strategies, key=lambda s: (-s.count, mixed[s.text]))
            shown = [s.text for s in ranked[:PER_CATEGORY_ON_SCREEN]]
            hidden += len(ranked) - len(shown)
            blocks.append(Texts(tuple(shown), title=category))
        blocks.append(self.posted_note(result, context, hidden))
        return tuple(blocks)

    def report(
        self, config: StrategiesConfig, result: StrategiesResult, context: ItemContext
    ) -> View:
        rows = tuple((s.category, s.text, context.number(s.count)) for s in result.strategies)
        headers = (
            context.pgettext("table header", "Category"),
            context.pgettext("table header", "Strategy"),
            context.pgettext("table header", "Posted by"),
        )
        return (
            Table(headers, rows, title=context.gettext("Strategies shared")),
            self.posted_note(result, context),
        )

    def prompt(self, config: StrategiesConfig, context: ItemContext) -> str:
        return self.question(config, context)


# -- the second phase: mark the strategies you use or would try ---------------------


def check_top(top: int) -> str | None:
    if not 1 <= top <= 10:
        return f"expected a number from 1 to 10, got {top}"
    return None


@frozen
class StrategiesVoteConfig:
    __repr__ = attrs_repr

    from_item: str = setting(
        key="from", help="the id of the earlier strategies item whose strategies are listed"
    )
    question: str | None = setting(
        None,
        help="the question shown above the list, a string; by default, which of these"
        " strategies you use and which you would try, in the agenda's language",
    )
    top: int = setting(
        3, help="how many strategies per category the projector shows", check=check_top
    )


@frozen
class StrategyMarks:
    __repr__ = attrs_repr

    category: str
    text: str
    use: int
    would_try: int

    @property
    def total(self) -> int:
        return self.use + self.would_try


@frozen
class StrategiesVoteResult:
    __repr__ = attrs_repr

    answers: int
    marks: tuple[StrategyMarks, ...]
    """Every strategy marked at least once, in the posting item's category order, then text."""


def _key(strategy: Strategy, posted: StrategiesResult) -> list[Any]:
    """How a mark names its strategy: category order, category and text."""
    return [posted.order_of(strategy.category), strategy.category, strategy.text]


class StrategiesVoteTally(Tally[StrategiesVoteResult]):
    def __init__(self) -> None:
        self.answers = 0
        self.use: Counter[tuple[int, str, str]] = Counter()
        self.would_try: Counter[tuple[int, str, str]] = Counter()

    def _apply(self, value: dict[str, Any], sign: int) -> None:
        self.answers += sign
        for order, category, text in value.get("use_strategies", ()):
            self.use[(order, category, text)] += sign
        for order, category, text in value.get("try_strategies", ()):
            self.would_try[(order, category, text)] += sign

    def add(self, value: dict[str, Any]) -> None:
        self._apply(value, 1)

    def remove(self, value: dict[str, Any]) -> None:
        self._apply(value, -1)

    def result(self) -> StrategiesVoteResult:
        keys = sorted(k for k in {*self.use, *self.would_try} if self.use[k] or self.would_try[k])
        marks = []
        for key in keys:
            _, category, text = key
            marks.append(StrategyMarks(category, text, self.use[key], self.would_try[key]))
        return StrategiesVoteResult(self.answers, tuple(marks))


class StrategiesVote(ActivityType[StrategiesVoteConfig, StrategiesVoteResult]):
    """Mark, among the approved strategies, those you use and those you would try."""

    kind = "strategies-vote"
    title = N_("Strategy sharing: mark what you use or would try")
    catalog = CATALOG
    Config = StrategiesVoteConfig

    def posted(self, config: StrategiesVoteConfig, context: ItemContext) -> StrategiesResult:
        posted = context.result_of(config.from_item)
        return posted if isinstance(posted, StrategiesResult) else StrategiesResult(0, ())

    def strategies(self, config: StrategiesVoteConfig, context: ItemContext) -> list[Strategy]:
        return list(self.posted(config, context).strategies)

    def question(self, config: StrategiesVoteConfig, context: ItemContext) -> str:
        if config.question is not None:
            return config.question
        return context.gettext("Which of these strategies do you use, and which would you try?")

    def form(self, config: StrategiesVoteConfig, context: ItemContext) -> Form:
        strategies = self.strategies(config, context)
        options = tuple(
            context.gettext("{category}: {strategy}", category=s.category, strategy=s.text)
            for s in strategies
        )
        if strategies:
            intro = self.question(config, context)
        else:
            intro = context.gettext("No strategies have been shared yet.")
        return Form(
            [
                MultiField(
                    name="use",
                    label=context.gettext("Strategies I already use"),
                    options=options,
                    min=0,
                    required=False,
                ),
                MultiField(
                    name="try",
                    label=context.gettext("Strategies I would like to try"),
                    options=options,
                    min=0,
                    required=False,
                ),
            ],
            intro=intro,
        )

    def accept(
        self, config: StrategiesVoteConfig, value: dict[str, Any], context: ItemContext
    ) -> dict[str, Any]:
        posted = self.posted(config, context)
        strategies = posted.strategies
        use, would_try = value.get("use") or [], value.get("try") or []
        if not use and not would_try:
            raise AnswerError("too_few", field="use", min=1)
        # Already using a strategy says more than wanting to try it: count it once, as used.
        would_try = [i for i in would_try if i not in use]
        # Keep what was marked by name: the list grows as more strategies are approved.
        return {
            **value,
            "try": would_try,
            "use_strategies": [_key(strategies[i], posted) for i in use],
            "try_strategies": [_key(strategies[i], posted) for i in would_try],
        }

    def new_tally(self, config: StrategiesVoteConfig, context: ItemContext) -> StrategiesVoteTally:
        return StrategiesVoteTally()

    def references(self, config: StrategiesVoteConfig) -> tuple[Reference, ...]:
        return (Reference("from", config.from_item, ("strategies",)),)

    def _categories(self, result: StrategiesVoteResult) -> list[str]:
        return list(dict.fromkeys(m.category for m in result.marks))

    def answers_note(self, result: StrategiesVoteResult, context: ItemContext) -> Note:
        return Note(context.ngettext("{count} answer", "{count} answers", result.answers))

    def view(
        self, config: StrategiesVoteConfig, result: StrategiesVoteResult, context: ItemContext
    ) -> View:
        blocks: list[Any] = []
        for category in self._categories(result):
            marks = sorted(
                (m for m in result.marks if m.category == category),
                key=lambda m: (-m.total, m.text),
            )[: config.top]
            blocks.append(
                Bars(
                    tuple(Bar(m.text, m.total) for m in marks),
                    title=category,
                    unit=context.gettext("use it or would try it"),
                )
            )
        blocks.append(self.answers_note(result, context))
        return tuple(blocks)

    def report(
        self, config: StrategiesVoteConfig, result: StrategiesVoteResult, context: ItemContext
    ) -> View:
        rows = tuple(
            (m.category, m.text, context.number(m.use), context.number(m.would_try))
            for m in sorted(
                result.marks,
                key=lambda m: (self._categories(result).index(m.category), -m.total, m.text),
            )
        )
        headers = (
            context.pgettext("table header", "Category"),
            context.pgettext("table header", "Strategy"),
            context.pgettext("table header", "Use it"),
            context.pgettext("table header", "Would try it"),
        )
        return (
            Table(headers, rows, title=context.gettext("Strategies the room uses or would try")),
            self.answers_note(result, context),
        )

    def prompt(self, config: StrategiesVoteConfig, context: ItemContext) -> str:
        return self.question(config, context)
