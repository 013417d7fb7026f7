"""Strategy sharing: post the ways you keep safe, then mark the ones you use or would try.

Two activity types work as a pair. ``strategies`` collects strategies anonymously, each
with a category; their text reaches the room only once the facilitator approves it.
``strategies-vote`` names that item (``from = "<item id>"``) and lists its approved
strategies, so each participant can mark those they already use and those they would try.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from attrs import frozen

from facilitate.api import (
    ActivityType,
    AnswerError,
    Bar,
    Bars,
    ChoiceField,
    Form,
    ItemContext,
    MultiField,
    Note,
    Reference,
    Table,
    Tally,
    TextField,
    Texts,
    View,
    for_language,
    setting,
    unordered,
)

DEFAULT_CATEGORIES = ["Self", "Family", "Organisation", "Movement", "Digital"]
PER_CATEGORY_ON_SCREEN = 6
"""The projector shows this many strategies per category; the report shows them all."""

# The forms' own words, in the agenda's language (strategies and categories come from it).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "category": "Who or what does it protect?",
        "use": "Strategies I already use",
        "try": "Strategies I would like to try",
        "none": "No strategies have been shared yet.",
    },
    "es": {
        "category": "¿A quién o qué protege?",
        "use": "Estrategias que ya uso",
        "try": "Estrategias que me gustaría probar",
        "none": "Todavía no se han compartido estrategias.",
    },
    "fr": {
        "category": "Qui ou quoi protège-t-elle ?",
        "use": "Stratégies que j'utilise déjà",
        "try": "Stratégies que j'aimerais essayer",
        "none": "Aucune stratégie n'a encore été partagée.",
    },
    "ar": {
        "category": "من أو ماذا تحمي؟",
        "use": "استراتيجيات أستخدمها بالفعل",
        "try": "استراتيجيات أود تجربتها",
        "none": "لم تتم مشاركة أي استراتيجيات بعد.",
    },
    "id": {
        "category": "Siapa atau apa yang dilindunginya?",
        "use": "Strategi yang sudah saya gunakan",
        "try": "Strategi yang ingin saya coba",
        "none": "Belum ada strategi yang dibagikan.",
    },
}


def words(language: str) -> dict[str, str]:
    return for_language(WORDS, language)


def check_categories(categories: tuple[str, ...]) -> str | None:
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
    question: str = setting(
        "Share one strategy that keeps you, your family, your organisation or your movement safer.",
        help="the invitation shown to participants, a string",
    )
    categories: tuple[str, ...] = setting(
        DEFAULT_CATEGORIES,
        help="a list of 1 to 12 categories, in the workshop's language"
        " (default: Self, Family, Organisation, Movement, Digital)",
        check=check_categories,
    )
    max_length: int = setting(280, help="the longest strategy in characters", check=check_length)


@frozen
class Strategy:
    category: str
    text: str
    count: int
    """How many posted this same strategy in this category."""


@frozen
class StrategiesResult:
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
    title = "Strategy sharing: post"
    Config = StrategiesConfig

    def form(self, config: StrategiesConfig, context: ItemContext) -> Form:
        return Form(
            [
                TextField(
                    name="strategy",
                    label=config.question,
                    max_length=config.max_length,
                    moderated=True,
                ),
                ChoiceField(
                    name="category",
                    label=words(context.language)["category"],
                    options=config.categories,
                ),
            ]
        )

    def new_tally(self, config: StrategiesConfig) -> StrategiesTally:
        return StrategiesTally(config.categories)

    def view(self, config: StrategiesConfig, result: StrategiesResult) -> View:
        blocks: list[Any] = [
            Bars(
                tuple(Bar(c, len(result.in_category(c))) for c in config.categories),
                title="Strategies shared, by category",
                unit="strategies",
            )
        ]
        hidden = 0
        for category in config.categories:
            strategies = result.in_category(category)
            if not strategies:
                continue
            # The most shared first, the rest in an order that says nothing of who wrote when.
            mixed = {text: i for i, text in enumerate(unordered([s.text for s in strategies]))}
            ranked = sorted(strategies, key=lambda s: (-s.count, mixed[s.text]))
            shown = [s.text for s in ranked[:PER_CATEGORY_ON_SCREEN]]
            hidden += len(ranked) - len(shown)
            blocks.append(Texts(tuple(shown), title=category))
        more = f" ({hidden} more in the report)" if hidden else ""
        blocks.append(
            Note(f"{result.answers} strategies posted, {len(result.strategies)} approved{more}")
        )
        return tuple(blocks)

    def report(self, config: StrategiesConfig, result: StrategiesResult) -> View:
        rows = tuple((s.category, s.text, str(s.count)) for s in result.strategies)
        return (
            Table(("Category", "Strategy", "Posted by"), rows, title="Strategies shared"),
            Note(f"{result.answers} strategies posted, {len(result.strategies)} approved"),
        )

    def prompt(self, config: StrategiesConfig) -> str:
        return config.question


# -- the second phase: mark the strategies you use or would try ---------------------


def check_top(top: int) -> str | None:
    if not 1 <= top <= 10:
        return f"expected a number from 1 to 10, got {top}"
    return None


@frozen
class StrategiesVoteConfig:
    from_item: str = setting(
        key="from", help="the id of the earlier strategies item whose strategies are listed"
    )
    question: str = setting(
        "Which of these strategies do you use, and which would you try?",
        help="the question shown above the list, a string",
    )
    top: int = setting(
        3, help="how many strategies per category the projector shows", check=check_top
    )


@frozen
class StrategyMarks:
    category: str
    text: str
    use: int
    would_try: int

    @property
    def total(self) -> int:
        return self.use + self.would_try


@frozen
class StrategiesVoteResult:
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
    title = "Strategy sharing: mark what you use or would try"
    Config = StrategiesVoteConfig

    def posted(self, config: StrategiesVoteConfig, context: ItemContext) -> StrategiesResult:
        posted = context.result_of(config.from_item)
        return posted if isinstance(posted, StrategiesResult) else StrategiesResult(0, ())

    def strategies(self, config: StrategiesVoteConfig, context: ItemContext) -> list[Strategy]:
        return list(self.posted(config, context).strategies)

    def form(self, config: StrategiesVoteConfig, context: ItemContext) -> Form:
        strategies = self.strategies(config, context)
        options = tuple(f"{s.category}: {s.text}" for s in strategies)
        say = words(context.language)
        intro = config.question if strategies else say["none"]
        return Form(
            [
                MultiField(
                    name="use",
                    label=say["use"],
                    options=options,
                    min=0,
                    required=False,
                ),
                MultiField(
                    name="try",
                    label=say["try"],
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

    def new_tally(self, config: StrategiesVoteConfig) -> StrategiesVoteTally:
        return StrategiesVoteTally()

    def references(self, config: StrategiesVoteConfig) -> tuple[Reference, ...]:
        return (Reference("from", config.from_item, ("strategies",)),)

    def _categories(self, result: StrategiesVoteResult) -> list[str]:
        return list(dict.fromkeys(m.category for m in result.marks))

    def view(self, config: StrategiesVoteConfig, result: StrategiesVoteResult) -> View:
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
                    unit="use it or would try it",
                )
            )
        blocks.append(Note(f"{result.answers} answers"))
        return tuple(blocks)

    def report(self, config: StrategiesVoteConfig, result: StrategiesVoteResult) -> View:
        rows = tuple(
            (m.category, m.text, str(m.use), str(m.would_try))
            for m in sorted(
                result.marks,
                key=lambda m: (self._categories(result).index(m.category), -m.total, m.text),
            )
        )
        return (
            Table(
                ("Category", "Strategy", "Use it", "Would try it"),
                rows,
                title="Strategies the room uses or would try",
            ),
            Note(f"{result.answers} answers"),
        )

    def prompt(self, config: StrategiesVoteConfig) -> str:
        return config.question
