"""One ``__repr__`` for facilitate's attrs classes, instead of one compiled for each.

attrs writes the source of a class's methods and compiles it when the class is made.
facilitate makes about seventy such classes before the console draws its first frame,
and compiling their ``__repr__`` alone took about 7 ms of it (issue 13, the first frame
within 1.5x a bare Textual app). A class that says ``__repr__ = attrs_repr`` keeps every
other method attrs makes, and attrs, seeing a ``__repr__`` of the class's own, writes
none. The text is exactly what attrs's would be (``tests/test_reprs.py`` compares them):
``Name(field=value, ...)``, without the fields declared ``repr=False``, through a field's
own ``repr`` callable, and ``...`` for an object met again inside itself.
"""

from __future__ import annotations

import threading
from typing import Any

from attrs import NOTHING

_repring = threading.local()
"""The objects each thread is writing the repr of (a cycle prints ``...``)."""


def attrs_repr(self: Any) -> str:
    """``self`` as attrs's generated ``__repr__`` writes it."""
    seen: set[int] | None = getattr(_repring, "ids", None)
    if seen is None:
        seen = _repring.ids = set()
    key = id(self)
    if key in seen:
        return "..."
    seen.add(key)
    try:
        fields = []
        for field in type(self).__attrs_attrs__:
            if field.repr is False:
                continue
            value = getattr(self, field.name) if field.init else getattr(self, field.name, NOTHING)
            shown = repr(value) if field.repr is True else f"{field.repr(value)}"
            fields.append(f"{field.name}={shown}")
        name = type(self).__qualname__.rsplit(">.", 1)[-1]
        return f"{name}({', '.join(fields)})"
    finally:
        seen.discard(key)
