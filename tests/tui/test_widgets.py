"""The QR code drawing, the block renderer and the console's wording, without a terminal."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from facilitate.i18n import translator
from facilitate.qr import qr_matrix
from facilitate.render.terminal import bar, render_view
from facilitate.room import format_code
from facilitate.tui.widgets import panels
from facilitate.tui.widgets.qr import fit, qr_strips
from facilitate.views import (
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
    Words,
)

from .conftest import JOIN_URL

_MODULES = {"█": (False, False), "▀": (False, True), "▄": (True, False), " ": (True, True)}


def decode(strips, scale: int) -> list[list[bool]]:
    """Modules back from the drawn characters (True for dark), one sample per module."""
    rows: list[list[bool]] = []
    for strip in strips:
        text = strip.text
        top = [_MODULES[ch][0] for ch in text]
        bottom = [_MODULES[ch][1] for ch in text]
        rows += [top, bottom]
    return [row[::scale] for row in rows[::scale]]


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_qr_strips_draw_exactly_the_code_with_its_quiet_zone(scale: int) -> None:
    matrix = qr_matrix(JOIN_URL)
    drawn = decode(qr_strips(JOIN_URL, scale, 4), scale)
    assert drawn[: len(matrix)] == matrix
    assert all(not any(row) for row in matrix[:4])  # the quiet zone is light


def test_qr_fits_80x24_and_grows_with_the_terminal() -> None:
    modules = len(qr_matrix(JOIN_URL))
    assert fit(JOIN_URL, 48, 21) == (1, 4)
    scale, border = fit(JOIN_URL, 96, 47)
    assert scale == 2 and border == 4
    assert fit(JOIN_URL, modules - 4, 40) == (1, 2)  # a narrower quiet zone before giving up
    assert fit(JOIN_URL, 20, 10) is None


@given(st.floats(0, 1), st.integers(1, 80))
@settings(max_examples=200)
def test_bar_is_never_longer_than_its_width(fraction: float, width: int) -> None:
    drawn = bar(fraction, width)
    assert len(drawn) <= width
    assert bar(1.0, width) == "█" * width
    assert bar(0.0, width) == ""


@pytest.mark.parametrize("width", [30, 80, 150])
def test_every_block_kind_fits_its_width(width: int) -> None:
    view = (
        Bars([Bar("a long option label " * 3, 12, marked=True), Bar("b", 0)], title="T"),
        Spread([SpreadRow("row", [1, 2, 3])], points=[1, 2, 3], point_labels=["lo", "", "hi"]),
        Heatmap(["r1", "r2"], ["c1", "c2"], [[0, 3], [5, 1]], row_title="impact"),
        Words([("solidarity and rest together", 5), ("tea", 1)]),
        Table(["a", "b"], [["1", "2"]]),
        Radar(["x", "y", "z"], [1.0, 4.5, 3.0]),
        RISKS,
        Note("a note"),
    )
    console = Console(width=width, color_system=None)
    with console.capture() as capture:
        console.print(render_view(view))
    lines = capture.get().splitlines()
    assert max(len(line) for line in lines) <= width
    assert "solidarity and rest together" in capture.get().replace("\n", " ") or width < 40


async def test_console_result_stays_hidden_below_k(engine) -> None:
    from .conftest import answer

    engine.goto(1)
    engine.open_answering()
    await answer(engine, "choice", 2)
    console = Console(width=80, color_system=None)
    with console.capture() as capture:
        console.print(panels.console_result(engine, translator("en")))
    assert "2 answers · results hidden until 3" in capture.get()
    assert "Passwords" not in capture.get()


def test_codes_and_clocks_read_well() -> None:
    assert format_code("482 917") == "482 917"
    assert format_code("482917") == "482 917"
    assert panels.short_clock(30) == "0:30"
    assert panels.short_clock(3725) == "1:02:05"
    assert panels.signed_clock(-90) == "−1:30"
    assert panels.signed_clock(0.2) == "±0:00"


def drawn(view, width: int = 80) -> str:
    console = Console(width=width, color_system=None)
    with console.capture() as capture:
        console.print(render_view(view))
    return capture.get()


def test_answer_counts_show_their_share_of_all_answers() -> None:
    text = drawn((Bars([Bar("Yes", 3), Bar("No", 1)], unit="answers"),))
    assert "3 75%" in text and "1 25%" in text


def test_multiple_choice_shares_are_of_answers_not_of_picks() -> None:
    # Four answers picked six times: "Tea" was in three of the four answers.
    text = drawn(
        (Bars([Bar("Tea", 3), Bar("Rest", 2), Bar("Walks", 1)], unit="answers", answers=4),)
    )
    assert "3 75%" in text and "2 50%" in text and "1 25%" in text


@pytest.mark.parametrize(
    "unit", ["points", "risk (likelihood x impact)", "use it or would try it", "strategies", ""]
)
def test_scores_and_marks_show_no_percentage(unit: str) -> None:
    text = drawn((Bars([Bar("Smear campaign", 12.5), Bar("Office raid", 4)], unit=unit),))
    assert "%" not in text.replace(unit, "")
    assert "12.5" in text
    if unit:
        assert unit in text  # the numbers say what they are


def test_every_core_type_reads_right() -> None:
    from facilitate.activities.choice import ChoiceResult, MultipleChoice, MultipleChoiceConfig
    from facilitate.activities.ranking import Ranking, RankingConfig, RankingResult
    from facilitate.activity import StaticContext

    multi = MultipleChoice().view(
        MultipleChoiceConfig(question="Q", options=("a", "b")),
        ChoiceResult(4, (4, 2)),
        StaticContext(),
    )
    text = drawn(multi)
    assert "4 100%" in text and "2 50%" in text
    ranking = Ranking().view(
        RankingConfig(question="Q", options=("a", "b", "c")),
        RankingResult(3, (5, 3, 1), ((2, 1, 0), (1, 1, 1), (0, 1, 2))),
        StaticContext(),
    )
    text = drawn(ranking)
    assert "%" not in text and "points" in text


def test_the_widget_keeps_the_standard_quiet_zone() -> None:
    from facilitate import qr
    from facilitate.tui.widgets import qr as widget

    assert widget.QUIET_ZONE == qr.QUIET_ZONE


def test_the_first_frame_waits_for_no_server_qr_or_report_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import facilitate.tui.app, facilitate.tui.cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'qrcode')"
        " or m.startswith(('facilitate.server.', 'facilitate.report.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_terminal_draws_every_block_kind() -> None:
    from facilitate.render.terminal import TERMINAL

    assert TERMINAL.missing() == []


RISKS = Scatter(
    [
        ScatterPoint(4.2, 3.0, 5, "Smear campaign"),
        ScatterPoint(2.0, 4.5, 2, "Phone seized"),
        ScatterPoint(1.0, 1.0, 1, "Office raid"),
    ],
    x_title="Likelihood",
    y_title="Impact",
    x_labels=["Very unlikely", "Unlikely", "Possible", "Likely", "Very likely"],
    y_labels=["Minor", "Moderate", "Serious", "Severe", "Critical"],
    title="Threats",
)


def plot_lines(text: str) -> list[tuple[str, str]]:
    """The plot's rows from the top: each one's y tick label and what lies right of the axis."""
    rows = []
    for row in text.splitlines():
        if "│" in row:
            label, _, plotted = row.partition("│")
            rows.append((label.strip(), plotted))
    return rows


def plot_rows(text: str) -> dict[str, str]:
    """The labelled rows of the plot, by their y tick label."""
    return {label: plotted for label, plotted in plot_lines(text) if label}


@pytest.mark.parametrize("width", [40, 80, 150])
def test_a_scatter_plots_points_between_its_axes_with_a_legend(width: int) -> None:
    text = drawn((RISKS,), width)
    assert max(len(row) for row in text.splitlines()) <= width
    assert "Impact ↑" in text and "Likelihood →" in text
    rows = plot_rows(text)
    assert next(iter(rows)) == "Critical" and "Minor" in rows  # high impact at the top
    serious = rows["Serious"].rstrip()
    assert abs(serious.index("A") / (len(serious) - 1) - 0.8) < 0.05  # likelihood 4.2 of 1-5
    assert rows["Minor"].startswith("C")  # 1, 1: the corner
    assert "B" in plot_lines(text)[1][1]  # impact 4.5: between Severe and Critical
    for entry in ("A Smear campaign ×5", "B Phone seized ×2", "C Office raid ×1"):
        assert entry in text
    assert "Very unlikely" in text  # under its column, or numbered with a legend


def test_a_scatter_without_labels_shows_its_counts_and_merges_a_shared_place() -> None:
    ratings = Scatter(
        [ScatterPoint(1, 1, 3), ScatterPoint(5, 5, 7), ScatterPoint(5, 5, 5), ScatterPoint(3, 2)],
        x_title="x",
        y_title="y",
    )
    rows = plot_rows(drawn((ratings,), 60))
    assert rows["5"].rstrip().endswith("12")  # two ratings of (5, 5): one mark, both counted
    assert rows["1"].startswith("3")
    assert "1" in rows["2"]


def test_a_scatter_speaks_the_translators_numbers() -> None:
    cloud = Scatter([ScatterPoint(1, 1, 1200, "Doxxing")], x_labels=["a", "b"], y_labels=["c", "d"])
    console = Console(width=60, color_system=None)
    with console.capture() as capture:
        console.print(render_view((cloud,), translator("es")))
    assert "A Doxxing ×1200" in capture.get() or "A Doxxing ×1.200" in capture.get()


def test_drawings_say_their_own_words_in_the_translators_language() -> None:
    es = translator("es")
    console = Console(width=80, color_system=None)
    with console.capture() as capture:
        console.print(
            render_view(
                (
                    Spread([SpreadRow("a", [1, 2]), SpreadRow("b", [2, 1])], points=[1, 2]),
                    Words([]),
                    Bars([Bar("Sí", 3), Bar("No", 1)], of_answers=True),
                ),
                es,
            )
        )
    text = capture.get()
    assert es.gettext("mean") in text and es.gettext("no words yet") in text
    assert es.percent(3, 4) in text  # "75 %", as the web page and the report print it
