"""The WEB medium draws every view block kind as escaped HTML and CSP-safe SVG, with the
same figures as the terminal (facilitate.render.figures)."""

from __future__ import annotations

import re

import pytest

from facilitate import views
from facilitate.i18n import translator
from facilitate.render import figures
from facilitate.render.web import WEB, render_view

EVERY_KIND = (
    views.Bars([views.Bar("A<", 3), views.Bar("B", 1, marked=True)], of_answers=True),
    views.Spread(
        [views.SpreadRow("Row", (1, 2, 0))], points=(1, 2, 3), point_labels=("x", "y", "z")
    ),
    views.Heatmap(("r1", "r2"), ("c1", "c2"), ((1, 0), (2, 5))),
    views.Scatter(
        [views.ScatterPoint(1, 5, 4, "Smear <campaigns>"), views.ScatterPoint(4, 2, 1, "Burnout")],
        x_title="Likelihood",
        y_title="Impact",
        x_labels=("Rare", "Likely"),
    ),
    views.Words([("trust", 4), ("rest", 1)]),
    views.Texts(["one <i>", "two"]),
    views.Table(("h1", "h2"), [("a", "b")]),
    views.Radar(("p1", "p2", "p3", "p4", "p5"), (1, 2, 3, 4, 5)),
    views.Note("5 answers"),
)


def test_every_block_kind_has_a_web_drawing() -> None:
    assert WEB.missing() == []
    assert {type(block) for block in EVERY_KIND} == set(views.BLOCK_KINDS)


def test_every_block_is_drawn_escaped_and_without_inline_style_or_script() -> None:
    out = render_view(EVERY_KIND, translator("en"))
    for fragment in (
        "A&lt;",
        '<svg class="bar mark"',
        "<b>3</b> z",  # a scale's points named under its columns
        'class="h4"',
        "w5",
        "Smear &lt;campaigns&gt;",
        "<circle",
        ">Likelihood →</text>",
        "one &lt;i&gt;",
        '<td dir="auto">b</td>',
        "polygon",
        "5 answers",
    ):
        assert fragment in out, fragment
    assert "<i>" not in out and "<campaigns>" not in out
    # The CSP forbids inline styles and scripts: classes and SVG geometry only.
    assert "style=" not in out and "<style" not in out and "<script" not in out
    assert not re.search(r"\son[a-z]+=", out)


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_bars_show_the_terminals_numbers_and_percentages(language: str) -> None:
    t = translator(language)
    block = views.Bars(
        [views.Bar("Rest", 12), views.Bar("Phones", 18), views.Bar("Networks", 0)], of_answers=True
    )
    out = str(render_view((block,), t))
    rows = re.findall(r"<li.*?</li>", out)
    assert len(rows) == 3
    for row, bar in zip(rows, figures.bars(block, t), strict=True):
        assert bar.share  # counts of answers get a share
        assert f'<span class="n">{bar.number} <span class="pc">{bar.share}</span></span>' in row
    assert "40" in rows[0] and "60" in rows[1]


def test_points_are_not_shares() -> None:
    block = views.Bars([views.Bar("Rest", 12), views.Bar("Play", 3)], unit="points")
    out = str(render_view((block,), translator("en")))
    assert 'class="pc"' not in out and "%" not in out
    assert '<p class="unit">points</p>' in out


def test_scatter_places_points_by_their_fractions_and_sizes_them_by_count() -> None:
    block = views.Scatter(
        [views.ScatterPoint(1, 1, 1, "low"), views.ScatterPoint(5, 5, 9, "high")],
        x_range=(1, 5),
        y_range=(1, 5),
    )
    out = str(render_view((block,), translator("en")))
    circles = dict(
        (label, (float(cx), float(cy), float(r)))
        for label, cx, cy, r in re.findall(
            r'<title>(\w+): \d+</title><circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', out
        )
    )
    low, high = circles["low"], circles["high"]
    assert high[0] > low[0]  # further right
    assert high[1] < low[1]  # higher up (SVG y grows downwards)
    assert high[2] > low[2]  # bigger for more answers
    for tick in ("1", "3", "5"):
        assert f">{tick}</tspan>" in out  # numbered ticks when the axes have no labels


def test_a_block_kind_this_version_does_not_know_is_named_not_fatal() -> None:
    class Future:
        title = ""

    out = str(WEB.draw(Future(), translator("en")))
    assert "Future" in out and out.startswith('<p class="block note">')
