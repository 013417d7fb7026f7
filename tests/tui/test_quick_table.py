"""The console's agenda, drawn by :mod:`facilitate.tui.widgets.quick_table`, is exactly
what Rich's own table draws: every agenda shipped, in every language, at every width."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from facilitate.agenda import load_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.i18n import LANGUAGES, translator
from facilitate.store import Store
from facilitate.tui.widgets import panels
from facilitate.tui.widgets.quick_table import QuickTable, _draw

ROOT = Path(__file__).resolve().parents[2]
AGENDAS = sorted((ROOT / "facilitate" / "agendas").glob("*.toml"))


def lines(renderable: object, width: int) -> list[list[Segment]]:
    console = Console(width=width, file=io.StringIO(), color_system="truecolor")
    drawn = console.render_lines(renderable, console.options.update_width(width), pad=True)
    return [list(Segment.simplify(line)) for line in drawn]


def engines() -> list[Engine]:
    found = []
    for path in AGENDAS:
        clock = ManualClock()
        engine = Engine.new(load_agenda(path), Store.create(ephemeral=True), clock=clock)
        engine.start_timer()
        clock.advance(95)
        engine.next()  # the first item took a minute and a half
        clock.advance(30)
        found.append(engine)
    return found


@pytest.fixture(scope="module")
def running() -> list[Engine]:
    return engines()


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_agenda_is_drawn_as_rich_draws_it(running: list[Engine], language: str) -> None:
    t = translator(language)
    quick = 0
    for engine in running:
        for compact in (False, True):
            table = panels.agenda_table(engine, t, compact=compact)
            assert isinstance(table, QuickTable)
            for width in range(6, 64, 3):
                assert lines(table, width) == lines(table.table, width), (width, compact)
                quick += _draw(table.table, Console(width=width), width) is not None
    assert quick  # the quick way was taken (not left to Rich every time)


CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(CELL, CELL, CELL), min_size=0, max_size=5),
    header=st.tuples(CELL, CELL, CELL),
    width=st.integers(4, 50),
    bold=st.booleans(),
)
def test_any_table_of_that_shape_is_drawn_as_rich_draws_it(
    rows: list[tuple[str, str, str]], header: tuple[str, str, str], width: int, bold: bool
) -> None:
    table = Table(box=None, pad_edge=False, expand=True, show_footer=True, header_style="bold")
    table.add_column(Text(header[0]), width=1, footer="")
    table.add_column(Text(header[1]), ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column(Text(header[2]), justify="right", footer=Text("end", style="bold"))
    for first, second, third in rows:
        style = "bold" if bold else ""
        table.add_row(Text(first), Text(second, style=style), Text(third, style="italic"))
    assert lines(QuickTable(table), width) == lines(table, width)
