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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitate.api import hookimpl

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

FOLDER = "agendas"
"""The folder inside the ``facilitate`` package that holds the shipped agendas."""


def shipped_agendas() -> dict[str, Traversable]:
    """Each shipped agenda by template name (its file name without ``.toml``), sorted."""
    folder: Traversable = Path(__file__).parent / FOLDER
    if not folder.is_dir():  # not a folder on disk (a zip file, say): ask importlib
        from importlib import resources

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
