"""Entry points of one group, read straight from the ``*.dist-info`` folders on sys.path.

``importlib.metadata`` finds the same entry points, but importing it pulls in the email
parser, ``zipfile``, ``csv`` and more, and reading a version parses each package's whole
``METADATA``: together about a third of what ``facilitate check`` spent. This module
reads the same files the same way (the folders on ``sys.path`` in order, the first
distribution of each name, ``entry_points.txt`` as ``importlib.metadata`` parses it)
and leaves the work to ``importlib.metadata`` wherever it
would have to do more: a zip file or an ``.egg`` on sys.path, another finder that
provides distributions, a file it does not read the same way. Nothing is cached on disk.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from functools import reduce
from importlib import import_module
from pathlib import Path
from typing import Any

_PATTERN = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
"""``importlib.metadata.EntryPoint.pattern``: ``module``, ``module:attr``, extras."""


_HEADER_NAME = re.compile(r"[\041-\071\073-\176]+")
"""A header's name as the email parser reads one (printable, no space, no colon)."""


class _GiveUp(Exception):
    """Something ``importlib.metadata`` should read itself."""


class Distribution:
    """Where a distribution's metadata lives; its version is read when asked for."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._version: tuple[str | None] | None = None

    @property
    def version(self) -> str | None:
        """The ``Version`` field of its ``METADATA`` (as ``importlib.metadata`` reads it)."""
        if self._version is None:
            try:
                self._version = (_read_version(self._path),)
            except _GiveUp:
                from importlib import metadata

                self._version = (metadata.PathDistribution(self._path).version,)
        return self._version[0]


class EntryPoint:
    """One entry point: ``name = value`` in a ``[group]`` of ``entry_points.txt``."""

    def __init__(self, name: str, value: str, group: str, dist: Distribution) -> None:
        self.name = name
        self.value = value
        self.group = group
        self.dist = dist

    def load(self) -> Any:
        """The object the entry point names (importing its module)."""
        match = _PATTERN.match(self.value)
        if match is None:  # importlib.metadata raises its own error for it
            from importlib import metadata

            return metadata.EntryPoint(self.name, self.value, self.group).load()
        module = import_module(match.group("module"))
        attributes = filter(None, (match.group("attr") or "").split("."))
        return reduce(getattr, attributes, module)

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"


def entry_points(group: str) -> list[Any]:
    """The entry points of ``group``, in the order ``importlib.metadata.entry_points``
    gives them (its own objects if this module could not read them itself)."""
    return entry_points_of(group)[group]


def entry_points_of(*groups: str) -> dict[str, list[Any]]:
    """The entry points of each group, read in one pass over the installed metadata."""
    try:
        found: dict[str, list[Any]] = {group: [] for group in groups}
        for entry_point in _read_groups(set(groups)):
            found[entry_point.group].append(entry_point)
        return found
    except _GiveUp:
        from importlib import metadata

        return {group: list(metadata.entry_points(group=group)) for group in groups}


def _read_groups(groups: set[str]) -> Iterator[EntryPoint]:
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and getattr(finder, "find_distributions", None):
            raise _GiveUp(f"{finder!r} provides distributions too")
    seen: set[str] = set()
    found = []
    for entry in list(sys.path):
        for path in _distributions_in(entry):
            name = _normalize(path.name.rpartition(".")[0].partition("-")[0])
            if name in seen:
                continue
            seen.add(name)
            found.append(path)
    for path in found:
        dist = Distribution(path)
        for section, name, value in _sections(_read_text(path / "entry_points.txt") or ""):
            if section in groups:
                yield EntryPoint(name, value, section, dist)


def _distributions_in(entry: Any) -> list[Path]:
    """The metadata folders in one sys.path entry, as ``importlib.metadata`` orders them."""
    if not isinstance(entry, str):
        raise _GiveUp(f"sys.path entry {entry!r}")
    root = entry or "."
    if os.path.basename(entry).lower().endswith(".egg"):
        raise _GiveUp(f"an egg on sys.path: {entry}")
    try:
        children = os.listdir(root)
    except NotADirectoryError:
        raise _GiveUp(f"a file on sys.path: {entry}") from None
    except OSError:
        if os.path.isfile(root):
            raise _GiveUp(f"a file on sys.path: {entry}") from None
        return []  # a folder that is not there: nothing in it
    groups: dict[str, list[Path]] = {}
    for child in children:
        low = child.lower()
        if low.endswith((".dist-info", ".egg-info")):
            if not child.endswith((".dist-info", ".egg-info")):
                raise _GiveUp(f"a metadata folder named in capitals: {child}")
            name = _normalize(low.rpartition(".")[0].partition("-")[0])
            groups.setdefault(name, []).append(Path(entry, child))
    return [path for paths in groups.values() for path in paths]


def _normalize(name: str) -> str:
    """``importlib.metadata.Prepared.normalize``."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise _GiveUp(str(error)) from None


def _sections(text: str) -> Iterator[tuple[str, str, str]]:
    """(section, name, value) for each ``name = value`` line, as ``importlib.metadata``'s
    ``Sectioned.section_pairs`` reads them."""
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section is None:
            continue
        name, equals, value = line.partition("=")
        if not equals:
            raise _GiveUp(f"entry point line {line!r}")  # importlib.metadata raises
        yield section, name.strip(), value.strip()


def _read_version(folder: Path) -> str | None:
    """``Version`` from the headers of ``METADATA`` (or ``PKG-INFO``) when they are plain."""
    text = _read_text(folder / "METADATA") or _read_text(folder / "PKG-INFO")
    if not text:
        raise _GiveUp("no METADATA")
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if not line.strip():
            break  # the end of the headers
        name, colon, value = line.partition(":")
        if not colon or not _HEADER_NAME.fullmatch(name) or "\r" in line:
            raise _GiveUp(f"a header line {line!r}")
        if name.lower() == "version":
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if following[:1] in (" ", "\t"):
                raise _GiveUp("a folded Version header")
            return value.lstrip(" \t")
    raise _GiveUp("no Version header")
