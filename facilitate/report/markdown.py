"""The report as Markdown, for pasting into a workshop report or a wiki.

Participant text is escaped so that it stays text wherever the Markdown is rendered:
no links, no emphasis, no HTML, no tables broken by a stray "|".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from facilitate.report import units
from facilitate.report.model import (
    FAILED,
    NO_ACTIVITY,
    NO_ANSWERS,
    NOT_ENOUGH,
    ItemReport,
    Report,
)
from facilitate.report.svg import point_name
from facilitate.text import one_line, strip_controls
from facilitate.views import Bars, Block, Heatmap, Note, Radar, Spread, Table, Texts, Words

_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^(\s*)([-+=#])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")
BAR_CELLS = 20


def md(text: object) -> str:
    """One line of plain text, escaped so Markdown renders it as the same text."""
    escaped = _INLINE.sub(r"\\\1", one_line(str(text)))
    escaped = _LINE_START.sub(lambda m: m[1] + "\\" + m[2], escaped)
    return _NUMBERED.sub(lambda m: m[1] + "\\" + m[2], escaped)


def md_lines(text: str) -> list[str]:
    """Multi-line participant text, each line escaped."""
    lines = [md(line) for line in strip_controls(text).split("\n")]
    return [line for line in lines if line] or [""]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A pipe table; ``align`` has one letter per column: l or r."""
    align = align.ljust(len(headers), "l")
    rule = ["---:" if a == "r" else "---" for a in align[: len(headers)]]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _bar(value: float, highest: float) -> str:
    if highest <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(value / highest * BAR_CELLS))


def block_lines(block: Block) -> list[str]:
    """One view block as Markdown lines (no trailing blank line)."""
    lines: list[str] = []
    title = getattr(block, "title", "")
    if title:
        lines += [f"**{md(title)}**", ""]
    if isinstance(block, Bars):
        highest = max((float(row.value) for row in block.rows), default=0.0)
        rows = [
            [
                md(row.label) + (" ✓" if row.marked else ""),
                units.number(row.value),
                _bar(float(row.value), highest),
            ]
            for row in block.rows
        ]
        lines += _table(["", md(block.unit.capitalize() or "Value"), ""], rows, "lrl")
    elif isinstance(block, Spread):
        names = [str(p) for p in block.points]
        if len(block.point_labels) == len(names):
            names = [
                md(point_name(p, label)) for p, label in zip(names, block.point_labels, strict=True)
            ]
        elif len(block.point_labels) == 2 and len(names) >= 2:
            names[0] += f" {md(block.point_labels[0])}"
            names[-1] += f" {md(block.point_labels[1])}"
        rows = []
        for row in block.rows:
            mean = row.mean(block.points) if len(row.counts) == len(block.points) else None
            rows.append(
                [
                    md(row.label),
                    *(str(c) for c in row.counts),
                    str(row.total),
                    "–" if mean is None else f"{mean:.1f}",
                ]
            )
        lines += _table(["", *names, "Answers", "Mean"], rows, "l" + "r" * (len(names) + 2))
    elif isinstance(block, Heatmap):
        corner = " ".join(
            part
            for part in (
                f"{md(block.row_title)} ↓" if block.row_title else "",
                f"{md(block.column_title)} →" if block.column_title else "",
            )
            if part
        )
        rows = [
            [md(label), *(str(c) for c in block.cells[i])] if i < len(block.cells) else [md(label)]
            for i, label in enumerate(block.row_labels)
        ]
        headers = [corner, *(md(c) for c in block.column_labels)]
        lines += _table(headers, rows, "l" + "r" * len(block.column_labels))
    elif isinstance(block, Words):
        ordered = sorted(block.words, key=lambda wc: (-int(wc[1]), str(wc[0])))
        lines.append(", ".join(f"{md(word)} ({count})" for word, count in ordered) or "–")
    elif isinstance(block, Texts):
        for text in block.texts:
            first, *rest = md_lines(text)
            lines.append(f"- {first}")
            lines += [f"  {line}" for line in rest]
        if not block.texts:
            lines.append("*No approved texts.*")
    elif isinstance(block, Table):
        lines += _table(
            [md(h) for h in block.headers], [[md(cell) for cell in row] for row in block.rows]
        )
    elif isinstance(block, Radar):
        rows = [
            [md(axis), units.number(value)]
            for axis, value in zip(block.axes, block.values, strict=False)
        ]
        scale = f"{units.number(block.minimum)}–{units.number(block.maximum)}"
        lines += _table(["", f"Value ({scale})"], rows, "lr")
    elif isinstance(block, Note):
        lines.append(md(block.text))
    return lines


def _status_line(item: ItemReport) -> str | None:
    if item.status == NOT_ENOUGH:
        return (
            f"*Not enough answers to show: {item.answer_count}, fewer than the {item.k} needed"
            " to keep answers anonymous.*"
        )
    if item.status == NO_ANSWERS:
        return "*No answers.*"
    if item.status == FAILED:
        return f"*This item's results could not be drawn: {md(item.error or 'unknown error')}*"
    return None


def item_lines(item: ItemReport) -> list[str]:
    lines = [f"## {item.number}. {md(item.title)}", ""]
    facts = [item.type_title or "Talk", f"{units.duration(item.planned)} planned"]
    if item.actual is None:
        facts.append("not run")
    else:
        facts.append(f"{units.duration(item.actual)} actual")
    if item.kind is not None:
        facts.append(units.plural(item.answer_count, "answer"))
    lines += ["*" + " · ".join(facts) + "*", ""]
    if item.prompt:
        lines += [f"> {md(item.prompt)}", ""]
    status = _status_line(item)
    if status:
        lines += [status, ""]
    if item.small and item.status != NO_ACTIVITY:
        lines += [
            f"*Shown although under the anonymity threshold of {item.k} answers"
            " (--include-small).*",
            "",
        ]
    for block in item.blocks:
        lines += [*block_lines(block), ""]
    withheld = item.rejected + item.pending
    if withheld:
        lines += [f"*{units.withheld_note(item)}*", ""]
    return lines


def render(report: Report) -> str:
    lines = [f"# {md(report.title)}", ""]
    facts = [
        f"Workshop report, {md(units.day(report.date))}" if report.date else "Workshop report",
        units.plural(report.joined, "participant") + " joined",
        units.plural(report.answer_count, "answer"),
        f"{units.duration(report.actual)} taken of {units.duration(report.planned)} planned",
    ]
    lines += [" · ".join(facts), ""]
    if report.rehearsal is not None:
        lines += [
            f"> **Rehearsal.** These answers come from {report.rehearsal.participants}"
            " simulated participants, not from people.",
            "",
        ]
    if report.description:
        lines += [*md_lines(report.description), ""]
    lines += ["## The day", ""]
    rows = []
    for item in report.items:
        rows.append(
            [
                str(item.number),
                md(item.title),
                md(item.type_title) if item.kind else "Talk",
                units.duration(item.planned),
                units.duration(item.actual),
                units.drift(item.planned, item.actual),
                str(item.answer_count) if item.kind else "",
            ]
        )
    rows.append(
        [
            "",
            "**Total**",
            "",
            f"**{units.duration(report.planned)}**",
            f"**{units.duration(report.actual)}**",
            units.drift(report.planned_run, report.actual),
            f"**{report.answer_count}**",
        ]
    )
    lines += _table(["#", "Item", "Type", "Planned", "Actual", "Drift", "Answers"], rows, "rllrrrr")
    lines.append("")
    for item in report.items:
        lines += item_lines(item)
    lines += ["---", "", md(units.privacy_note(report)), ""]
    return "\n".join(lines)
