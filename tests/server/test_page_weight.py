"""The first page a phone loads, with its CSS and script, stays under 16 KB for every core
type and for big grids: many phones share one Wi-Fi, some of them old and slow."""

from __future__ import annotations

from typing import Any

import pytest
from attrs import frozen

from facilitate.agenda import loads_agenda
from facilitate.api import ActivityType, CountTally, Form, GridField, Note, hookimpl, setting
from facilitate.engine import Engine
from facilitate.plugins import Plugins
from facilitate.server import make_app

LIMIT = 16 * 1024
OPTIONS = [f"Option number {i} with a fairly long label, as people write them" for i in range(20)]
THREATS = [
    "Smear and stigmatising campaigns",
    "Surveillance of phones and accounts",
    "Threats against family members",
    "Burnout and exhaustion",
    "Criminalisation and lawsuits",
    "Physical attack at a protest",
    "Hacked email and social media",
]


@frozen
class GridConfig:
    question: str = setting(help="the question")


class BigGrid(ActivityType[GridConfig, Any]):
    """Seven rows rated on five labelled points: a risk-map sized grid."""

    kind = "big-grid"
    title = "Big grid"
    Config = GridConfig

    def form(self, config: GridConfig, context: Any) -> Form:
        labels = ("Very unlikely", "Unlikely", "Possible", "Likely", "Very likely")
        return Form(
            [GridField(name="likelihood", label=config.question, rows=THREATS, labels=labels)]
        )

    def new_tally(self, config: GridConfig, context: Any) -> CountTally:
        return CountTally(lambda value: value["likelihood"])

    def view(self, config: GridConfig, result: Any, context: Any) -> tuple[Note, ...]:
        return (Note(str(result)),)


class BigGridPlugin:
    @hookimpl
    def facilitate_activity_types(self, register: Any) -> None:
        register(BigGrid)


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


ITEMS = {
    "choice": f'question = "Which one?"\noptions = {toml_list(OPTIONS)}',
    "multi": f'question = "Which ones?"\noptions = {toml_list(OPTIONS)}\nmax = 5',
    "scale": 'question = "How sure?"\nmin = 0\nmax = 10\nlabels = ["Not at all", "Fully"]',
    "text": 'question = "What helps you stay safe?"',
    "wordcloud": 'question = "Feeling safe means..."',
    "ranking": f'question = "Order these"\noptions = {toml_list(OPTIONS[:10])}',
    "quiz": f'question = "Which is right?"\noptions = {toml_list(OPTIONS[:8])}\ncorrect = 2',
    "big-grid": 'question = "How likely is each threat?"',
    "riskmap": (
        'question = "How likely is each threat, and how much harm would it do?"\n'
        f"threats = {toml_list(THREATS)}\ncapacities = true\nproposals = true"
    ),
}


@pytest.fixture
def weighed_engine() -> Any:
    plugins = Plugins(extra=[BigGridPlugin()])
    kinds = [kind for kind in ITEMS if kind in plugins.activity_types]
    agenda = 'title = "Weights"\n' + "".join(
        f'[[items]]\nid = "{kind}"\ntitle = "A {kind} item"\nduration = "5m"\n'
        f'[items.activity]\ntype = "{kind}"\n{ITEMS[kind]}\n'
        for kind in kinds
    )
    engine = Engine.new(loads_agenda(agenda, plugins=plugins), plugins=plugins)
    yield engine, kinds
    engine.close()


async def first_page_bytes(client: Any, encoding: str) -> int:
    headers = {"Accept-Encoding": encoding}
    total = 0
    for path in ("/", "/s/p.css", "/s/p.js"):
        response = await client.get(path, headers=headers)
        assert response.status == 200
        total += len(await response.read())
    return total


async def test_every_first_page_stays_under_16_kb(aiohttp_client: Any, weighed_engine: Any) -> None:
    engine, kinds = weighed_engine
    assert {"choice", "multi", "scale", "text", "wordcloud", "ranking", "quiz"} <= set(kinds)
    raw = await aiohttp_client(make_app(engine), auto_decompress=False)
    response = await raw.get(f"/j/{engine.join_code.replace(' ', '')}", allow_redirects=False)
    assert response.status == 303
    sizes = {}
    for index, kind in enumerate(kinds):
        engine.goto(index)
        engine.open_answering()
        plain = await first_page_bytes(raw, "identity")
        wire = await first_page_bytes(raw, "gzip")
        sizes[kind] = (plain, wire)
        assert wire < LIMIT, (kind, wire)
        if kind != "riskmap":  # four 7-row grids: over the limit only before gzip
            assert plain < LIMIT, (kind, plain)
        assert wire <= plain
    if "riskmap" in sizes:  # a big page goes gzipped
        assert sizes["riskmap"][1] < sizes["riskmap"][0] / 2


async def test_gzip_is_only_sent_to_browsers_that_ask(
    aiohttp_client: Any, weighed_engine: Any
) -> None:
    engine, _ = weighed_engine
    raw = await aiohttp_client(make_app(engine), auto_decompress=False)
    for encoding, expected in (("gzip, deflate", "gzip"), ("identity", None), ("gzip;q=0", None)):
        response = await raw.get("/s/p.css", headers={"Accept-Encoding": encoding})
        assert response.headers.get("Content-Encoding") == expected
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == "no-store"
