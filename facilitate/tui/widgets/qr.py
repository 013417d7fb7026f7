"""A QR code drawn black on white with half blocks, as large as the space allows.

Each module is a square of cells (two module rows per character row), scaled up by a
whole number so the code stays sharp; the quiet zone is kept, since phones read a code
far better with it, and the colours are explicit so a dark or light terminal theme
cannot invert the code.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from facilitate.i18n import N_

TOO_SMALL = N_("(make the window larger to show the QR code)")
"""Said where the code cannot fit; the screen gives it in its own language (``too_small``)."""

DARK = "#000000"
LIGHT = "#ffffff"
QUIET_ZONE = 4
"""Modules of light border around the code, as :data:`facilitate.qr.QUIET_ZONE`."""
SMALLEST_QUIET_ZONE = 2
"""When space is short, a narrower quiet zone still scans on the phones we tried."""

# Light modules are drawn as ink on a dark background, so the code also reads right when
# colour is off (NO_COLOR) on the usual light-on-dark terminal; with colour on, the
# explicit white-on-black makes it black on white whatever the theme.
_PAPER = Style(color=LIGHT, bgcolor=DARK)
_GLYPHS = {
    (False, False): "█",
    (False, True): "▀",
    (True, False): "▄",
    (True, True): " ",
}


@lru_cache(maxsize=16)
def _matrix(data: str, border: int) -> tuple[tuple[bool, ...], ...]:
    # The QR library is loaded on the first code drawn, not before the console's first frame.
    from facilitate.qr import qr_matrix

    return tuple(tuple(row) for row in qr_matrix(data, border=border))


def fit(data: str, width: int, height: int) -> tuple[int, int] | None:
    """The (scale, quiet zone) that draws ``data`` largest in ``width`` x ``height`` cells."""
    for border in (QUIET_ZONE, SMALLEST_QUIET_ZONE):
        modules = len(_matrix(data, border))
        scale = min(width // modules, (2 * height) // modules)
        if scale >= 1:
            return scale, border
    return None


def qr_strips(data: str, scale: int, border: int) -> list[Strip]:
    """The code as rows of segments, two module rows per character row."""
    matrix = _matrix(data, border)
    rows = [tuple(m for m in row for _ in range(scale)) for row in matrix for _ in range(scale)]
    if len(rows) % 2:
        rows.append(tuple(False for _ in rows[0]))
    strips = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        text = "".join(_GLYPHS[key] for key in zip(top, bottom, strict=True))
        strips.append(Strip([Segment(text, _PAPER)], len(top)))
    return strips


class QRCode(Widget):
    """Shows ``data`` as a QR code centred in the widget, or a note if it cannot fit."""

    DEFAULT_CSS = """
    QRCode { width: 1fr; height: 1fr; }
    """

    def __init__(self, data: str = "", *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._data = data
        self._strips: list[Strip] = []
        self._key: tuple[str, int, int] | None = None
        self._too_small = TOO_SMALL

    @property
    def too_small(self) -> str:
        return self._too_small

    @too_small.setter
    def too_small(self, words: str) -> None:
        if words != self._too_small:
            self._too_small = words
            self.refresh()

    @property
    def data(self) -> str:
        return self._data

    def set_data(self, data: str) -> None:
        if data != self._data:
            self._data = data
            self._key = None
            self.refresh(layout=True)

    def code_size(self, width: int, height: int) -> Size:
        """Cells the code takes when given up to ``width`` x ``height``."""
        if not self._data:
            return Size(0, 0)
        fitted = fit(self._data, width, height)
        if fitted is None:
            return Size(0, 0)
        scale, border = fitted
        modules = len(_matrix(self._data, border)) * scale
        return Size(modules, (modules + 1) // 2)

    def _layout(self) -> list[Strip]:
        width, height = self.size
        key = (self._data, width, height)
        if key != self._key:
            self._key = key
            fitted = fit(self._data, width, height) if self._data else None
            self._strips = qr_strips(self._data, *fitted) if fitted else []
        return self._strips

    def render_line(self, y: int) -> Strip:
        strips = self._layout()
        width, height = self.size
        background = self.rich_style
        if not strips:
            note = textwrap.wrap(self._too_small, max(1, width)) if self._data else []
            index = y - (height - len(note)) // 2
            if 0 <= index < len(note):
                text = note[index][:width].center(width)
                return Strip([Segment(text, background)], width)
            return Strip.blank(width, background)
        top = max(0, (height - len(strips)) // 2)
        index = y - top
        if not 0 <= index < len(strips):
            return Strip.blank(width, background)
        strip = strips[index]
        left = max(0, (width - strip.cell_length) // 2)
        return Strip([Segment(" " * left, background), *strip]).extend_cell_length(
            width, background
        )
