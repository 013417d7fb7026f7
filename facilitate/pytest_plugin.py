"""facilitate's pytest plugin: the fixtures ``facilitate_workshop`` and ``facilitate_plugins``.

pytest loads this module in every run wherever facilitate is installed (the ``pytest11``
entry point ``facilitate``), so it holds the fixtures and nothing else: it imports no
other part of facilitate, and a run that uses none of the fixtures loads no plugin,
engine or store. The harness (:mod:`facilitate.testing`) is imported by the first test
that asks for a fixture.

``workshop`` is the old name of ``facilitate_workshop``: it still works, with a
``FacilitateDeprecationWarning``, and will stop working in facilitate 0.3.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from facilitate.testing import TemporaryPlugins, Workshop

# The harness's own checks (assert_tally_consistent) explain themselves as a test's would.
pytest.register_assert_rewrite("facilitate.testing")


@pytest.fixture
def facilitate_plugins() -> Iterator[TemporaryPlugins]:
    """Register plugin objects for this test only: ``facilitate_plugins.register(module)``.

    They join the installed plugins that ``facilitate check``, ``Engine.new`` and the
    ``facilitate_workshop`` fixture use, and are unregistered when the test ends.
    """
    from facilitate.plugins import default_plugins
    from facilitate.testing import TemporaryPlugins

    temporary = TemporaryPlugins(default_plugins())
    yield temporary
    temporary.undo()


@pytest.fixture
def facilitate_workshop(facilitate_plugins: TemporaryPlugins) -> Iterator[Workshop]:
    """Build rehearsals from agenda TOML: ``rehearsal = facilitate_workshop(toml, seed=1)``.

    Each is closed when the test ends.
    """
    from facilitate.testing import Rehearsals

    rehearsals = Rehearsals()
    yield rehearsals
    rehearsals.close()


@pytest.fixture
def workshop(facilitate_workshop: Workshop, request: pytest.FixtureRequest) -> Workshop:
    """Deprecated: the old name of ``facilitate_workshop``."""
    from facilitate.activity import FacilitateDeprecationWarning

    # Said at the test that uses the old name (directly or through its own fixtures).
    _, line, _ = request.node.location
    warnings.warn_explicit(
        FacilitateDeprecationWarning(
            "the fixture 'workshop' is now called 'facilitate_workshop'; the old name still"
            " works, but will stop working in facilitate 0.3"
        ),
        FacilitateDeprecationWarning,
        str(request.node.path),
        (line or 0) + 1,
    )
    return facilitate_workshop
