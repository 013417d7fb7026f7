"""The core types' own catalog, and the sentences several of them share.

The core types are a plugin like any other, so their words live in their own gettext
domain (``facilitate_activities``, in ``locale/`` next to this file) and reach the room
through ``context.gettext`` in the agenda's language.
"""

from __future__ import annotations

from pathlib import Path

from facilitate.api import ItemContext, MessageCatalog, Note

CATALOG = MessageCatalog(Path(__file__).resolve().parent / "locale", "facilitate_activities")
"""Where every core type's words are translated (``make messages`` keeps it in step)."""


def answers_note(context: ItemContext, answers: int) -> Note:
    """How many answers a result is made of: "3 answers", "٣ إجابات"."""
    return Note(context.ngettext("{count} answer", "{count} answers", answers))
