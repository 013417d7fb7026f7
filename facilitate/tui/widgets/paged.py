"""A result region that shows one page of a view at a time, sized to the space it has.

The terminal projector cannot scroll: a result longer than its region is cut into pages
(:mod:`facilitate.render.terminal_pages`) with an indicator ("1/2 ▸"), and the
facilitator steps through them. Pages are laid out again only when the view or the
region's size changes, not on every redraw.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from facilitate.i18n import Translator
from facilitate.render.terminal_pages import terminal_pages
from facilitate.views import Block


class PagedResult(Widget):
    """A view's page, or a message while there is no view to show."""

    DEFAULT_CSS = """
    PagedResult { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, big: bool = True) -> None:
        super().__init__(id=id)
        self.big = big
        self._view: Sequence[Block] | None = None
        self._message: RenderableType = Text("")
        self._t: Translator | None = None
        self._page = 0
        self._laid_out: tuple[int, int] | None = None
        self._pages: list[RenderableType] = []
        self.layouts = 0
        """How often pages were laid out (tests count it)."""

    @property
    def pages(self) -> int:
        """How many pages the view takes at the region's size (1 before it is known)."""
        return max(1, len(self._pages))

    @property
    def page(self) -> int:
        return min(self._page, self.pages - 1)

    def show(
        self,
        view: Sequence[Block] | None,
        t: Translator,
        *,
        page: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        """Show ``view`` (laid out again only if it is another view) at ``page``."""
        if view is not self._view or t is not self._t:
            self._view, self._t = view, t
            self._laid_out = None
            self._pages = []
        self._message = message if message is not None else Text("")
        self._page = max(0, page)
        self.refresh()

    def _lay_out(self) -> None:
        width, height = self.content_size
        if self._view is None or self._t is None or width <= 0 or height <= 0:
            return
        if self._laid_out == (width, height):
            return
        self._pages = terminal_pages(self._view, self._t, width=width, height=height, big=self.big)
        self._laid_out = (width, height)
        self.layouts += 1

    def render(self) -> RenderableType:
        if self._view is None:
            return self._message
        self._lay_out()
        if not self._pages:
            return Text("")
        return self._pages[self.page]
