"""The HTML report in a real headless Chromium: it renders, stays quiet, loads nothing,
in English, in Spanish and in Arabic (right to left, with its charts left to right)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from report_fixtures import AGENDAS, make_plugins, seeded_rehearsal

from facilitate.agenda import loads_agenda
from facilitate.report import render
from facilitate.report.collect import load_report

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


TITLES = {
    "en": "Report test day — workshop report",
    "es": "Jornada de prueba — informe del taller",
    "ar": "يوم تجريبي — تقرير الورشة",
}


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_html_report_renders_quietly_and_loads_nothing(
    browser, language: str, tmp_path: Path
) -> None:
    plugins = make_plugins()
    agenda = loads_agenda(AGENDAS[language], f"{language}.toml", plugins)
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    outcome = seeded_rehearsal(agenda, plugins, sessions)
    report = load_report(
        outcome.session_id, directory=sessions, plugins=plugins, include_small=True
    )
    page_file = tmp_path / "report.html"
    page_file.write_text(render(report, "html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    console: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")

    assert errors == []
    assert [line for line in console if line.startswith(("error", "warning"))] == []
    assert requests == [page_file.as_uri()]
    assert page.title() == TITLES[language]
    assert page.locator("h1").inner_text() == agenda.title
    direction = "rtl" if language == "ar" else "ltr"
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    assert page.evaluate(
        "[...document.querySelectorAll('svg.chart')]"
        ".every(svg => getComputedStyle(svg).direction === 'ltr')"
    )
    assert page.locator("section.item").count() == len(report.items)
    # Bars (2 choice items + every-block + the small one), spread, heatmap, scatter,
    # words, radar, timing.
    assert page.locator("svg.chart").count() >= 10
    assert page.locator("ul.texts li").count() == len(report.items[3].blocks[5].texts)
    assert page.evaluate("document.scripts.length") == 0
    # Charts fit the page: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1100

    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    page.emulate_media(media="print")
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    page.close()


def test_html_report_on_a_phone_width_has_no_sideways_scroll(
    browser, rehearsed, sessions, plugins, tmp_path: Path
) -> None:
    report = load_report(rehearsed.session_id, directory=sessions, plugins=plugins)
    page_file = tmp_path / "report.html"
    page_file.write_text(render(report, "html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(page_file.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    page.close()
