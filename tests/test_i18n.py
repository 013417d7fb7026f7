"""The catalogs: CLDR plural rules, locale formats, fallbacks, and catalogs in step with code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.plurals import get_plural

from facilitate.i18n import (
    CORE_CATALOG,
    LANGUAGES,
    MessageCatalog,
    choose_language,
    parse_accept_language,
    primary_language,
    system_language,
    translator,
)
from facilitate.i18n.catalogs import missing

ROOT = Path(__file__).resolve().parent.parent
COUNTS = (0, 1, 2, 3, 11, 100)

DOMAINS = [
    pytest.param(
        ROOT / "facilitate",
        CORE_CATALOG,
        (ROOT / "facilitate/activities", ROOT / "facilitate/scaffold"),
        id="facilitate",
    ),
    pytest.param(
        ROOT / "facilitate/activities",
        MessageCatalog(ROOT / "facilitate/activities/locale", "facilitate_activities"),
        (),
        id="facilitate_activities",
    ),
    *(
        pytest.param(plugin, MessageCatalog(plugin / "locale", plugin.name), (), id=plugin.name)
        for plugin in sorted((ROOT / "plugins").glob("facilitate_*"))
    ),
]


@pytest.mark.parametrize(("source", "catalog", "exclude"), DOMAINS)
def test_every_message_in_the_code_is_translated_in_every_language(
    source: Path, catalog: MessageCatalog, exclude: tuple[Path, ...]
) -> None:
    lacking = missing(source, catalog, exclude=exclude)
    assert not lacking, "run `make messages` and translate: " + "; ".join(
        f"{language}: {', '.join(repr(m) for m in messages[:8])}"
        + (f" and {len(messages) - 8} more" if len(messages) > 8 else "")
        for language, messages in lacking.items()
    )


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_catalog_declares_the_cldr_plural_rule(language: str) -> None:
    header = CORE_CATALOG.path(language).read_text(encoding="utf-8")
    expected = get_plural(language)
    assert f"nplurals={expected.num_plurals};" in header
    assert expected.plural_expr in header.replace('"\n"', "")


# The plural form CLDR names for each count, and the message each form must give.
ARABIC = {
    0: ("zero", "لا إجابات"),
    1: ("one", "إجابة واحدة"),
    2: ("two", "إجابتان"),
    3: ("few", "3 إجابات"),
    11: ("many", "11 إجابة"),
    100: ("other", "100 إجابة"),
}
FRENCH = {
    0: ("one", "0 réponse"),
    1: ("one", "1 réponse"),
    2: ("other", "2 réponses"),
    3: ("other", "3 réponses"),
    11: ("other", "11 réponses"),
    100: ("other", "100 réponses"),
}


@pytest.mark.parametrize(("language", "expected"), [("ar", ARABIC), ("fr", FRENCH)])
@pytest.mark.parametrize("count", COUNTS)
def test_plural_forms_follow_cldr(language: str, expected: dict, count: int) -> None:
    category, text = expected[count]
    assert Locale(language).plural_form(count) == category
    assert translator(language).ngettext("{count} answer", "{count} answers", count) == text


def test_numbers_dates_and_percentages_follow_the_locale() -> None:
    assert translator("es").number(3.5) == "3,5"
    assert translator("fr").number(3.456) == "3,5"
    assert translator("en").number(3.0) == "3"
    assert translator("en").percent(1, 3) == "33%"
    assert translator("fr").percent(1, 4).replace("\u202f", " ").replace("\xa0", " ") == "25 %"
    assert translator("en").percent(1, 0) == "–"
    assert translator("es").date(dt.date(2026, 3, 8)) == "8 de marzo de 2026"
    assert translator("en").duration(3900) == "1 h 05 min"
    assert translator("en").duration(None) == "–"


def test_a_missing_or_bad_translation_falls_back_to_english() -> None:
    t = translator("de")  # no German catalog: English
    assert t.language == "en"
    assert t.gettext("Something nobody translated {x}", x=2) == "Something nobody translated 2"
    assert t.gettext("A brace { left open") == "A brace { left open"


def test_a_plugin_catalog_is_looked_up_before_the_core_one(tmp_path: Path) -> None:
    folder = tmp_path / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "mine.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Join"\nmsgstr "Pasar"\n\nmsgid "Only mine"\nmsgstr "Sólo mío"\n',
        encoding="utf-8",
    )
    t = translator("es", MessageCatalog(tmp_path / "locale", "mine"))
    assert t.gettext("Only mine") == "Sólo mío"
    assert t.gettext("Join") == "Pasar"
    assert translator("es").gettext("Join") == "Entrar"


def test_languages_are_chosen_explicitly_then_by_browser_then_by_agenda() -> None:
    assert parse_accept_language("fr-CA;q=0.5, ar, en;q=0.1") == ["ar", "fr", "en"]
    assert choose_language(query="es", accept_language="fr") == "es"
    assert choose_language(accept_language="de, fr;q=0.9") == "fr"
    assert choose_language(default="ar-EG") == "ar"
    assert choose_language(default="de") == "en"
    assert primary_language("es_MX.UTF-8") == "es"


def test_the_facilitator_language_comes_from_the_environment() -> None:
    assert system_language({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert system_language({"FACILITATE_LANG": "ar", "LANG": "fr_FR.UTF-8"}) == "ar"
    assert system_language({"LANGUAGE": "de:es", "LANG": "C"}) == "es"
    assert system_language({"LANG": "C.UTF-8"}) == "en"
    assert system_language({}) == "en"


GETTEXT_NAMES = {"gettext", "ngettext", "pgettext", "npgettext"}


def test_translation_calls_are_visible_to_the_catalog_tool() -> None:
    """``say = t.gettext; say("...")`` would hide the message from extraction (never
    translated, and no check would notice): aliases are ``_`` or the function's own name."""
    import ast

    sources = [
        *(ROOT / "facilitate").rglob("*.py"),
        *(ROOT / "plugins").rglob("*.py"),
        *(ROOT / "tests" / "example_plugin").rglob("*.py"),
    ]
    hidden = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Assign | ast.AnnAssign):
                continue
            value = node.value
            if not (isinstance(value, ast.Attribute) and value.attr in GETTEXT_NAMES):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = getattr(target, "id", None)
                if name not in ("_", value.attr):
                    hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name} = ...")
    assert hidden == []


def test_updating_catalogs_revives_each_language_its_own_translation(tmp_path: Path) -> None:
    """A message the code uses again gets back its translation, in each language its own
    (never another language's: the template's messages must not be shared)."""
    from facilitate.i18n.catalogs import update

    source = tmp_path / "pkg"
    source.mkdir()
    (source / "words.py").write_text('def f(t):\n    return t.gettext("Refresh")\n', "utf-8")
    target = MessageCatalog(tmp_path / "locale", "pkg")
    olds = {"es": "Actualizar", "ar": "تحديث", "fr": "Actualiser", "id": "Muat ulang"}
    for language, word in olds.items():
        path = target.path(language)
        path.parent.mkdir(parents=True)
        path.write_text(
            f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n\n'
            f'#~ msgid "Refresh"\n#~ msgstr "{word}"\n\n#~ msgid "Refreshed"\n#~ msgstr "x"\n',
            encoding="utf-8",
        )
    update(source, target)
    for language, word in olds.items():
        assert translator(language, target).gettext("Refresh") == word
