"""Find English that leaked into a room speaking another language.

The words to look for are those of facilitate's own English messages (every catalog's
message ids: the core's, the core types' and each plugin's), minus words the other
language also uses (its own translations contain them: "Wi-Fi", "Code") and minus the
agenda's own text. Short words are ignored ("no", "a" are Spanish too).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
CATALOG_FILES = ("facilitate.po", "facilitate_activities.po", "facilitate_*.po")
NAMES = {"facilitate", "wifi"}
"""Names, not words: the program's own name (a report's colophon), and Wi-Fi."""


def _catalogs(language: str) -> list[Path]:
    found = []
    for folder in (ROOT / "facilitate", ROOT / "plugins"):
        for pattern in CATALOG_FILES:
            found += folder.rglob(f"locale/{language}/LC_MESSAGES/{pattern}")
    return sorted(set(found))


def words(text: str) -> set[str]:
    return {word.casefold() for word in WORD.findall(text)}


@functools.lru_cache(maxsize=8)
def english_words(language: str) -> frozenset[str]:
    """Words of our English messages that ``language``'s translations never use."""
    english: set[str] = set()
    theirs: set[str] = set()
    for path in _catalogs(language):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
            for text in ids:
                english |= words(re.sub(r"\{[^}]*\}", " ", text or ""))
            strings = (
                message.string if isinstance(message.string, tuple | list) else (message.string,)
            )
            for text in strings:
                theirs |= words(text or "")
    return frozenset(english - theirs - NAMES)


def leaked(text: str, language: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """The English words of our messages found in ``text`` (agenda words ``allowed``)."""
    exempt = {word.casefold() for word in allowed}
    return sorted(words(text) & english_words(language) - exempt)


class _Visible(HTMLParser):
    """The text a person sees or hears of a page: text nodes and the attributes read out."""

    READ_OUT = ("title", "aria-label", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        button = tag == "input" and dict(attrs).get("type") in ("submit", "button")
        for name, value in attrs:
            if value and (name in self.READ_OUT or (button and name == "value")):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)
