"""CSV output read back through the csv module gives the same rows, hostile cells included."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitate.report.csv_export import HEADER, neutralise, render, rows
from facilitate.report.model import SHOWN, AnswerCell, AnswerRecord, ItemReport, Report

# Any text a cell may hold: letters, separators, quotes, newlines, formula starts.
cell_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(",;\"'\n\r\t=+-@ |<>")),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    max_size=30,
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    items = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        answers = tuple(
            AnswerRecord(
                index,
                tuple(
                    AnswerCell(f"f{i}", draw(cell_text), None, draw(cell_text))
                    for i in range(draw(st.integers(1, 3)))
                ),
            )
            for index in range(1, draw(st.integers(0, 4)) + 1)
        )
        items.append(
            ItemReport(
                number=number,
                id=draw(cell_text),
                title=draw(cell_text),
                kind="choice",
                type_title="Single choice",
                prompt="",
                planned=60,
                actual=60,
                adjustment=0,
                k=1,
                answer_count=len(answers),
                status=SHOWN,
                small=False,
                answers=answers,
            )
        )
    return Report("s", "t", "", "en", "2026-01-01", 1, 1, False, tuple(items))


@settings(max_examples=150, deadline=None)
@given(reports())
def test_csv_reads_back_to_the_same_rows(report: Report) -> None:
    text = render(report)
    read = list(csv.reader(io.StringIO(text, newline="")))
    expected = [list(HEADER)] + [[neutralise(cell) for cell in row] for row in rows(report)]
    assert read == expected
    for row in read[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_neutralise_prefixes_formula_starts_only() -> None:
    assert neutralise("=SUM(A1:A9)") == "'=SUM(A1:A9)"
    assert neutralise("+1") == "'+1"
    assert neutralise("-1") == "'-1"
    assert neutralise("@cmd") == "'@cmd"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("a=b") == "a=b"
    assert neutralise("") == ""
