"""The chart and HTML renderers: every block kind draws, escapes its text, and stays well-formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitate.report import html as html_report
from facilitate.report import svg
from facilitate.report.model import NO_ACTIVITY, ItemReport
from facilitate.views import (
    Bar,
    Bars,
    Heatmap,
    Note,
    Radar,
    Spread,
    SpreadRow,
    Table,
    Texts,
    Words,
)

HOSTILE = "<script>alert(\"x\")</script> & 'quotes' ]]> \x1b[2J"


def blocks(label: str) -> list[object]:
    return [
        Bars([Bar(label, 3), Bar("b", 0, marked=True), Bar("c", -2)], title=label, unit=label),
        Spread([SpreadRow(label, (1, 0, 2))], (1, 2, 3), (label, "", label), title=label),
        Heatmap((label, "r2"), (label, "c2"), ((1, 2), (0,)), row_title=label, column_title=label),
        Words([(label, 3), ("b", 1)], title=label),
        Radar((label, "b", "c", "d"), (1, 2, 3, 9), maximum=5, title=label),
        Texts([label, "second\nline"], title=label),
        Table((label, "n"), [(label, "1")], title=label),
        Note(label),
    ]


@pytest.mark.parametrize("index", range(8))
def test_every_block_kind_draws_escaped_and_well_formed(index: int) -> None:
    block = blocks(HOSTILE)[index]
    drawn = html_report.block_html(block)  # type: ignore[arg-type]
    assert "<script" not in drawn and "\x1b" not in drawn
    assert "&lt;script&gt;" in drawn
    ET.fromstring(f"<root>{drawn}</root>")  # well-formed: nothing broke out of its element


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_label_keeps_every_chart_well_formed(label: str) -> None:
    for block in blocks(label):
        picture = svg.chart(block)
        if picture:
            ET.fromstring(picture)


def test_charts_are_deterministic() -> None:
    words = Words([(f"word{i}", i % 7 + 1) for i in range(80)])
    assert svg.words_chart(words) == svg.words_chart(words)
    assert svg.words_chart(words).count("<text") <= 60


def test_word_cloud_boxes_do_not_overlap() -> None:
    words = Words([(f"w{i}" * (i % 4 + 1), i % 9 + 1) for i in range(40)])
    picture = ET.fromstring(svg.words_chart(words))
    boxes = []
    for text in picture.iter("{http://www.w3.org/2000/svg}text"):
        size = float(text.get("font-size"))
        width = svg.text_width(text.text or "", size, text.get("font-weight") or "")
        x, y = float(text.get("x")), float(text.get("y"))
        boxes.append((x - width / 2, y - size * 0.9, x + width / 2, y + size * 0.25))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1)


def test_empty_and_odd_blocks_do_not_break() -> None:
    assert svg.chart(Bars([])) is None
    assert "Nothing to show" in html_report.block_html(Bars([]))
    assert svg.chart(Words([])) is None
    assert "No approved texts" in html_report.block_html(Texts([]))
    assert "<rect" in svg.radar_chart(Radar(("a", "b"), (1, 2)))  # two axes: drawn as bars
    assert svg.spread_chart(Spread([SpreadRow("x", (0, 0, 0))], (1, 2, 3)))
    assert svg.heatmap_chart(Heatmap(("a",), ("b", "c"), ((),)))


def test_wrap_fits_lines_and_marks_a_cut() -> None:
    lines = svg.wrap("a fairly long label that will not fit on one line at all", 120, 14, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(svg.text_width(line, 14) <= 120 for line in lines)
    assert svg.wrap("x" * 200, 100, 14, 3)[-1].endswith("…")


def test_timing_chart_shows_items_not_run() -> None:
    items = [
        ItemReport(1, "a", "Opening", None, "", "", 600, 720, 0, 5, 0, NO_ACTIVITY, False),
        ItemReport(2, "b", HOSTILE, None, "", "", 300, None, 0, 5, 0, NO_ACTIVITY, False),
    ]
    picture = svg.timing_chart(items)
    ET.fromstring(picture)
    assert "12 min of 10 min" in picture
    assert "not run (5 min planned)" in picture
    assert "<script" not in picture
