"""The report as one self-contained HTML file: inline CSS and SVG, no script, nothing external.

It reads well on a screen and prints well to PDF (A4 page rules, no breaks inside a
chart). Every piece of text is escaped; participant text can never become markup. A
Content-Security-Policy in the page itself forbids loading anything, as a second lock.
"""

from __future__ import annotations

import html
import re

from facilitate.report import svg, units
from facilitate.report.model import FAILED, NO_ANSWERS, NOT_ENOUGH, ItemReport, Report
from facilitate.text import strip_controls
from facilitate.views import Block, Note, Table, Texts

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
    " form-action 'none'"
)

CSS = """
:root {
  --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --accent: #2f5d8a;
  --soft: #f4f7fa; --warm: #c0621a; --paper: #ffffff; --back: #eef1f4;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--back); color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue",
    Arial, sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.page {
  max-width: 880px; margin: 32px auto; background: var(--paper); padding: 56px 64px 40px;
  border-radius: 6px; box-shadow: 0 1px 3px rgba(31, 41, 51, .08), 0 8px 24px rgba(31, 41, 51, .06);
}
.cover { border-left: 6px solid var(--accent); padding: 4px 0 4px 24px; margin-bottom: 28px; }
.eyebrow {
  margin: 0 0 6px; color: var(--accent); font-size: 13px; font-weight: 700;
  letter-spacing: .08em; text-transform: uppercase;
}
h1 { margin: 0 0 8px; font-size: 34px; line-height: 1.2; letter-spacing: -.01em; }
.lede { margin: 10px 0 0; color: var(--muted); font-size: 17px; }
.facts {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 12px;
  margin: 0 0 28px; padding: 0;
}
.facts div { background: var(--soft); border-radius: 6px; padding: 12px 14px; }
.facts dt {
  color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em;
}
.facts dd {
  margin: 2px 0 0; font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums;
}
.facts dd small { display: block; font-size: 13px; font-weight: 500; color: var(--muted); }
a { color: inherit; text-decoration: none; }
a:hover { text-decoration: underline; }
.banner {
  background: #fff4e5; border: 1px solid #f3c98b; color: #7a3e00; border-radius: 6px;
  padding: 10px 14px; margin: 0 0 24px;
}
h2 { font-size: 22px; line-height: 1.3; margin: 0; }
.part { margin: 36px 0 0; }
.part > h2 { margin-bottom: 12px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
table {
  border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums;
}
th, td {
  text-align: start; padding: 7px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top;
}
th {
  font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em;
  font-weight: 600;
}
td.n, th.n { text-align: end; white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); border-bottom: none; }
.over { color: var(--warm); font-weight: 600; }
.under { color: #0f766e; }
.item { margin: 34px 0 0; padding-top: 22px; border-top: 1px solid var(--line); }
.item > header { display: flex; align-items: baseline; gap: 12px; }
.num {
  flex: none; display: inline-block; min-width: 30px; height: 30px; line-height: 30px;
  border-radius: 15px; background: var(--accent); color: #fff; text-align: center;
  font-weight: 700; font-size: 15px; padding: 0 6px;
}
.item.talk .num { background: var(--line); color: var(--muted); }
.item.talk h2 { font-size: 18px; color: var(--muted); font-weight: 600; }
.meta { margin: 6px 0 0 42px; color: var(--muted); font-size: 14px; }
.tag {
  display: inline-block; background: var(--soft); color: var(--accent); border-radius: 4px;
  padding: 0 8px; font-weight: 600; margin-inline-end: 6px;
}
.body { margin-left: 42px; }
.prompt {
  margin: 14px 0 6px; font-size: 18px; font-weight: 600; line-height: 1.4;
}
figure { margin: 16px 0; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg.chart { display: block; max-width: 100%; height: auto; margin-inline: auto; }
.note { margin: 8px 0; color: var(--muted); }
.notice {
  margin: 14px 0; padding: 10px 14px; border-radius: 6px; background: var(--soft);
  color: var(--muted); border-left: 4px solid #9aa5b1;
}
.notice.failed { border-left-color: #b5452b; color: #7f1d1d; background: #fdf2f2; }
ul.texts { list-style: none; margin: 12px 0; padding: 0; columns: 2 300px; column-gap: 16px; }
ul.texts li {
  break-inside: avoid; margin: 0 0 10px; padding: 8px 12px; background: var(--soft);
  border-left: 3px solid var(--accent); border-radius: 0 6px 6px 0; white-space: pre-line;
  overflow-wrap: anywhere;
}
table.data td { overflow-wrap: anywhere; }
.wide { overflow-x: auto; }
footer.colophon { margin-top: 44px; padding-top: 14px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 13px; }
@media (max-width: 700px) {
  .page { margin: 0; padding: 28px 18px; border-radius: 0; }
  .body, .meta { margin-left: 0; }
  h1 { font-size: 27px; }
  th, td { padding: 6px 5px; }
  td.n, th.n { white-space: normal; }
}
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  body { background: #fff; font-size: 11pt; }
  .page { max-width: none; margin: 0; padding: 0; box-shadow: none; border-radius: 0; }
  .part.day { break-before: auto; }
  .item { break-inside: avoid-page; }
  h2, .item > header, .meta, .prompt { break-after: avoid; }
  figure, table, .notice, ul.texts li { break-inside: avoid; }
  .agenda { break-before: page; }
}
"""


_NUMBER = re.compile(r"^\s*[-+−]?\d[\d.,\s]*%?\s*$|^\s*[–-]?\s*$")


def e(text: object) -> str:
    """Escaped text for an element or a quoted attribute; controls stripped."""
    return html.escape(strip_controls(str(text)), quote=True)


def block_html(block: Block) -> str:
    title = getattr(block, "title", "")
    caption = f'<figcaption dir="auto">{e(title)}</figcaption>' if title else ""
    picture = svg.chart(block)
    if picture is not None:
        return f'<figure class="block">{caption}{picture}</figure>'
    if isinstance(block, Texts):
        if not block.texts:
            return f'<figure class="block">{caption}<p class="note">No approved texts.</p></figure>'
        items = "".join(f'<li dir="auto">{e(text)}</li>' for text in block.texts)
        return f'<figure class="block">{caption}<ul class="texts">{items}</ul></figure>'
    if isinstance(block, Table):
        numeric = [
            all(_NUMBER.match(str(row[i])) for row in block.rows if i < len(row))
            for i in range(len(block.headers))
        ]
        head = "".join(
            f'<th class="n">{e(h)}</th>' if i < len(numeric) and numeric[i] else f"<th>{e(h)}</th>"
            for i, h in enumerate(block.headers)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f'<td class="n">{e(cell)}</td>'
                if i < len(numeric) and numeric[i]
                else f'<td dir="auto">{e(cell)}</td>'
                for i, cell in enumerate(row)
            )
            + "</tr>"
            for row in block.rows
        )
        return (
            f'<figure class="block">{caption}<div class="wide"><table class="data">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></figure>"
        )
    if isinstance(block, Note):
        return f'<p class="note">{e(block.text)}</p>'
    # A block with nothing to draw (bars with no rows, an empty cloud ...).
    return f'<figure class="block">{caption}<p class="note">Nothing to show.</p></figure>'


def _drift_cell(planned: int, actual: float | None) -> str:
    text = units.drift(planned, actual)
    if not text or text == "on time":
        return f'<td class="n">{e(text)}</td>'
    css = "over" if text.startswith("+") else "under"
    return f'<td class="n {css}">{e(text)}</td>'


def agenda_table(report: Report) -> str:
    rows = []
    for item in report.items:
        rows.append(
            "<tr>"
            f'<td class="n">{item.number}</td>'
            f'<td><a href="#item-{item.number}" dir="auto">{e(item.title)}</a></td>'
            f"<td>{e(item.type_title) if item.kind else 'Talk'}</td>"
            f'<td class="n">{units.duration(item.planned)}</td>'
            f'<td class="n">{units.duration(item.actual)}</td>'
            + _drift_cell(item.planned, item.actual)
            + f'<td class="n">{item.answer_count if item.kind else ""}</td>'
            "</tr>"
        )
    rows.append(
        '<tr class="total"><td></td><td>Total</td><td></td>'
        f'<td class="n">{units.duration(report.planned)}</td>'
        f'<td class="n">{units.duration(report.actual)}</td>'
        + _drift_cell(report.planned_run, report.actual)
        + f'<td class="n">{report.answer_count}</td></tr>'
    )
    head = (
        '<tr><th class="n">#</th><th>Item</th><th>Type</th><th class="n">Planned</th>'
        '<th class="n">Actual</th><th class="n">Drift</th><th class="n">Answers</th></tr>'
    )
    body = "".join(rows)
    return f'<div class="wide"><table><thead>{head}</thead><tbody>{body}</tbody></table></div>'


def item_html(item: ItemReport) -> str:
    talk = item.kind is None
    facts = [f"{units.duration(item.planned)} planned"]
    if item.actual is None:
        facts.append("not run")
    else:
        drift = units.drift(item.planned, item.actual)
        facts.append(f"{units.duration(item.actual)} actual" + (f" ({drift})" if drift else ""))
    if not talk:
        facts.append(units.plural(item.answer_count, "answer"))
    tag = f'<span class="tag">{e(item.type_title)}</span>' if not talk else ""
    parts = [
        f'<section class="item{" talk" if talk else ""}" id="item-{item.number}">',
        f'<header><span class="num">{item.number}</span>'
        f'<h2 dir="auto">{e(item.title)}</h2></header>',
        f'<p class="meta">{tag}{e(" · ".join(facts))}</p>',
    ]
    body: list[str] = []
    if item.prompt:
        body.append(f'<p class="prompt" dir="auto">{e(item.prompt)}</p>')
    if item.status == NOT_ENOUGH:
        body.append(
            f'<p class="notice">Not enough answers to show: {item.answer_count}, fewer than the'
            f" {item.k} needed to keep answers anonymous.</p>"
        )
    elif item.status == NO_ANSWERS:
        body.append('<p class="notice">No answers.</p>')
    elif item.status == FAILED:
        body.append(
            '<p class="notice failed">This item\'s results could not be drawn: '
            f"{e(item.error or 'unknown error')}</p>"
        )
    if item.small:
        body.append(
            f'<p class="notice">Shown although under the anonymity threshold of {item.k}'
            " answers, as asked with --include-small.</p>"
        )
    body += [block_html(block) for block in item.blocks]
    if item.rejected or item.pending:
        body.append(f'<p class="note">{e(units.withheld_note(item))}</p>')
    if body:
        parts.append('<div class="body">' + "".join(body) + "</div>")
    parts.append("</section>")
    return "".join(parts)


def _date(iso: str) -> str:
    return f" · {e(units.day(iso))}" if iso else ""


def render(report: Report) -> str:
    language = report.language or "en"
    facts = [
        ("Participants", f"{report.joined}<small>joined the room</small>"),
        ("Answers", f"{report.answer_count}<small>to {report.activities} questions</small>"),
        ("Items", f"{len(report.items)}<small>on the agenda</small>"),
        (
            "Time taken",
            f"{e(units.duration(report.actual))}"
            f"<small>{e(units.duration(report.planned))} planned</small>",
        ),
    ]
    fact_html = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in facts)
    banner = ""
    if report.rehearsal is not None:
        banner = (
            '<p class="banner"><strong>Rehearsal.</strong> These answers come from'
            f" {report.rehearsal.participants} simulated participants, not from people.</p>"
        )
    description = "".join(
        f'<p class="lede" dir="auto" lang="{e(language)}">{e(" ".join(paragraph.split()))}</p>'
        for paragraph in report.description.split("\n\n")
        if paragraph.strip()
    )
    items = "".join(item_html(item) for item in report.items)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{e(report.title)} — workshop report</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        '<main class="page">\n'
        f'<header class="cover"><p class="eyebrow">Workshop report{_date(report.date)}</p>'
        f'<h1 dir="auto" lang="{e(language)}">{e(report.title)}</h1>{description}</header>\n'
        f"{banner}"
        f'<dl class="facts">{fact_html}</dl>\n'
        '<section class="part day"><h2>The day at a glance</h2>'
        f'<figure class="block">{svg.timing_chart(report.items)}</figure></section>\n'
        f'<section class="part agenda"><h2>Agenda, planned and actual</h2>'
        f"{agenda_table(report)}</section>\n"
        f'<section class="part results"><h2>Item by item</h2>{items}</section>\n'
        f'<footer class="colophon">{e(units.privacy_note(report))}</footer>\n'
        "</main>\n</body>\n</html>\n"
    )
