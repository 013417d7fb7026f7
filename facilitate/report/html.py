"""The report as one self-contained HTML file: inline CSS and SVG, no script, nothing external.

The page is the Jinja2 template ``templates/report.html`` (autoescaped, with its CSS in
``templates/report.css``), in the report's language and writing direction; each item's
blocks are drawn by the report medium, :mod:`facilitate.render.report`. It reads well
on a screen and prints well to PDF (A4 page rules, no breaks inside a chart). A
Content-Security-Policy in the page itself forbids loading anything, as a second lock.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from facilitate.i18n import Translator, translator
from facilitate.render.html import render as render_template
from facilitate.render.report import block_html
from facilitate.report import phrases
from facilitate.report.model import FAILED, ItemReport, Report
from facilitate.report.timing import timing_chart
from facilitate.text import strip_controls

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
    " form-action 'none'"
)


FLAG = "--include-small"


def _with_flag(text: str) -> Markup:
    """Text with the command-line flag kept whole and left to right (in Arabic too)."""
    return escape(text).replace(FLAG, Markup('<code class="flag" dir="ltr">{}</code>').format(FLAG))


def _section(t: Translator, item: ItemReport) -> dict[str, Any]:
    """What the template shows of one item, worded and drawn."""
    notice = phrases.status_notice(t, item)
    small = _with_flag(phrases.small_notice(t, item)) if item.small else ""
    withheld = phrases.withheld_note(t, item) if item.rejected or item.pending else ""
    blocks = [block_html(block, t) for block in item.blocks]
    return {
        "item": item,
        "facts": " · ".join(phrases.item_facts(t, item)),
        "notice": notice,
        "failed": item.status == FAILED,
        "small": small,
        "blocks": blocks,
        "withheld": withheld,
        "has_body": bool(item.prompt or notice or small or blocks or withheld),
    }


def _agenda_row(t: Translator, item: ItemReport) -> dict[str, Any]:
    drift, drift_class = phrases.drift(t, item.planned, item.actual)
    return {
        "item": item,
        "kind": phrases.kind_name(t, item),
        "drift": drift,
        "drift_class": drift_class,
    }


def render(report: Report) -> str:
    t = translator(report.language)
    total_drift, total_class = phrases.drift(t, report.planned_run, report.actual)
    rehearsal = report.rehearsal
    return render_template(
        "facilitate.report",
        "report.html",
        t,
        report=report,
        csp=CSP,
        date=phrases.day(t, report.date) if report.date else "",
        description=[
            " ".join(paragraph.split())
            for paragraph in strip_controls(report.description).split("\n\n")
            if paragraph.strip()
        ],
        rehearsal_note=phrases.rehearsal_note(t, rehearsal.participants) if rehearsal else "",
        timing_chart=timing_chart(report.items, t),
        agenda=[_agenda_row(t, item) for item in report.items],
        total_drift=total_drift,
        total_drift_class=total_class,
        sections=[_section(t, item) for item in report.items],
        privacy_note=_with_flag(phrases.privacy_note(t, report)),
    )
