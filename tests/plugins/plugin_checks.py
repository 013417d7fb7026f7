"""Helpers shared by the plugin tests: answers as the engine gives them, and the tally property."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

from facilitate.api import ActivityType, ItemContext, MessageCatalog, StaticContext
from facilitate.random_answers import form_answer


class FakeContext(StaticContext):
    """A context in which other items have given results (for ``from = "..."``).

    ``k`` is 1 unless given, so small hand-made results are shown whole; ``catalog`` is
    the type's own, as the engine would pass it.
    """

    def __init__(
        self,
        results: dict[str, Any] | None = None,
        item_id: str = "item",
        language: str = "en",
        *,
        k: int = 1,
        catalog: MessageCatalog | None = None,
    ) -> None:
        super().__init__(item_id, language, k=k, catalog=catalog)
        self.results = results or {}

    def result_of(self, item_id: str) -> Any | None:
        return self.results.get(item_id)


def context_for(
    activity: ActivityType[Any, Any],
    language: str = "en",
    results: dict[str, Any] | None = None,
    *,
    k: int = 1,
) -> FakeContext:
    """A context as the engine gives ``activity``: its catalog, a room language and k."""
    return FakeContext(results, language=language, k=k, catalog=activity.catalog)


def accepted(
    activity: ActivityType[Any, Any],
    config: Any,
    raw: dict[str, list[str]],
    context: ItemContext | None = None,
) -> dict[str, Any]:
    """An answer as the engine keeps it: parsed by the form, then accepted by the type."""
    context = context or StaticContext()
    form = activity.form(config, context)
    return activity.accept(config, form.parse(raw), context)


def answers(
    activity: ActivityType[Any, Any], config: Any, context: ItemContext | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid answers as a tally sees them: moderated text is None until approved, or a text."""
    context = context or StaticContext()
    form = activity.form(config, context)
    moderated = form.moderated_fields()

    @st.composite
    def answer(draw: st.DrawFn) -> dict[str, Any]:
        rng = random.Random(draw(st.integers(0, 2**32)))
        value = accepted(activity, config, form_answer(form, rng), context)
        for name in moderated:
            if value.get(name) is not None:
                # A few shared texts, so that the same words from several people are counted.
                value[name] = draw(st.sampled_from([None, "rest", "my network", value[name]]))
        return value

    return answer()


def edits(
    activity: ActivityType[Any, Any], config: Any, context: ItemContext | None = None
) -> st.SearchStrategy[list[tuple[int, dict[str, Any] | None]]]:
    """A sequence of (device, new answer or None for a retraction)."""
    return st.lists(
        st.tuples(st.integers(0, 6), st.none() | answers(activity, config, context)), max_size=25
    )


def check_incremental_tally(
    activity: ActivityType[Any, Any],
    config: Any,
    steps: list[tuple[int, dict[str, Any] | None]],
    context: ItemContext | None = None,
) -> None:
    """Adding and removing answers as the engine does equals a fresh tally, in any order."""
    context = context or context_for(activity)
    running = activity.new_tally(config, context)
    current: dict[int, dict[str, Any]] = {}
    for device, value in steps:
        old = current.pop(device, None)
        if old is not None:
            running.remove(old)
        if value is not None:
            running.add(value)
            current[device] = value
    left = list(current.values())
    fresh = activity.tally(config, left, context)
    assert running.result() == fresh
    assert activity.tally(config, list(reversed(left)), context) == fresh
    assert activity.count(fresh) == len(left)
