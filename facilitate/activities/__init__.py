"""The core activity types, registered through the ``facilitate`` entry-point group.

This package is a plugin like any other: ``pyproject.toml`` names it under
``[project.entry-points.facilitate]``, it uses only :mod:`facilitate.api`, and its words
are in its own gettext catalog (``locale/``, domain ``facilitate_activities``).

It registers its types by reference (``register("module:Class", kind=...)``), so a
workshop imports the modules of the types its agenda uses and no other: a day of polls
and questions never imports the word cloud's stop words or the quiz.
"""

from __future__ import annotations

from typing import Any

from facilitate.api import hookimpl

CORE_TYPE_REFERENCES: dict[str, str] = {
    "choice": "facilitate.activities.choice:SingleChoice",
    "multi": "facilitate.activities.choice:MultipleChoice",
    "scale": "facilitate.activities.scale:Scale",
    "text": "facilitate.activities.freetext:FreeText",
    "wordcloud": "facilitate.activities.wordcloud:WordCloud",
    "ranking": "facilitate.activities.ranking:Ranking",
    "quiz": "facilitate.activities.quiz:Quiz",
}
"""Each core type's kind and where its class is."""


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    for kind, reference in CORE_TYPE_REFERENCES.items():
        register(reference, kind=kind)
