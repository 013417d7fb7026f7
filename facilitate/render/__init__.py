"""Drawing view blocks: one function per block kind, per medium, gathered one module a medium.

=========== ====================================== ===================================
medium      module                                 draws into
=========== ====================================== ===================================
terminal    :mod:`facilitate.render.terminal`      Rich renderables (console, projector)
web         :mod:`facilitate.render.web`           HTML for the projector page and phones
report      :mod:`facilitate.render.report`        HTML with inline SVG charts (reports)
markdown    :mod:`facilitate.render.markdown`      Markdown lines (reports)
text        :mod:`facilitate.render.text`          plain text (tests, logs)
=========== ====================================== ===================================

Each medium is a :class:`Medium`; its functions are registered with ``@MEDIUM.draws(Kind)``
and looked up by the block's type, never by ``isinstance`` chains. Adding a block kind to
:mod:`facilitate.views` means one function in each of these modules; a test fails until
every medium has one. The figures every medium prints (percentages, means, point names)
come from :mod:`facilitate.render.figures`, so a phone, the web projector and the
terminal show the same numbers. HTML is made in one way only: markupsafe (Jinja2's
autoescape in templates, ``Markup.format`` in code), so text is escaped unless it is
already markup we built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from facilitate.views import BLOCK_KINDS

Out = TypeVar("Out")
Drawer = Callable[..., Any]


class Medium(Generic[Out]):
    """A registry of drawing functions, one per block kind, for one medium."""

    def __init__(self, name: str, fallback: Callable[..., Out]) -> None:
        self.name = name
        self.fallback = fallback
        """Draws a block of a kind this version does not know (a newer plugin's): it
        says so, rather than failing the whole screen."""
        self.drawers: dict[type, Drawer] = {}

    def draws(self, kind: type) -> Callable[[Drawer], Drawer]:
        """Register the decorated function as this medium's drawing of ``kind``."""

        def register(function: Drawer) -> Drawer:
            if kind in self.drawers:
                raise ValueError(f"{self.name} already draws {kind.__name__}")
            self.drawers[kind] = function
            return function

        return register

    def draw(self, block: Any, *args: Any, **options: Any) -> Out:
        drawer = self.drawers.get(type(block))
        if drawer is None:
            return self.fallback(block, *args, **options)
        result: Out = drawer(block, *args, **options)
        return result

    def missing(self) -> list[str]:
        """Block kinds this medium has no drawing for (a test keeps this empty)."""
        return [kind.__name__ for kind in BLOCK_KINDS if kind not in self.drawers]


MEDIA = ("terminal", "web", "report", "markdown", "text")
"""The module of each medium, under ``facilitate.render``."""
