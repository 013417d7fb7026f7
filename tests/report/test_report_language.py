"""The report speaks the room's language: words, plurals, dates, numbers, writing direction."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from report_fixtures import AGENDAS, make_plugins, seeded_rehearsal

import facilitate.i18n
from facilitate.agenda import loads_agenda
from facilitate.i18n import translator
from facilitate.i18n.catalogs import extract
from facilitate.random_answers import PHRASES
from facilitate.report import phrases, render
from facilitate.report.collect import load_report
from facilitate.report.model import NOT_ENOUGH, SHOWN, ItemReport

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[^}]*\}")


class VisibleText(HTMLParser):
    """The words a reader (or a screen reader) meets in a page: text and aria labels."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self._skip += 1
        self.parts += [value or "" for name, value in attrs if name == "aria-label"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


def english_words(language: str) -> set[str]:
    """Words of facilitate's own English messages that no translation in ``language`` uses.

    A message the language's catalog lacks keeps all its words, so a report that fell
    back to English is caught.
    """
    messages = extract(
        ROOT / "facilitate", exclude=(ROOT / "facilitate/activities", ROOT / "facilitate/scaffold")
    )
    english: set[str] = set()
    for message in messages:
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        for text in ids:
            english |= {w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", text))}
    path = facilitate.i18n.CORE_CATALOG.path(language)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated: set[str] = set()
    for message in catalog:
        if not message.id:
            continue  # the header
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for form in forms:
            translated |= {w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", form or ""))}
    return english - translated


@pytest.fixture(params=["es", "ar"])
def translated_report(request, tmp_path: Path):
    language = request.param
    plugins = make_plugins()
    agenda = loads_agenda(AGENDAS[language], f"{language}.toml", plugins)
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    outcome = seeded_rehearsal(agenda, plugins, sessions)
    report = load_report(outcome.session_id, directory=sessions, plugins=plugins)
    return language, report


def test_no_english_word_of_facilitate_reaches_a_translated_report(translated_report) -> None:
    language, report = translated_report
    allowed = {w.lower() for w in WORD.findall(AGENDAS[language] + " ".join(PHRASES[language]))}
    allowed |= {"facilitate", "include", "small"}  # "facilitate 0.x" and --include-small
    forbidden = english_words(language) - allowed
    assert {"answers", "planned", "report", "participants"} <= forbidden  # the check can fail
    for fmt, text in (("html", visible_text(render(report, "html"))), ("md", render(report, "md"))):
        leftovers = sorted({w for w in WORD.findall(text) if w.lower() in forbidden})
        assert leftovers == [], f"English in the {language} {fmt} report: {leftovers}"


def test_a_translated_report_has_the_language_and_direction_of_the_room(translated_report) -> None:
    language, report = translated_report
    page = render(report, "html")
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert page.count("<svg") == page.count('direction="ltr"')  # charts stay left to right
    markdown = render(report, "md")
    assert report.items[-1].status == NOT_ENOUGH
    assert phrases.status_notice(translator(language), report.items[-1]) in visible_text(page)
    assert phrases.day(translator(language), report.date) in markdown


def test_dates_durations_and_numbers_follow_the_report_language() -> None:
    es, fr = translator("es"), translator("fr")
    assert phrases.day(es, "2026-03-08") == "8 de marzo de 2026"
    assert phrases.day(fr, "2026-03-08") == "8 mars 2026"
    assert phrases.day(es, "not a date") == "not a date"
    assert phrases.drift(es, 600, 600 + 3900) == ("+1 h 05 min", "over")
    assert phrases.drift(es, 600, 590) == ("a tiempo", "")
    assert phrases.drift(es, 600, 420)[1] == "under"
    assert phrases.drift(es, 600, None) == ("", "")
    item = ItemReport(1, "a", "x", "choice", "", "", 300, 345, 0, 3, 7, SHOWN, False)
    assert phrases.item_facts(es, item) == [
        "5 min previstos",
        "6 min reales (+45 s)",
        "7 respuestas",
    ]


COUNTS = (0, 1, 2, 3, 11, 100)
REJECTED = {
    "fr": [
        "0 texte refusé",
        "1 texte refusé",
        "2 textes refusés",
        "3 textes refusés",
        "11 textes refusés",
        "100 textes refusés",
    ],
    "ar": [
        "لا نصوص مرفوضة",
        "نص واحد مرفوض",
        "نصان مرفوضان",
        "3 نصوص مرفوضة",
        "11 نصًا مرفوضًا",
        "100 نص مرفوض",
    ],
}
QUESTIONS = {
    "fr": ["à 0 question", "à 1 question", "à 2 questions", "à 3 questions"],
    "ar": ["دون أي سؤال", "على سؤال واحد", "على سؤالين", "على 3 أسئلة"],
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_report_plurals_follow_cldr_in_french_and_arabic(language: str) -> None:
    t = translator(language)
    for count, expected in zip(COUNTS, REJECTED[language], strict=True):
        assert t.ngettext("{count} text rejected", "{count} texts rejected", count) == expected
        if count:
            item = ItemReport(
                1, "a", "x", "text", "", "", 60, 60, 0, 3, count, SHOWN, False, rejected=count
            )
            assert expected in phrases.withheld_note(t, item)
    for count, expected in zip(COUNTS, QUESTIONS[language], strict=False):
        assert t.ngettext("to {count} question", "to {count} questions", count) == expected
