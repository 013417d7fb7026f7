"""The quick ``.po`` reader reads every catalog as Babel does, or leaves it to Babel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from facilitate.i18n import MessageCatalog, _load, _load_with_babel
from facilitate.i18n.pofile import Unusual, read_catalog

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(
    path for folder in ("facilitate", "plugins", "tests") for path in (ROOT / folder).rglob("*.po")
)


def test_there_are_catalogs_to_compare() -> None:
    assert len(CATALOGS) >= 25


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_catalog_reads_as_babel_reads_it(path: Path) -> None:
    language = path.parent.parent.name
    singular, plural, expression = read_catalog(path)  # no fallback for our own files
    babel = _load_with_babel(path, path.stem, language)
    assert singular == babel.singular
    assert plural == babel.plural
    rule = _load(MessageCatalog(path.parent.parent.parent, path.stem), language).rule
    assert [rule(n) for n in range(300)] == [babel.rule(n) for n in range(300)]
    assert expression


HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\\n"\n\n'
)

QUIRKS = {
    "escapes and continued lines": HEADER
    + 'msgid "a\\tb"\nmsgstr ""\n"one\\n"\n"two \\"2\\" \\\\ end"\n',
    "fuzzy, obsolete, untranslated": HEADER
    + '#, fuzzy, python-brace-format\nmsgid "f"\nmsgstr "F"\n\n'
    + '#~ msgid "old"\n#~ msgstr "OLD"\n\nmsgid "u"\nmsgstr ""\n\nmsgid "t"\nmsgstr "T"\n',
    "context and plural": HEADER
    + 'msgctxt "duration"\nmsgid "{n} s"\nmsgstr "{n} seg"\n\n'
    + 'msgid "{count} answer"\nmsgid_plural "{count} answers"\n'
    + 'msgstr[0] "one"\nmsgstr[1] "two"\nmsgstr[2] "many"\n\n'
    + 'msgid "{count} vote"\nmsgid_plural "{count} votes"\nmsgstr[0] "one"\nmsgstr[1] "two"\n',
    "one message translated, on a continued line": HEADER
    + 'msgid "u"\nmsgstr ""\n\nmsgid "t"\nmsgstr ""\n"T"\n',
    "header last, comments between": '# a translator\'s note\n#: file.py:3\nmsgid "x"\n'
    + 'msgstr "X"\n\n#. for translators\n'
    + HEADER,
}

UNUSUAL = {
    "another charset": HEADER.replace("UTF-8", "ISO-8859-1") + 'msgid "x"\nmsgstr "X"\n',
    "no Plural-Forms": 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    + 'msgid "{count} answer"\nmsgid_plural "{count} answers"\nmsgstr[0] "a"\n'
    + 'msgstr[1] "b"\n',
    "a message twice": HEADER + 'msgid "x"\nmsgstr "X"\n\nmsgid "x"\nmsgstr "Y"\n',
    "msgid without msgstr": HEADER + 'msgid "x"\n\nmsgid "y"\nmsgstr "Y"\n',
    "a stray string": HEADER + '"stray"\nmsgid "x"\nmsgstr "X"\n',
    "more forms than nplurals": HEADER
    + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "1"\nmsgstr[1] "2"\nmsgstr[2] "3"\n'
    + 'msgstr[3] "4"\n',
    "an unknown keyword": HEADER + 'msgid "x"\nmsgstr "X"\nmsgcomment "?"\n',
}


def read_both(folder: Path, text: str) -> tuple[Any, Any]:
    """A French catalog of ``text`` read by the quick reader and by Babel."""
    path = folder / "fr" / "LC_MESSAGES" / "quirks.po"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return read_catalog(path), _load_with_babel(path, "quirks", "fr")


@pytest.mark.parametrize("text", QUIRKS.values(), ids=list(QUIRKS))
def test_quirks_read_as_babel_reads_them(tmp_path: Path, text: str) -> None:
    (singular, plural, _), babel = read_both(tmp_path, text)
    assert (singular, plural) == (babel.singular, babel.plural)
    assert singular  # each case has a translation to compare


UNTRANSLATED = {
    "nothing translated but the header": HEADER
    + 'msgid "u"\nmsgstr ""\n\nmsgid "{count} a"\nmsgid_plural "{count} b"\n'
    + 'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n',
    "one plural form of three translated": HEADER
    + 'msgid "{count} a"\nmsgid_plural "{count} b"\nmsgstr[0] ""\nmsgstr[1] "B"\n'
    + 'msgstr[2] ""\n\nmsgid "u"\nmsgstr ""\n',
}


@pytest.mark.parametrize("text", UNTRANSLATED.values(), ids=list(UNTRANSLATED))
def test_a_catalog_translating_nothing_reads_as_babel_reads_it(tmp_path: Path, text: str) -> None:
    """English catalogs translate nothing: the reader takes their header alone."""
    (singular, plural, expression), babel = read_both(tmp_path, text)
    assert (singular, plural) == (babel.singular, babel.plural) == ({}, {})
    assert expression == "(n==1 ? 0 : n==2 ? 1 : 2)"


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=list(UNUSUAL))
def test_unusual_files_are_left_to_babel(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "fr" / "LC_MESSAGES" / "odd.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("latin-1" if "8859" in text else "utf-8"))
    with pytest.raises(Unusual):
        read_catalog(path)
    loaded = _load(MessageCatalog(tmp_path, "odd"), "fr")
    babel = _load_with_babel(path, "odd", "fr")
    capsys.readouterr()  # Babel warns about some of them on standard output
    assert loaded is not None
    assert (loaded.singular, loaded.plural) == (babel.singular, babel.plural)


def test_small_whole_numbers_read_as_babel_writes_them() -> None:
    """``Translator.number`` writes 0-999 without Babel; every language agrees with it."""
    from babel.numbers import format_decimal

    from facilitate.i18n import LANGUAGES, translator

    for language in LANGUAGES:
        t = translator(language)
        for n in [*range(0, 1000, 7), 999, 1000, 12345, -3]:
            for digits in (0, 1, 2):
                pattern = "#,##0" + ("." + "#" * digits if digits else "")
                expected = format_decimal(n, format=pattern, locale=language)
                assert t.number(n, digits) == expected, (language, n, digits)
        assert t.number(2.5) == format_decimal(2.5, format="#,##0.#", locale=language)
