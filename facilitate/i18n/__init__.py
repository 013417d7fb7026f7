"""Words for people, in their language: gettext catalogs, CLDR plural rules, locale formats.

Every sentence facilitate shows to a person comes from a gettext catalog (``.po``, one per
language, editable with any translation tool). The room (projectors, phones, reports)
reads the agenda's language; the facilitator (console, control page) reads the
facilitator's own (``--lang`` or the system locale). Code asks a :class:`Translator`::

    t = translator("es")
    t.gettext("Answer now on your phone")
    t.ngettext("{count} answer", "{count} answers", 3)      # "3 respuestas"
    t.number(3.5)                                            # "3,5"

Message ids are the English text; placeholders are ``{name}`` and are filled after
translation, numbers formatted for the locale. Plural forms come from each catalog's
``Plural-Forms`` header, which follows CLDR through Babel (Arabic has six forms; French
counts 0 as singular). A plugin ships its own catalog (:class:`MessageCatalog`) for its
own words; lookups try it first, then facilitate's.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from facilitate.reprs import attrs_repr


def _log() -> Any:
    """This module's logger (``logging`` is imported when there is something to say)."""
    import logging

    return logging.getLogger(__name__)


DEFAULT_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "ar": "العربية",
    "id": "Bahasa Indonesia",
}
"""The languages facilitate speaks, each named in itself (for a language switch)."""
RTL = frozenset({"ar"})

CORE_DOMAIN = "facilitate"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark a message for the catalogs where it is declared; translate it where it is shown."""
    return message


def primary_language(tag: str) -> str:
    """``"es-MX"`` or ``"es_MX.UTF-8"`` -> ``"es"``: wording is kept per language, not region."""
    return tag.replace("_", "-").split(".")[0].split("-")[0].strip().lower()


def resolve_language(tag: str | None) -> str:
    """The supported language closest to a tag: its primary language, or English."""
    language = primary_language(tag or "")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The facilitator's language from the environment: ``FACILITATE_LANG``, then the
    POSIX locale variables (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``)."""
    environ = os.environ if environ is None else environ
    for name in ("FACILITATE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for tag in environ.get(name, "").split(":"):
            language = primary_language(tag)
            if language in LANGUAGES:
                return language
            if language in ("c", "posix"):
                return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@frozen
class MessageCatalog:
    """Where a set of gettext catalogs lives: ``<directory>/<lang>/LC_MESSAGES/<domain>.po``.

    The layout ``pybabel extract``/``update`` and every translation tool understand. A
    plugin gives its activity types one with the class attribute ``catalog``.
    """

    __repr__ = attrs_repr

    directory: Path
    domain: str

    def path(self, language: str) -> Path:
        return Path(self.directory) / language / "LC_MESSAGES" / f"{self.domain}.po"

    def languages(self) -> list[str]:
        """Languages with a catalog here."""
        folder = Path(self.directory)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if self.path(p.name).is_file())


CORE_CATALOG = MessageCatalog(LOCALE_DIR, CORE_DOMAIN)


class _Messages:
    """One loaded ``.po`` file: its translations and its plural rule."""

    def __init__(
        self,
        singular: dict[tuple[str | None, str], str],
        plural: dict[tuple[str | None, str], tuple[str, ...]],
        rule: Any,
    ) -> None:
        self.singular = singular
        self.plural = plural
        self.rule = rule


def _english_rule(n: int) -> int:
    return 0 if n == 1 else 1


@functools.lru_cache(maxsize=64)
def _load(catalog: MessageCatalog, language: str) -> _Messages | None:
    path = catalog.path(language)
    if not path.is_file():
        return None
    from facilitate.i18n.pofile import Unusual, read_catalog

    try:  # a quick read of a plain catalog, without Babel's catalog machinery
        singular, plural, expression = read_catalog(path)
    except Unusual:
        return _load_with_babel(path, catalog.domain, language)
    return _Messages(singular, plural, _gettext.c2py(expression))


def _load_with_babel(path: Path, domain: str, language: str) -> _Messages:
    """A catalog read by Babel: for the files :mod:`facilitate.i18n.pofile` leaves to it."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        po = read_po(handle, locale=language, domain=domain)
    singular: dict[tuple[str | None, str], str] = {}
    plural: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for message in po:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            forms = tuple(message.string or ())
            if forms and all(forms):
                plural[(message.context, message.id[0])] = forms
        elif isinstance(message.string, str) and message.string:
            singular[(message.context, message.id)] = message.string
    rule = _gettext.c2py(po.plural_expr) if po.plural_expr else _english_rule
    return _Messages(singular, plural, rule)


class _Params(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Translator:
    """Words and formats in one language, from a chain of catalogs (a plugin's, then ours).

    Missing translations fall back to the English message id, so nothing is ever blank.
    """

    def __init__(self, language: str, catalogs: Iterable[MessageCatalog] = (CORE_CATALOG,)):
        self.language = resolve_language(language)
        self.catalogs = tuple(catalogs)
        self._chain = [
            loaded for c in self.catalogs if (loaded := _load(c, self.language)) is not None
        ]

    def __repr__(self) -> str:
        return f"Translator({self.language!r}, {[c.domain for c in self.catalogs]!r})"

    @property
    def direction(self) -> str:
        """``"rtl"`` for a right-to-left language, else ``"ltr"``."""
        return "rtl" if self.language in RTL else "ltr"

    # -- messages ------------------------------------------------------------------

    def gettext(self, message: str, /, **params: Any) -> str:
        """The message in this language, its ``{placeholders}`` filled."""
        return self._format(self._find(None, message), message, params)

    def pgettext(self, context: str, message: str, /, **params: Any) -> str:
        """:meth:`gettext` for a message whose meaning depends on ``context``."""
        return self._format(self._find(context, message), message, params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """The right plural form for ``n`` (``{count}`` is ``n`` unless given)."""
        return self.npgettext(None, singular, plural, n, **params)

    def npgettext(
        self, context: str | None, singular: str, plural: str, n: int, /, **params: Any
    ) -> str:
        params.setdefault("count", n)
        source = singular if n == 1 else plural
        for messages in self._chain:
            forms = messages.plural.get((context, singular))
            if forms is not None:
                index = int(messages.rule(abs(int(n))))
                text = forms[index] if 0 <= index < len(forms) else forms[-1]
                return self._format(text, source, params)
        return self._format(source, source, params)

    def _find(self, context: str | None, message: str) -> str:
        for messages in self._chain:
            found = messages.singular.get((context, message))
            if found is not None:
                return found
        return message

    def _format(self, text: str, source: str, params: Mapping[str, Any]) -> str:
        if not params:
            return text
        values = _Params({key: self._show(value) for key, value in params.items()})
        try:
            return text.format_map(values)
        except (ValueError, IndexError, AttributeError, KeyError):
            _log().warning("bad placeholders in the %s translation of %r", self.language, source)
            try:
                return source.format_map(values)
            except (ValueError, IndexError, AttributeError, KeyError):
                return source

    def _show(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return self.number(value)

    # -- formats -------------------------------------------------------------------

    def number(self, value: float, digits: int = 1) -> str:
        """A number as this language writes it, with at most ``digits`` decimals."""
        if type(value) is int and 0 <= value < 1000:
            return str(value)  # the same in every language (Latin digits, no grouping)
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return str(format_decimal(value, format=pattern, locale=self.language))

    def percent(self, part: float, whole: float) -> str:
        """``part`` as a whole percentage of ``whole`` ("42 %" in French); a dash for 0."""
        if not whole:
            return "–"
        from babel.numbers import format_percent

        return str(format_percent(round(part / whole, 2), locale=self.language))

    def date(self, day: dt.date) -> str:
        """A day as this language writes it in full ("8 de marzo de 2026")."""
        from babel.dates import format_date

        return str(format_date(day, format="long", locale=self.language))

    def duration(self, seconds: float | None) -> str:
        """A span for people: "45 s", "12 min", "1 h 05 min"; a dash for none."""
        if seconds is None:
            return "–"
        seconds = max(0, round(seconds))
        if seconds < 60:
            return self.pgettext("duration", "{seconds} s", seconds=seconds)
        hours, minutes = divmod(round(seconds / 60), 60)
        if hours:
            return self.pgettext(
                "duration", "{hours} h {minutes} min", hours=hours, minutes=f"{minutes:02d}"
            )
        return self.pgettext("duration", "{minutes} min", minutes=minutes)

    def join(self, items: Iterable[str]) -> str:
        """Items as a list in a sentence ("a, b and c" in this language)."""
        from babel.lists import format_list

        return str(format_list(list(items), locale=self.language))

    def with_catalog(self, catalog: MessageCatalog | None) -> Translator:
        """The same language, looking in ``catalog`` first (a plugin's own words)."""
        if catalog is None:
            return self
        return translator(self.language, catalog)


@functools.lru_cache(maxsize=128)
def translator(language: str, catalog: MessageCatalog | None = None) -> Translator:
    """A (cached) translator for a language, with a plugin's catalog before facilitate's."""
    language = resolve_language(language)
    chain = (catalog, CORE_CATALOG) if catalog is not None else (CORE_CATALOG,)
    return Translator(language, chain)


def parse_accept_language(header: str) -> list[str]:
    """Primary language tags from an ``Accept-Language`` header, most wanted first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, primary_language(tag)))
    return [tag for _, _, tag in sorted(weighted)]


def choose_language(
    *,
    query: str | None = None,
    cookie: str | None = None,
    accept_language: str | None = None,
    default: str = DEFAULT_LANGUAGE,
) -> str:
    """A participant's language: an explicit choice, then the browser's, then the agenda's."""
    for explicit in (query, cookie):
        if explicit and explicit in LANGUAGES:
            return explicit
    for tag in parse_accept_language(accept_language or ""):
        if tag in LANGUAGES:
            return tag
    return resolve_language(default)


__all__ = [
    "CORE_CATALOG",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "RTL",
    "MessageCatalog",
    "Translator",
    "choose_language",
    "parse_accept_language",
    "primary_language",
    "resolve_language",
    "system_language",
    "translator",
]
