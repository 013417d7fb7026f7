"""Every hook a facilitate plugin can implement, documented where it is declared.

Hooks are always called with keyword arguments, so a hook may gain arguments later
and an implementation that takes fewer keeps working. Registration hooks take a
``register`` callback, so the host can check what each plugin registers and name the
plugin that sent something wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("facilitate")
hookimpl = pluggy.HookimplMarker("facilitate")

# ---------------------------------------------------------------------------
# Registration: called once, when the plugin manager loads plugins.
# ---------------------------------------------------------------------------


@hookspec
def facilitate_activity_types(register: Callable[[Any], None]) -> None:
    """Register activity types (session types) this plugin provides.

    Call ``register(ActivityTypeSubclass)`` once per type. The class is instantiated
    with no arguments; its ``kind`` must be unique among installed plugins. The return
    value is ignored.

    A plugin with several types may name each instead: ``register("package.module:Class",
    kind="its-kind")``. That module is imported the first time something needs that
    kind (an agenda using it, ``facilitate types``), so a workshop imports only the
    types it uses. A reference that does not import, or names a class of another kind,
    is recorded as the plugin's error (``facilitate plugins``), as a plugin that fails to
    import is.
    """


@hookspec
def facilitate_agenda_templates(register: Callable[[str, Any], None]) -> None:
    """Register ready agendas this plugin ships.

    Call ``register(name, path)`` with a short name and the path of a TOML agenda
    (a ``pathlib.Path`` or an ``importlib.resources`` traversable). They are listed by
    ``facilitate plugins`` and can be copied with ``facilitate new --from NAME``.
    The return value is ignored.
    """


# ---------------------------------------------------------------------------
# Running workshop: read-only observers.
# ---------------------------------------------------------------------------


@hookspec
def facilitate_event(event: Any) -> None:
    """Observe an event of the running workshop (item changed, answer counted ...).

    ``event`` is one of the frozen classes in ``facilitate.events``. Observers must not
    block and cannot change anything; an exception is logged with the plugin's name and
    the workshop goes on. The return value is ignored.
    """
