"""Make participant text safe to keep and to show.

Rich and Textual pass ESC through to the terminal, so a participant could otherwise
clear the projector, write to the facilitator's clipboard (OSC 52) or plant a link
(OSC 8). We strip control characters when text comes in and again when it goes out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

# C0 controls except tab and newline, DEL, C1 controls, and the bidi controls that can
# reorder what the room reads (LRE..RLO, LRI..PDI, LRM/RLM/ALM).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def strip_controls(text: str) -> str:
    """Text without control characters or bidi overrides; tabs become spaces."""
    return _UNSAFE.sub("", text).replace("\t", " ")


def clean_text(text: str, *, multiline: bool = True) -> str:
    """Participant text as we keep it: NFC, no controls, trimmed, newlines normalised."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_controls(text)
    if not multiline:
        text = " ".join(text.split())
    else:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip()


def one_line(text: str) -> str:
    """Text squeezed to one line, for lists and tables."""
    return " ".join(strip_controls(text).split())


def primary_language(tag: str) -> str:
    """``"es-MX"`` -> ``"es"``: wording is kept per language, not per region."""
    return tag.split("-")[0].strip().lower()


def for_language(tables: Mapping[str, T], language: str, fallback: str = "en") -> T:
    """The entry of ``tables`` for a language tag, or the ``fallback`` language's."""
    return tables.get(primary_language(language), tables[fallback])
