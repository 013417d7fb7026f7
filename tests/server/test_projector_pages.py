"""The web projector lays a result out for a 16:9 screen: pages the facilitator steps
through from the control page, a dark theme, charts rather than one-row tables, even heat
map columns, and a join address that never breaks inside a number."""

from __future__ import annotations

import re
from typing import Any

import pytest
from server_helpers import open_item

from facilitate import views
from facilitate.i18n import translator
from facilitate.render.pages import Piece, paginate, parts
from facilitate.render.web import render_view
from facilitate.render.web_layout import draw_page, roomy, screen_pages
from facilitate.server.projector import address_parts

LONG_TEXTS = [f"Una estrategia compartida número {n}, con bastante detalle" * 2 for n in range(30)]


def heights(piece: Piece, half: bool) -> float:
    """A block's height: 1 a row (3 for blocks that cannot be cut), 1 a note."""
    count = len(piece.rows()) if parts(piece.block) else 3
    return 1.0 if isinstance(piece.block, views.Note) else float(count)


def narrow_scatter(block: Any) -> bool:
    return isinstance(block, views.Scatter)


def layout(view: list[Any], budget: float) -> list[list[list[list[str]]]]:
    """Pages as rows of units of block kinds, with the rows of cut blocks."""
    pages = paginate(view, budget=budget, measure=heights, narrow=narrow_scatter)
    return [
        [
            [
                [
                    type(p.block).__name__ + (f"{p.start}-{p.stop}" if not p.whole else "")
                    for p in unit
                ]
                for unit in row
            ]
            for row in page
        ]
        for page in pages
    ]


def test_blocks_that_fit_share_a_page_and_notes_stay_with_their_block() -> None:
    bars = views.Bars([views.Bar("a", 1), views.Bar("b", 2)])
    note = views.Note("2 answers")
    assert layout([bars, note], budget=10) == [[[["Bars", "Note"]]]]
    table = views.Table(("h",), [("r",)] * 4)
    assert layout([bars, note, table], budget=4) == [[[["Bars", "Note"]]], [[["Table"]]]]


def test_two_narrow_blocks_sit_side_by_side() -> None:
    plot = views.Scatter([views.ScatterPoint(1, 1)])
    assert layout([plot, plot], budget=5) == [[[["Scatter"], ["Scatter"]]]]


def test_a_block_too_tall_for_a_page_is_cut_into_pieces_that_fit() -> None:
    texts = views.Texts([f"text {n}" for n in range(10)], title="Ideas")
    pages = layout([texts, views.Note("10 answers")], budget=4)
    assert pages == [
        [[["Texts0-4"]]],
        [[["Texts4-8"]]],
        [[["Texts8-10", "Note"]]],
    ]


def test_a_long_free_text_result_is_paged_and_each_page_fits() -> None:
    view = (views.Texts(LONG_TEXTS, title="Estrategias"), views.Note("30 respuestas"))
    pages = screen_pages(view, title="Estrategias", prompt="¿Qué te ayuda?")
    assert len(pages) > 1
    t = translator("es")
    shown = [str(draw_page(page, t)) for page in pages]
    assert all(text in "".join(shown) for text in LONG_TEXTS)  # every text on some page
    assert "Estrategias (continuación)" in shown[1] or "Estrategias (continued)" in shown[1]
    assert "30 respuestas" in shown[-1] and "30 respuestas" not in shown[0]


def test_bars_cut_across_pages_keep_one_scale_and_their_shares() -> None:
    rows = [views.Bar(f"option {n}", 40 - n) for n in range(40)]
    block = views.Bars(rows, of_answers=True)
    pages = screen_pages((block,), title="Many", prompt="")
    assert len(pages) > 1
    last = str(draw_page(pages[-1], translator("en")))
    whole = str(render_view((block,), translator("en")))
    for width in re.findall(r'<rect width="([\d.]+)" height="10"/>', last):
        assert f'<rect width="{width}" height="10"/>' in whole


def test_a_scale_is_a_column_chart_not_a_table_with_a_mean_column() -> None:
    spread = views.Spread(
        [views.SpreadRow("How sure?", (1, 0, 4, 2, 7))],
        points=(1, 2, 3, 4, 5),
        point_labels=("Not at all", "Fully"),
    )
    out = str(render_view((spread,), translator("en")))
    assert "<table" not in out and "⌀" not in out
    assert out.count('<span class="bar g') == 5  # one column a point
    assert "g40" in out  # the most given point fills its column
    assert "<b>1</b> Not at all" in out and "<b>5</b> Fully" in out


def test_a_scale_alone_on_its_page_is_drawn_taller_to_fill_the_screen() -> None:
    spread = views.Spread([views.SpreadRow("How sure?", (1, 0, 4, 2, 7))], points=tuple(range(11)))
    note = views.Note("Mean 5.4, median 5 (14 answers)")
    (page,) = screen_pages((spread, note), title="Trust", prompt="How sure are you?")
    assert roomy(page, title="Trust", prompt="How sure are you?")
    drawn = str(draw_page(page, translator("en"), spacious=True))
    assert drawn.startswith('<div class="page roomy">')
    # A page already full keeps the columns at the height it was measured with.
    bars = views.Bars([views.Bar(f"Reason {n}", n) for n in range(7)])
    first = screen_pages((spread, bars), title="Trust", prompt="How sure are you?")[0]
    assert not roomy(first, title="Trust", prompt="How sure are you?")


def test_the_five_ps_are_stacked_bars_with_their_means() -> None:
    spread = views.Spread(
        [views.SpreadRow(p, (2, 3, 4, 1, 0)) for p in ("Prevention", "Protection", "Redress")],
        points=(1, 2, 3, 4, 5),
        point_labels=("Not at all", "Fully"),
    )
    out = str(render_view((spread,), translator("en")))
    assert out.count('<span class="stack">') == 3 and "<table" not in out
    assert out.count('class="n">2,4<') == 0 and out.count('class="n">2.4<') == 3


def test_heat_map_columns_are_all_as_wide() -> None:
    heat = views.Heatmap(("Minor", "Critical"), ("1 Very unlikely", "5 Likely"), ((1, 2), (3, 4)))
    out = str(render_view((heat,), translator("en")))
    assert '<colgroup><col class="rh"><col><col></colgroup>' in out


@pytest.mark.parametrize(
    ("address", "pieces"),
    [
        ("http://192.168.100.200:8000", ["http://", "192.168.100.200", ":8000"]),
        ("https://10.0.0.5:8443", ["https://", "10.0.0.5", ":8443"]),
        ("http://127.0.0.1", ["http://", "127.0.0.1"]),
    ],
)
def test_the_join_address_breaks_only_between_its_parts(address: str, pieces: list[str]) -> None:
    assert address_parts(address) == pieces


async def test_the_control_page_steps_the_projectors_pages_and_colours(
    client: Any, aiohttp_client: Any, engine: Any
) -> None:
    open_item(engine, 4)  # free text
    for n in range(30):
        phone = await aiohttp_client(client.server)
        await phone.get(f"/j/{engine.join_code.replace(' ', '')}")
        token = re.search(r'name="_ft" value="([^"]+)"', await (await phone.get("/")).text())
        assert token
        await phone.post(
            "/a/share", data={"_ft": token.group(1), "text": f"{n}: {LONG_TEXTS[n][:90]}"}
        )
    engine.approve("share", [text.id for text in engine.pending("share")])
    engine.close_answering()
    engine.reveal()
    control = f"/control/{engine.facilitator_secret}"
    screen = f"/screen/{engine.projector_secret}/part"
    json_headers = {"Accept": "application/json"}
    first = await (await client.get(screen)).text()
    assert "Page 1 of " in first and 'class="room light shown"' in first
    page = await (await client.get(control)).text()
    assert "Next page" in page and "Previous page" not in page and "Dark colours" in page

    answer = await (
        await client.post(f"{control}/screen", data={"page": "next"}, headers=json_headers)
    ).json()
    assert answer["ok"] and answer["screen"]["page"] == 2
    second = await (await client.get(screen)).text()
    assert "Page 2 of " in second and second != first
    pages = answer["screen"]["pages"]
    refused = await client.post(
        f"{control}/screen", data={"page": str(pages + 1)}, headers=json_headers
    )
    assert refused.status == 400
    assert "Page 2 of " in await (await client.get(screen)).text()  # nothing changed

    await client.post(f"{control}/screen", data={"theme": "dark"}, headers=json_headers)
    assert 'class="room dark shown"' in await (await client.get(screen)).text()
    light = await (await client.get(f"{screen}?theme=light")).text()  # this browser's choice
    assert 'class="room light shown"' in light
    bad = await client.post(f"{control}/screen", data={"theme": "pink"}, headers=json_headers)
    assert bad.status == 400

    # Another item starts at its first page; the projector secret cannot step pages.
    engine.goto(1)
    projector = f"/control/{engine.projector_secret}/screen"
    assert (await client.post(projector, data={"page": "next"})).status == 403
