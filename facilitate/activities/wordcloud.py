"""Word cloud: each participant gives one to a few words or short phrases.

Each word has its own text field (``max_words``, default 3), so the facilitator can
approve or decline words one at a time and the same word from several people is
decided once. Words are normalised when an answer is accepted (NFC, casefold,
punctuation dropped, spaces collapsed), so "Trust!" and "trust" count together, and
stop words ("the", "my", "de", "yang") are trimmed from the ends of each entry;
an entry made only of stop words is dropped.

Moderation: a single word can name a person, a place or an organisation, and a word
cloud goes to the projector and the report, so each word waits for the facilitator's
approval like open text (``moderate = true``, the default; the same word from several
people is approved once). ``moderate = false`` shows words as they come; ``facilitate
check`` warns about it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    AnswerError,
    Form,
    ItemContext,
    Note,
    Tally,
    TextField,
    View,
    Words,
    attrs_repr,
    primary_language,
    setting,
)

from .stopwords import STOP_WORDS, stop_words
from .words import CATALOG, answers_note

MOST_WORDS = 5
LONGEST_WORD = 60
# Kept inside a word ("well-being", "d'urgence"), dropped elsewhere.
_APOSTROPHES = "'’ʼ"
_HYPHENS = "-‐‑"


def normalise(text: str) -> str:
    """A word or phrase as it is counted: NFC, casefolded, no punctuation, single spaces.

    Apostrophes and hyphens between two letters or digits stay (as ``'`` and ``-``);
    every other punctuation mark becomes a space.
    """
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    kept = []
    for index, char in enumerate(text):
        if not unicodedata.category(char).startswith("P"):
            kept.append(char)
            continue
        inside = (
            0 < index < len(text) - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()
        )
        if inside and char in _APOSTROPHES:
            kept.append("'")
        elif inside and char in _HYPHENS:
            kept.append("-")
        else:
            kept.append(" ")
    return " ".join("".join(kept).split())


def trim_stop_words(phrase: str, stops: frozenset[str]) -> str:
    """The phrase without stop words at either end ("my network" -> "network")."""
    words = phrase.split()
    while words and words[0] in stops:
        words.pop(0)
    while words and words[-1] in stops:
        words.pop()
    return " ".join(words)


def check_language(language: str) -> str | None:
    if language and primary_language(language) not in STOP_WORDS:
        known = ", ".join(sorted(STOP_WORDS))
        return f'expected one of the stop-word languages ({known}) or "", got {language!r}'
    return None


def check_range(low: int, high: int, what: str) -> Any:
    def check(value: int) -> str | None:
        if not low <= value <= high:
            return f"expected {what} from {low} to {high}, got {value}"
        return None

    return check


@frozen
class WordsResult:
    """How many answers, and each word with how many gave it, most given first."""

    __repr__ = attrs_repr

    answers: int
    words: tuple[tuple[str, int], ...]


@frozen
class WordCloudConfig:
    __repr__ = attrs_repr

    question: str = setting(help="the question, a string")
    max_words: int = setting(
        3,
        help=f"how many words or short phrases each participant may give, 1 to {MOST_WORDS}"
        " (default 3)",
        check=check_range(1, MOST_WORDS, "a number of words"),
    )
    max_length: int = setting(
        40,
        help=f"the longest word or phrase in characters, 1 to {LONGEST_WORD} (default 40)",
        check=check_range(1, LONGEST_WORD, "a number of characters"),
    )
    top: int = setting(
        40,
        help="how many of the most given words to show (default 40)",
        check=check_range(1, 500, "a number of words"),
    )
    moderate: bool = setting(
        True,
        help="true (the default) to approve each word before the room may see it, or false"
        " to show words unchecked",
    )
    language: str = setting(
        "",
        help='the language whose stop words are left out ("en", "es", "fr", "ar", "id");'
        " the agenda's language if not given",
        check=check_language,
    )
    stop_words: tuple[str, ...] = setting(
        [], help='a list of extra words to leave out (["workshop", "security"])'
    )

    def field_names(self) -> list[str]:
        return [f"word{number}" for number in range(1, self.max_words + 1)]


class WordTally(Tally[WordsResult]):
    def __init__(self, config: WordCloudConfig) -> None:
        self.fields = config.field_names()
        self.answers = 0
        self.words: Counter[str] = Counter()

    def _words(self, value: dict[str, Any]) -> list[str]:
        return [value[name] for name in self.fields if value.get(name)]

    def add(self, value: dict[str, Any]) -> None:
        self.answers += 1
        self.words.update(self._words(value))

    def remove(self, value: dict[str, Any]) -> None:
        self.answers -= 1
        self.words.subtract(self._words(value))

    def result(self) -> WordsResult:
        counted = [(word, count) for word, count in self.words.items() if count]
        return WordsResult(self.answers, tuple(sorted(counted, key=lambda wc: (-wc[1], wc[0]))))


class WordCloud(ActivityType[WordCloudConfig, WordsResult]):
    """Give one to ``max_words`` words; the room sees the most given ones, sized by count."""

    kind = "wordcloud"
    example: ClassVar[dict[str, Any] | None] = {
        "question": "In one to three words: what does feeling safe mean to you?",
    }
    title = N_("Word cloud")
    catalog = CATALOG
    Config = WordCloudConfig

    def form(self, config: WordCloudConfig, context: ItemContext) -> Form:
        names = config.field_names()
        if len(names) == 1:
            return Form([self._field(config, names[0], config.question, required=True)])
        # Each box says what goes in it, in the room's language ("Word or phrase 2").
        fields = [
            self._field(
                config,
                name,
                context.gettext("Word or phrase {number}", number=number),
                required=number == 1,
            )
            for number, name in enumerate(names, start=1)
        ]
        return Form(fields, intro=config.question)

    def _field(self, config: WordCloudConfig, name: str, label: str, required: bool) -> TextField:
        return TextField(
            name=name,
            label=label,
            required=required,
            max_length=config.max_length,
            multiline=False,
            moderated=config.moderate,
        )

    def accept(
        self, config: WordCloudConfig, value: dict[str, Any], context: ItemContext
    ) -> dict[str, Any]:
        """Normalise each word, drop stop words and repeats; refuse an answer left empty."""
        stops = stop_words(config.language or context.language) | {
            normalise(word) for word in config.stop_words
        }
        kept: dict[str, Any] = {}
        seen: set[str] = set()
        for name in config.field_names():
            given = value.get(name)
            word = trim_stop_words(normalise(given), stops) if given else ""
            if word and word not in seen:
                seen.add(word)
                kept[name] = word
            else:
                kept[name] = None
        if not seen:
            raise AnswerError(
                "required",
                field=config.field_names()[0],
                message=context.gettext("Please give a word that carries meaning on its own."),
            )
        return kept

    def new_tally(self, config: WordCloudConfig, context: ItemContext) -> WordTally:
        return WordTally(config)

    def words_note(self, result: WordsResult, shown: int, context: ItemContext) -> Note:
        different = len(result.words)
        if different > shown:
            return Note(
                context.ngettext(
                    "{count} different word; the {shown} most given are shown",
                    "{count} different words; the {shown} most given are shown",
                    different,
                    shown=shown,
                )
            )
        return Note(
            context.ngettext("{count} different word", "{count} different words", different)
        )

    def view(self, config: WordCloudConfig, result: WordsResult, context: ItemContext) -> View:
        return (
            Words(result.words[: config.top]),
            answers_note(context, result.answers),
            self.words_note(result, config.top, context),
        )

    def report(self, config: WordCloudConfig, result: WordsResult, context: ItemContext) -> View:
        """Every word given, not only the top ones."""
        return (
            Words(result.words),
            answers_note(context, result.answers),
            self.words_note(result, len(result.words), context),
        )
