"""The report as CSV: one row per answered field, for a spreadsheet.

No pseudonyms: ``answer`` numbers the answers within an item after sorting them by
value, so rows of one answer stay together without saying who answered or when.
Cells that a spreadsheet would run as a formula are neutralised with a leading "'".
"""

from __future__ import annotations

import csv
import io

from facilitate.report.model import SHOWN, Report

HEADER = ("item", "item_number", "item_title", "answer", "field", "value")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell no spreadsheet will evaluate: "=SUM(A1)" becomes "'=SUM(A1)"."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def rows(report: Report) -> list[tuple[str, ...]]:
    """The rows after the header, in agenda order, then answer order, then field order."""
    found: list[tuple[str, ...]] = []
    for item in report.items:
        if item.status != SHOWN:
            continue
        for answer in item.answers:
            for cell in answer.cells:
                found.append(
                    (
                        item.id,
                        str(item.number),
                        item.title,
                        str(answer.number),
                        cell.label,
                        cell.text,
                    )
                )
    return found


def render(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(report):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
