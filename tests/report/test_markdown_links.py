"""Participant text never becomes a link in a Markdown report, whatever renders it.

GitHub's renderer and markdown-it with linkify (what many wikis and editors use) turn
bare addresses into links: ``https://…``, ``www.…``, ``example.org``, e-mail addresses.
A participant could plant one for whoever reads the report later.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from facilitate.render.markdown import md
from facilitate.testing import Rehearsal

HOSTILE = [
    "see https://evil.example/login now",
    "HTTP://EVIL.EXAMPLE",
    "www.evil.org/x",
    "write to help.desk@evil.org",
    "mailto:x@evil.org",
    "evil.com",
    "bit.ly/abc",
    "<https://evil.org>",
    "[click](https://evil.org)",
    "![img](https://evil.org/p.png)",
    "//evil.org/x",
    "ftp://192.168.1.1/",
    "пример.рф",
]

RENDERERS = {
    "commonmark+linkify": MarkdownIt("commonmark", {"linkify": True}).enable("linkify"),
    "gfm-like": MarkdownIt("gfm-like", {"linkify": True}),
}


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
@pytest.mark.parametrize("text", HOSTILE)
def test_no_address_becomes_a_link(renderer: str, text: str) -> None:
    html = RENDERERS[renderer].render(f"- {md(text)}\n")
    assert "<a " not in html and "<img" not in html, html


def test_ordinary_text_is_left_as_it_was() -> None:
    for text in ("e.g. 3.5 points, i.e. fine", "v1.2.3", "Well-being: 10/10", "ends here. Then"):
        assert md(text) == text


def test_a_report_of_free_text_links_nowhere() -> None:
    agenda = """
title = "Links"
k = 1
[[items]]
id = "say"
title = "Say"
duration = "5m"
[items.activity]
type = "text"
question = "Anything?"
"""
    with Rehearsal(agenda) as room:
        for person, text in enumerate(HOSTILE):
            room.answer({"text": text}, "say", participant=person)
        room.approve_all("say")
        report = room.written_report("md")
    assert "evil" in report  # the texts are there, as text
    for renderer in RENDERERS.values():
        html = renderer.render(report)
        assert "<a " not in html and "<img" not in html
