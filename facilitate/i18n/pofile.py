"""A quick reader for the ``.po`` files facilitate looks words up in.

Reading a catalog with Babel (``babel.messages.pofile.read_po``) costs an import of
Babel's catalog machinery and a full parse into ``Message`` objects, which ``facilitate
check`` would pay on every run. This reader takes only what a lookup needs (the
translations, which messages are fuzzy, the plural rule) from a well-formed file in one
pass. Anything it does not expect (another character set, no ``Plural-Forms`` header, an
unknown keyword, a string outside a message...) makes it give up with :class:`Unusual`,
and the caller reads that file with Babel, so every file reads exactly as Babel reads it
(``tests/test_i18n_pofile.py`` compares the two on every catalog shipped).
"""

from __future__ import annotations

import re
from pathlib import Path

Singular = dict[tuple[str | None, str], str]
Plural = dict[tuple[str | None, str], tuple[str, ...]]


class Unusual(ValueError):
    """The file is not in the plain form this reader takes; read it with Babel."""


_TRANSLATED = re.compile(r'^[ \t]*msgstr(?:\[\d+\])?[ \t]+(?:"[^"\n]|""[ \t]*\r?\n[ \t]*")', re.M)
"""A ``msgstr`` with text: on its own line, or continued on the next (as the header's is)."""

_ESCAPE = re.compile(r'\\([\\trn"])')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


def _unquote(text: str) -> str:
    """The value of one quoted piece (``"..."``), as Babel's ``unescape`` reads it."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise Unusual(f"not a quoted string: {text!r}")
    body = text[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda match: _ESCAPES[match[1]], body)


class _Entry:
    """One message as written: its pieces of quoted text, not yet unquoted."""

    __slots__ = ("context", "flags", "ids", "obsolete", "strings")

    def __init__(self) -> None:
        self.context: list[str] | None = None
        self.ids: list[list[str]] = []
        self.strings: list[tuple[int, list[str]]] = []
        self.flags: set[str] = set()
        self.obsolete = False


def read_catalog(path: Path) -> tuple[Singular, Plural, str]:
    """The translations in a ``.po`` file: (singular, plural, the plural expression).

    Keys are ``(context, msgid)``; fuzzy, obsolete and untranslated messages are left
    out, as are plural messages missing a form. Raises :class:`Unusual` for a file this
    reader does not take as it is.
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unusual(str(error)) from None
    text = _header_alone(text)
    entries: list[_Entry] = []
    entry = _Entry()
    current: list[str] | None = None  # the quoted text a continuation line adds to

    def finish() -> None:
        nonlocal entry, current
        if not entry.strings:
            raise Unusual("a message without msgstr")
        entries.append(entry)
        entry = _Entry()
        current = None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        obsolete = line[:2] == "#~"
        if line[0] == "#" and not obsolete:  # a comment ends the message before it
            if entry.ids:
                finish()
            elif entry.context is not None:
                raise Unusual("a comment after msgctxt")
            current = None
            if line[:2] == "#,":
                entry.flags.update(flag.strip() for flag in line[2:].lstrip().split(","))
            continue
        if obsolete:
            line = line[2:].lstrip()
            if not line:
                continue
        if line[0] == '"':
            if current is None:
                raise Unusual("a string outside a message")
            current.append(line)
            continue
        keyword, _, argument = line.partition(" ")
        argument = argument.strip()
        if keyword in ("msgid", "msgctxt") and entry.ids:
            finish()
        entry.obsolete = obsolete
        if keyword == "msgctxt":
            if entry.context is not None:
                raise Unusual("two msgctxt")
            entry.context = current = [argument]
        elif keyword == "msgid" or (keyword == "msgid_plural" and len(entry.ids) == 1):
            if entry.strings:
                raise Unusual(f"{keyword} after msgstr")
            current = [argument]
            entry.ids.append(current)
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            if not entry.ids:
                raise Unusual("a msgstr without msgid")
            index = 0
            if keyword != "msgstr":
                if not keyword.endswith("]") or not keyword[7:-1].isdigit():
                    raise Unusual(f"keyword {keyword!r}")
                index = int(keyword[7:-1])
            current = [] if argument == '""' else [argument]
            entry.strings.append((index, current))
        else:
            raise Unusual(f"keyword {keyword!r}")
    if entry.ids:
        finish()
    elif entry.context is not None:
        raise Unusual("a msgctxt at the end")
    return _collect(entries)


def _header_alone(text: str) -> str:
    """Only the header of a catalog that translates nothing else (English, the language
    the messages are written in): its untranslated messages would all be left out, so
    they need not be read. Any other catalog is returned whole."""
    found = _TRANSLATED.finditer(text)
    first = next(found, None)
    if first is None or next(found, None) is not None:
        return text
    if not text[: first.start()].rstrip().endswith('msgid ""'):
        return text  # the one translation is a message's, not the header's
    end = text.find("\n\n", first.end())
    return text if end < 0 else text[:end]


def _text(pieces: list[str]) -> str:
    return "".join(_unquote(piece) for piece in pieces)


def _collect(entries: list[_Entry]) -> tuple[Singular, Plural, str]:
    header: str | None = None
    messages: list[tuple[tuple[str | None, str], bool, list[tuple[int, str]], bool]] = []
    seen: set[tuple[str | None, str]] = set()
    for entry in entries:
        if entry.obsolete:
            continue
        ids = [_text(pieces) for pieces in entry.ids]
        context = _text(entry.context) if entry.context is not None else None
        strings = [(index, _text(pieces)) for index, pieces in entry.strings]
        plural = len(ids) == 2
        if not plural and [index for index, _ in strings] != [0]:
            raise Unusual("msgstr[n] in a message without a plural")
        if ids[0] == "":
            if plural or context is not None or header is not None:
                raise Unusual("an unusual header")
            header = strings[0][1]
            continue
        key = (context, ids[0])
        if key in seen:  # Babel keeps the first one and merges their flags
            raise Unusual("a message twice")
        seen.add(key)
        messages.append((key, plural, strings, "fuzzy" in entry.flags))
    if header is None:
        raise Unusual("no header")
    count, expression = _plural_forms(header)
    singular: Singular = {}
    plural_forms: Plural = {}
    for key, plural, strings, fuzzy in messages:
        if not plural:
            if strings[0][1] and not fuzzy:
                singular[key] = strings[0][1]
            continue
        forms = [""] * count
        for index, string in strings:
            if index >= count:
                raise Unusual("more forms than nplurals")
            forms[index] = string
        if all(forms) and not fuzzy:
            plural_forms[key] = tuple(forms)
    return singular, plural_forms, expression


def _plural_forms(header: str) -> tuple[int, str]:
    """(nplurals, plural) from a header that says UTF-8 and has a plain Plural-Forms."""
    charset = plural_forms = None
    lines = header.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or line[:1].isspace() or not name.strip():
            raise Unusual(f"header line {line!r}")
        name = name.strip().lower()
        if name == "content-type":
            for parameter in value.split(";")[1:]:
                key, _, setting = parameter.strip().partition("=")
                if key.strip().lower() == "charset":
                    charset = setting.strip().lower()
        elif name == "plural-forms":
            plural_forms = value.strip()
    if charset not in ("utf-8", "utf8"):
        raise Unusual(f"charset {charset!r}")
    if not plural_forms or '"' in plural_forms or "\\" in plural_forms:
        raise Unusual("no plain Plural-Forms")
    params: dict[str, str] = {}
    for part in plural_forms.split(";"):
        key, equals, setting = part.strip().partition("=")
        if equals:
            params[key.strip().lower()] = setting.strip()
        elif part.strip():
            raise Unusual(f"Plural-Forms part {part!r}")
    if set(params) != {"nplurals", "plural"} or not params["nplurals"].isdigit():
        raise Unusual("Plural-Forms without nplurals and plural")
    return int(params["nplurals"]), params["plural"]
