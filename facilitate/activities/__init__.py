"""The core activity types, registered through the ``facilitate`` entry-point group.

This package is a plugin like any other: ``pyproject.toml`` names it under
``[project.entry-points.facilitate]``, it uses only :mod:`facilitate.api`, and its words
are in its own gettext catalog (``locale/``, domain ``facilitate_activities``).
"""

from __future__ import annotations

from typing import Any

from facilitate.api import hookimpl

from .choice import MultipleChoice, SingleChoice
from .freetext import FreeText
from .quiz import Quiz
from .ranking import Ranking
from .scale import Scale
from .wordcloud import WordCloud

CORE_TYPES: tuple[type, ...] = (
    SingleChoice,
    MultipleChoice,
    Scale,
    FreeText,
    WordCloud,
    Ranking,
    Quiz,
)


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    for activity_type in CORE_TYPES:
        register(activity_type)
