"""The report and Markdown media: every block kind draws, escapes its text, stays well-formed."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from facilitate.i18n import translator
from facilitate.render import figures
from facilitate.render import svg as s
from facilitate.render.markdown import MARKDOWN, block_lines, md
from facilitate.render.report import REPORT, block_html, scatter_chart, words_chart
from facilitate.report.model import NO_ACTIVITY, ItemReport
from facilitate.report.timing import timing_chart
from facilitate.views import (
    BLOCK_KINDS,
    Bar,
    Bars,
    Heatmap,
    Note,
    Radar,
    Scatter,
    ScatterPoint,
    Spread,
    SpreadRow,
    Table,
    Texts,
    Words,
)

HOSTILE = "<script>alert(\"x\")</script> & 'quotes' ]]> \x1b[2J"
EN = translator("en")
SVG = "{http://www.w3.org/2000/svg}"


def blocks(label: str) -> list[object]:
    return [
        Bars([Bar(label, 3), Bar("b", 0, marked=True), Bar("c", -2)], title=label, unit=label),
        Spread([SpreadRow(label, (1, 0, 2))], (1, 2, 3), (label, "", label), title=label),
        Heatmap((label, "r2"), (label, "c2"), ((1, 2), (0,)), row_title=label, column_title=label),
        Scatter(
            [ScatterPoint(1, 2, 3, label), ScatterPoint(2, 2, 1, label)],
            x_title=label,
            y_title=label,
            x_labels=(label, "b"),
            y_labels=(label,),
            title=label,
        ),
        Words([(label, 3), ("b", 1)], title=label),
        Radar((label, "b", "c", "d"), (1, 2, 3, 9), maximum=5, title=label),
        Texts([label, "second\nline"], title=label),
        Table((label, "n"), [(label, "1")], title=label),
        Note(label),
    ]


def test_every_block_kind_has_a_drawing_in_both_report_media() -> None:
    assert REPORT.missing() == []
    assert MARKDOWN.missing() == []
    assert {type(block) for block in blocks("x")} == set(BLOCK_KINDS)


@pytest.mark.parametrize("index", range(len(BLOCK_KINDS)))
def test_every_block_kind_draws_escaped_and_well_formed(index: int) -> None:
    block = blocks(HOSTILE)[index]
    drawn = block_html(block, EN)  # type: ignore[arg-type]
    assert isinstance(drawn, Markup)
    assert "<script" not in drawn and "\x1b" not in drawn
    assert "&lt;script&gt;" in drawn
    ET.fromstring(f"<root>{drawn}</root>")  # well-formed: nothing broke out of its element
    lines = block_lines(block, EN)  # type: ignore[arg-type]
    assert all("\n" not in line and "<script>" not in line for line in lines)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_label_keeps_every_drawing_well_formed(label: str) -> None:
    for block in blocks(label):
        ET.fromstring(f"<root>{block_html(block, EN)}</root>")  # type: ignore[arg-type]


def test_a_block_of_an_unknown_kind_says_so_instead_of_failing() -> None:
    class Sparkline:
        title = "new"

    assert "(Sparkline cannot be drawn here)" in block_html(Sparkline(), EN)  # type: ignore[arg-type]
    assert block_lines(Sparkline(), EN) == [  # type: ignore[arg-type]
        "**new**",
        "",
        "(Sparkline cannot be drawn here)",
    ]


def test_bars_of_answers_show_the_same_percentages_as_every_medium() -> None:
    block = Bars([Bar("Yes", 3), Bar("No", 1)], of_answers=True)
    shares = [bar.share for bar in figures.bars(block, EN)]
    assert shares == ["75%", "25%"]
    drawn = block_html(block, EN)
    assert all(share in drawn for share in shares)
    assert "| Yes | 3 | 75% |" in "\n".join(block_lines(block, EN))
    points = Bars([Bar("Yes", 3), Bar("No", 1)], unit="points")
    assert "%" not in block_html(points, EN) and "| Points |" in "\n".join(block_lines(points, EN))


def test_figures_follow_the_report_language() -> None:
    es = translator("es")
    odd = Spread([SpreadRow("x", (1, 1, 0, 0))], (1, 2, 3, 4))
    assert "1,5" in block_html(odd, es) and "1,5" in "\n".join(block_lines(odd, es))
    assert "1.5" in block_html(odd, EN)


def test_scatter_chart_has_axes_ticks_sized_markers_and_labels() -> None:
    block = Scatter(
        [
            ScatterPoint(1, 1, 1, "Phishing"),
            ScatterPoint(5, 3, 4, "Device seizure"),
            ScatterPoint(3, 2, 2, ""),
        ],
        x_range=(1, 5),
        y_range=(1, 3),
        x_title="Likelihood",
        y_title="Impact",
        x_labels=("Rare", "Unlikely", "Possible", "Likely", "Certain"),
        y_labels=("Low", "Medium", "High"),
        title="Threats",
    )
    figure = ET.fromstring(str(scatter_chart(block, EN)))
    chart = figure.find(f"{SVG}svg")
    assert chart is not None and chart.get("aria-label") == "Threats"
    assert figure.find("figcaption").text == "Threats"  # type: ignore[union-attr]
    texts = [t.text for t in chart.iter(f"{SVG}text")]
    for word in ("Rare", "Certain", "Low", "High", "Likelihood", "Impact", "Phishing"):
        assert word in texts, word
    assert "Device seizure" in texts
    circles = list(chart.iter(f"{SVG}circle"))
    assert len(circles) == 3
    radius = {c.get("cx"): float(c.get("r") or 0) for c in circles}
    assert max(radius.values()) == radius[max(radius, key=lambda cx: float(cx or 0))]
    # Higher on the page is higher on the y axis; further right is further along x.
    seizure = next(c for c in circles if float(c.get("r") or 0) == max(radius.values()))
    phishing = min(circles, key=lambda c: float(c.get("r") or 0))
    assert float(seizure.get("cx") or 0) > float(phishing.get("cx") or 0)
    assert float(seizure.get("cy") or 0) < float(phishing.get("cy") or 0)
    tooltips = [t.text or "" for t in chart.iter(f"{SVG}title")]
    assert "Device seizure (5, 3): 4 answers" in tooltips
    assert "Phishing (1, 1): 1 answer" in tooltips


def test_scatter_in_markdown_is_a_table_largest_count_first() -> None:
    block = Scatter(
        [ScatterPoint(1, 1, 1, "Phishing"), ScatterPoint(5, 3, 4, "Device | seizure")],
        x_range=(1, 5),
        y_range=(1, 3),
        x_title="Likelihood",
        y_title="Impact",
        x_labels=("Rare", "Unlikely", "Possible", "Likely", "Certain"),
        y_labels=("Low", "Medium", "High"),
    )
    assert block_lines(block, EN) == [
        "|  | Likelihood | Impact | Answers |",
        "| --- | --- | --- | ---: |",
        "| Device \\| seizure | 5 Certain | 3 High | 4 |",
        "| Phishing | 1 Rare | 1 Low | 1 |",
    ]
    unnamed = Scatter([ScatterPoint(2.5, 1, 2)])
    assert block_lines(unnamed, translator("fr"))[-1] == "|  | 2,5 | 1 | 2 |"


def test_scatter_labels_at_the_same_spot_do_not_overlap() -> None:
    block = Scatter([ScatterPoint(3, 3, 1, f"threat {i}") for i in range(5)])
    chart = ET.fromstring(str(scatter_chart(block, EN))).find(f"{SVG}svg")
    assert chart is not None
    ys = sorted(
        float(t.get("y") or 0)
        for t in chart.iter(f"{SVG}text")
        if (t.text or "").startswith("threat")
    )
    assert len(ys) == 5 and all(b - a >= 12 for a, b in itertools.pairwise(ys))


def test_charts_are_deterministic() -> None:
    words = Words([(f"word{i}", i % 7 + 1) for i in range(80)])
    assert words_chart(words, EN) == words_chart(words, EN)
    assert words_chart(words, EN).count("<text") <= 60


def test_word_cloud_boxes_do_not_overlap() -> None:
    words = Words([(f"w{i}" * (i % 4 + 1), i % 9 + 1) for i in range(40)])
    picture = ET.fromstring(str(words_chart(words, EN)))
    boxes = []
    for text in picture.iter(f"{SVG}text"):
        size = float(text.get("font-size") or 0)
        width = s.text_width(text.text or "", size, text.get("font-weight") or "")
        x, y = float(text.get("x") or 0), float(text.get("y") or 0)
        boxes.append((x - width / 2, y - size * 0.9, x + width / 2, y + size * 0.25))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1)


def test_empty_and_odd_blocks_do_not_break() -> None:
    for empty in (Bars([]), Words([]), Scatter([]), Radar((), ()), Spread([], ())):
        assert "Nothing to show" in block_html(empty, EN)  # type: ignore[arg-type]
        assert block_lines(empty, EN) is not None  # type: ignore[arg-type]
    assert "No approved texts" in block_html(Texts([]), EN)
    assert "<rect" in block_html(Radar(("a", "b"), (1, 2)), EN)  # two axes: drawn as bars
    assert "<svg" in block_html(Spread([SpreadRow("x", (0, 0, 0))], (1, 2, 3)), EN)
    assert "<svg" in block_html(Heatmap(("a",), ("b", "c"), ((),)), EN)


def test_wrap_fits_lines_and_marks_a_cut() -> None:
    lines = s.wrap("a fairly long label that will not fit on one line at all", 120, 14, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(s.text_width(line, 14) <= 120 for line in lines)
    assert s.wrap("x" * 200, 100, 14, 3)[-1].endswith("…")


def test_timing_chart_shows_items_not_run_in_the_report_language() -> None:
    items = [
        ItemReport(1, "a", "Opening", None, "", "", 600, 720, 0, 5, 0, NO_ACTIVITY, False),
        ItemReport(2, "b", HOSTILE, None, "", "", 300, None, 0, 5, 0, NO_ACTIVITY, False),
    ]
    picture = str(timing_chart(items, EN))
    ET.fromstring(picture)
    assert "12 min of 10 min" in picture
    assert "not run (5 min planned)" in picture
    assert "<script" not in picture


def test_markdown_escapes_participant_text() -> None:
    assert md("[click](http://x) *a* _b_ `c` <b> | # 1. x") == (
        "\\[click\\](http\\[:\\]//x) \\*a\\* \\_b\\_ \\`c\\` \\<b\\> \\| # 1. x"
    )
    assert md("# heading") == "\\# heading"
    assert md("- item") == "\\- item"
    assert md("3. third") == "3\\. third"
    assert re.fullmatch(r"[^\n]*", md("two\nlines"))


def test_no_hand_escaping_is_left_in_the_report_code() -> None:
    from pathlib import Path

    import facilitate.render.markdown
    import facilitate.render.report
    import facilitate.render.svg
    import facilitate.report

    folders = [Path(facilitate.report.__file__).parent]
    files = [p for folder in folders for p in folder.rglob("*.py")] + [
        Path(facilitate.render.report.__file__),
        Path(facilitate.render.markdown.__file__),
        Path(facilitate.render.svg.__file__),
    ]
    for path in files:
        source = path.read_text(encoding="utf-8")
        assert "html.escape" not in source and "import html\n" not in source, path
        assert not re.search(r"\bdef (e|esc)\(", source), path
