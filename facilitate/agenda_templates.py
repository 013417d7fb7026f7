"""The agendas facilitate ships, registered as agenda templates like any plugin's.

The demo and the four workshops (integrated security, due diligence, stalkerware, the
roundtable) live in ``facilitate/agendas/``, inside the package, so whoever installs
facilitate has them: ``facilitate new --list`` lists them, ``facilitate new --from
due-diligence day.toml`` copies one, and ``facilitate demo`` runs ``demo``. This module is
the plugin ``agendas`` (an entry point in the ``facilitate`` group) and registers them
through the ``facilitate_agenda_templates`` hook, as a third-party plugin would.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from facilitate.api import hookimpl

FOLDER = "agendas"
"""The folder inside the ``facilitate`` package that holds the shipped agendas."""


def shipped_agendas() -> dict[str, Traversable]:
    """Each shipped agenda by template name (its file name without ``.toml``), sorted."""
    folder = resources.files(__package__ or "facilitate") / FOLDER
    found = {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    }
    return dict(sorted(found.items()))


@hookimpl
def facilitate_agenda_templates(register: Callable[[str, Any], None]) -> None:
    for name, agenda in shipped_agendas().items():
        register(name, agenda)
