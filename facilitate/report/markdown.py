"""The report as Markdown, for pasting into a workshop report or a wiki.

Worded in the report's language; each item's blocks are drawn by the Markdown medium,
:mod:`facilitate.render.markdown`, which also escapes every piece of text so it stays
text wherever the Markdown is rendered.
"""

from __future__ import annotations

from facilitate.i18n import Translator, translator
from facilitate.render.markdown import block_lines, md, md_lines, pipe_table
from facilitate.report import phrases
from facilitate.report.model import ItemReport, Report

FLAG = "--include-small"


def _with_flag(escaped: str) -> str:
    """Escaped text with the command-line flag as code, so it reads as something to type."""
    return escaped.replace(FLAG, f"`{FLAG}`")


def item_lines(t: Translator, item: ItemReport) -> list[str]:
    lines = [f"## {item.number}. {md(item.title)}", ""]
    facts = [phrases.kind_name(t, item), *phrases.item_facts(t, item)]
    lines += ["*" + md(" · ".join(facts)) + "*", ""]
    if item.prompt:
        lines += [f"> {md(item.prompt)}", ""]
    notice = phrases.status_notice(t, item)
    if notice:
        lines += [f"*{md(notice)}*", ""]
    if item.small:
        lines += [f"*{_with_flag(md(phrases.small_notice(t, item)))}*", ""]
    for block in item.blocks:
        lines += [*block_lines(block, t), ""]
    if item.rejected or item.pending:
        lines += [f"*{md(phrases.withheld_note(t, item))}*", ""]
    return lines


def agenda_table(t: Translator, report: Report) -> list[str]:
    rows = []
    for item in report.items:
        rows.append(
            [
                str(item.number),
                md(item.title),
                md(phrases.kind_name(t, item)),
                t.duration(item.planned),
                t.duration(item.actual),
                phrases.drift(t, item.planned, item.actual)[0],
                t.number(item.answer_count) if item.kind else "",
            ]
        )
    rows.append(
        [
            "",
            f"**{md(t.gettext('Total'))}**",
            "",
            f"**{t.duration(report.planned)}**",
            f"**{t.duration(report.actual)}**",
            phrases.drift(t, report.planned_run, report.actual)[0],
            f"**{t.number(report.answer_count)}**",
        ]
    )
    headers = [
        t.gettext("Item"),
        t.gettext("Type"),
        t.gettext("Planned"),
        t.gettext("Actual"),
        t.gettext("Drift"),
        t.gettext("Answers"),
    ]
    return pipe_table(["#", *map(md, headers)], rows, "rllrrrr")


def _summary(t: Translator, report: Report) -> str:
    facts = [
        t.gettext("Workshop report"),
        *([phrases.day(t, report.date)] if report.date else []),
        t.ngettext("{count} participant joined", "{count} participants joined", report.joined),
        t.ngettext("{count} answer", "{count} answers", report.answer_count),
        t.gettext(
            "{actual} taken of {planned} planned",
            actual=t.duration(report.actual),
            planned=t.duration(report.planned),
        ),
    ]
    return md(" · ".join(facts))


def render(report: Report) -> str:
    t = translator(report.language)
    lines = [f"# {md(report.title)}", "", _summary(t, report), ""]
    if report.rehearsal is not None:
        note = phrases.rehearsal_note(t, report.rehearsal.participants)
        lines += [f"> **{md(t.gettext('Rehearsal.'))}** {md(note)}", ""]
    if report.description:
        lines += [*md_lines(report.description), ""]
    lines += [f"## {md(t.gettext('Agenda, planned and actual'))}", ""]
    lines += [*agenda_table(t, report), ""]
    for item in report.items:
        lines += item_lines(t, item)
    lines += ["---", "", _with_flag(md(phrases.privacy_note(t, report))), ""]
    return "\n".join(lines)
