"""QR codes for the join URL and the Wi-Fi network: as terminal text, as a matrix, as SVG.

The terminal version packs two module rows into one character row with half blocks,
so a join code fits on a projected terminal; the SVG is one path, small enough to
inline in the projector page and in handouts.
"""

from __future__ import annotations

import qrcode
import qrcode.constants
from markupsafe import Markup

QUIET_ZONE = 4
"""Modules of light border every reader expects around a code (the standard's minimum)."""


def qr_matrix(data: str, *, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The code as rows of modules, ``True`` for dark, quiet zone included."""
    code = qrcode.QRCode(border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


_HALF_BLOCKS = {
    (False, False): "\u2588",  # both light: full block (light is drawn, dark is the background)
    (True, False): "\u2584",  # top dark, bottom light: lower half block
    (False, True): "\u2580",  # top light, bottom dark: upper half block
    (True, True): " ",
}


def qr_text(data: str, *, border: int = QUIET_ZONE) -> str:
    """The code as half-block characters, two module rows per line.

    Light modules are drawn and dark ones left as the (dark) terminal background, so
    the code reads correctly on the usual light-on-dark terminal and projector.
    """
    matrix = qr_matrix(data, border=border)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    lines = []
    for top, bottom in zip(matrix[0::2], matrix[1::2], strict=True):
        lines.append("".join(_HALF_BLOCKS[(a, b)] for a, b in zip(top, bottom, strict=True)))
    return "\n".join(lines)


def qr_svg(data: str, *, border: int = QUIET_ZONE, title: str = "") -> Markup:
    """The code as a standalone SVG element that scales to its container."""
    matrix = qr_matrix(data, border=border)
    size = len(matrix)
    path = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                path.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    label = Markup("<title>{}</title>").format(title) if title else ""
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        'shape-rendering="crispEdges" role="img">{label}'
        '<rect width="{size}" height="{size}" fill="#fff"/>'
        '<path d="{path}" fill="#000"/></svg>'
    ).format(size=size, label=label, path="".join(path))


def _wifi_escape(text: str) -> str:
    """Backslash the characters the ``WIFI:`` scheme gives a meaning to."""
    for special in ("\\", ";", ",", ":", '"'):
        text = text.replace(special, "\\" + special)
    return text


def wifi_qr_payload(
    ssid: str, password: str, security: str = "WPA", *, hidden: bool = False
) -> str:
    """The text of a Wi-Fi QR code, which phones offer to join on scanning.

    ``security`` is ``WPA`` (also WPA2/WPA3 personal), ``WEP`` or ``nopass`` for an open
    network, in which case the password is left out.
    """
    if not ssid:
        raise ValueError("a Wi-Fi network needs a name (SSID)")
    security = security.upper() if security.lower() != "nopass" else "nopass"
    if security not in ("WPA", "WEP", "nopass"):
        raise ValueError(f"security must be WPA, WEP or nopass, got {security!r}")
    parts = [f"T:{security}", f"S:{_wifi_escape(ssid)}"]
    if security != "nopass":
        if not password:
            raise ValueError(f"a {security} network needs a password")
        parts.append(f"P:{_wifi_escape(password)}")
    if hidden:
        parts.append("H:true")
    return "WIFI:" + ";".join(parts) + ";;"
