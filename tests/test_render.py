"""Every block kind has exactly one drawing in every medium, and each draws in every language."""

from __future__ import annotations

import importlib

import pytest
from rich.console import Console

from facilitate.i18n import translator
from facilitate.render import MEDIA, Medium
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

HOSTILE = '<script>alert(1)</script> [bold]x[/bold] \x1b[2J "quoted" & | *star*'
SAMPLES = [
    Bars([Bar("Uno", 3), Bar(HOSTILE, 1, marked=True)], title="Bars", of_answers=True),
    Spread([SpreadRow("Fila", (1, 0, 2))], points=(1, 2, 3), point_labels=("bajo", "alto")),
    Heatmap(["a", "b"], ["x", "y"], [[1, 2], [0, 3]], row_title="R", column_title="C"),
    Scatter(
        [ScatterPoint(2.5, 4.0, 3, HOSTILE), ScatterPoint(1, 1, 1, "dos")],
        x_title="X",
        y_title="Y",
        x_labels=("1", "2", "3", "4", "5"),
    ),
    Words([("calma", 3), (HOSTILE, 1)]),
    Texts([HOSTILE, "línea\nsegunda"]),
    Table(["h1", "h2"], [["1", HOSTILE]]),
    Radar(["p1", "p2", "p3"], [1.0, 2.5, 4.0], maximum=5.0, minimum=1.0),
    Note(HOSTILE),
]


def medium(name: str) -> Medium[object]:
    module = importlib.import_module(f"facilitate.render.{name}")
    found = [value for value in vars(module).values() if isinstance(value, Medium)]
    assert len(found) == 1, f"facilitate.render.{name} should hold one Medium"
    return found[0]


def test_the_samples_cover_every_block_kind() -> None:
    assert {type(block) for block in SAMPLES} == set(BLOCK_KINDS)


@pytest.mark.parametrize("name", MEDIA)
def test_every_block_kind_has_a_drawing(name: str) -> None:
    assert medium(name).missing() == []


def _draw(name: str, block: object, language: str) -> str:
    t = translator(language)
    drawn = medium(name).draw(block, t, *((72,) if name == "text" else ()))
    if name == "terminal":
        console = Console(width=80, record=True, color_system=None)
        console.print(drawn)
        return console.export_text()
    return "\n".join(drawn) if isinstance(drawn, list) else str(drawn)


@pytest.mark.parametrize("language", ["en", "es", "ar"])
@pytest.mark.parametrize("name", MEDIA)
def test_every_sample_draws_in_every_language(name: str, language: str) -> None:
    for block in SAMPLES:
        drawn = _draw(name, block, language)
        assert drawn.strip(), f"{name} drew nothing for {type(block).__name__}"
        assert "\x1b" not in drawn
        if name in ("web", "report"):
            assert "<script>" not in drawn


def test_a_block_kind_a_medium_does_not_know_is_said_not_dropped() -> None:
    class Sparkline:
        title = ""

    for name in MEDIA:
        assert "Sparkline" in _draw(name, Sparkline(), "en")
