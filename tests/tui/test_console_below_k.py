"""The console keeps k too: consoles end up on projectors.

Its moderation queue shows no unapproved text of an item with fewer than ``k`` answers
(it counts them), and its live result moves in the room model's steps.
"""

from __future__ import annotations

from rich.console import Console, RenderableType

from facilitate.i18n import translator
from facilitate.testing import Rehearsal
from facilitate.tui.widgets import panels

K = 4
AGENDA = f"""
title = "Console"
k = {K}

[[items]]
id = "say"
title = "Say something"
duration = "5m"
[items.activity]
type = "text"
question = "What helps you?"

[[items]]
id = "pick"
title = "Pick"
duration = "5m"
[items.activity]
type = "choice"
question = "Which?"
options = ["Red", "Green"]
"""
EN = translator("en")


def plain(renderable: RenderableType) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_the_moderation_queue_shows_no_text_below_k() -> None:
    with Rehearsal(AGENDA) as room:
        room.answer({"text": "Layla told me"}, "say", participant=0)
        room.answer({"text": "My sister"}, "say", participant=1)
        queue = plain(panels.moderation_queue(room.engine, EN))
        assert "Layla" not in queue and "sister" not in queue
        assert "To moderate (2)" in queue and "2 texts not shown here" in queue
        for person in range(2, K):
            room.answer({"text": f"text {person}"}, "say", participant=person)
        queue = plain(panels.moderation_queue(room.engine, EN))
        assert "Layla told me" in queue and "not shown here" not in queue


def test_the_console_result_moves_in_steps_and_says_so() -> None:
    with Rehearsal(AGENDA) as room:
        room.goto("pick")
        for person in range(K):
            room.answer({"choice": "0"}, "pick", participant=person)
        first = plain(panels.console_result(room.engine, EN))
        room.answer({"choice": "1"}, "pick", participant=K)
        later = plain(panels.console_result(room.engine, EN))
        assert first.splitlines()[:3] == later.splitlines()[:3]  # the bars did not move
        assert f"1 newer answer waits for the next step ({K} at a time)" in later
