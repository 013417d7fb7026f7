"""``facilitate new-plugin``: scaffold an installable plugin package that works from the start.

The package made here has a ``pyproject.toml`` with the ``facilitate`` entry point, a
module with a working example session type and an agenda that uses it, a README, and
tests that use :mod:`facilitate.testing`; its tests pass right after ``pip install -e``.
The templates are package data in ``facilitate/scaffold/``.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from attrs import frozen

from facilitate import __version__
from facilitate.cli import CLIError
from facilitate.reprs import attrs_repr

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")

# template (in facilitate/scaffold/) -> path in the new package ({module} is filled in)
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "module/__init__.py.tmpl": "{module}/__init__.py",
    "module/example.toml.tmpl": "{module}/example.toml",
    "tests/test_module.py.tmpl": "tests/test_{module}.py",
}


@frozen
class PluginNames:
    """Every spelling of a plugin's name that the scaffold needs."""

    __repr__ = attrs_repr

    name: str
    kind: str
    """The activity type, as an agenda names it, and the entry point's name: ``pulse-check``."""
    module: str
    """The import package: ``facilitate_pulse_check``."""
    dist: str
    """The distribution, as pip names it: ``facilitate-pulse-check``."""
    cls: str
    """The activity type's class: ``PulseCheck``."""
    title: str
    """A name for people: ``Pulse check``."""

    @classmethod
    def from_name(cls, name: str) -> PluginNames:
        given = name
        name = name.strip().lower()
        for prefix in ("facilitate-", "facilitate_"):
            if name.startswith(prefix):
                name = name[len(prefix) :]
        if not _NAME.match(name):
            raise CLIError(
                f"plugin name {given!r}: expected lowercase letters and digits, words joined"
                " by dashes, starting with a letter (like pulse-check)"
            )
        words = re.split(r"[-_]", name)
        kind = "-".join(words)
        return cls(
            name=name,
            kind=kind,
            module="facilitate_" + "_".join(words),
            dist="facilitate-" + kind,
            cls="".join(word.capitalize() for word in words),
            title=" ".join(words).capitalize(),
        )

    def substitutions(self) -> dict[str, str]:
        return {
            "name": self.name,
            "kind": self.kind,
            "module": self.module,
            "dist": self.dist,
            "cls": self.cls,
            "title": self.title,
            "facilitate_version": _release(__version__),
        }


def _release(version: str) -> str:
    """The ``X.Y`` of a version, for a ``>=`` requirement that a dev build still meets."""
    parts = re.findall(r"\d+", version)[:2]
    return ".".join(parts) if parts else "0"


def render_scaffold(names: PluginNames) -> dict[str, str]:
    """The new package's files: relative path -> text."""
    root = resources.files("facilitate") / "scaffold"
    values = names.substitutions()
    files = {}
    for template, target in FILES.items():
        text = (root / template).read_text(encoding="utf-8")
        files[target.format(module=names.module)] = Template(text).substitute(values)
    return files


def _clashes(names: PluginNames) -> str | None:
    """Why this name cannot be used in this environment, if it cannot."""
    if importlib.util.find_spec(names.module) is not None:
        return f"a module named {names.module!r} is already importable here; choose another name"
    from facilitate.plugins import default_plugins

    plugins = default_plugins()
    if names.kind in plugins.activity_types:
        owner = plugins.owner(names.kind)
        return (
            f"an activity type {names.kind!r} is already installed (from the plugin"
            f" {owner!r}); choose another name"
        )
    return None


def create_plugin(name: str, directory: Path) -> tuple[Path, PluginNames]:
    """Write a new plugin package into ``directory/facilitate-NAME``; returns its path."""
    names = PluginNames.from_name(name)
    clash = _clashes(names)
    if clash:
        raise CLIError(clash)
    target = directory / names.dist
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CLIError(f"{target} already exists and is not empty; choose another --dir")
    files = render_scaffold(names)
    for relative, text in files.items():
        path = target / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CLIError(f"cannot write {path}: {error.strerror or error}") from None
    return target, names


def cmd_new_plugin(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    if directory.exists() and not directory.is_dir():
        raise CLIError(f"--dir {directory}: not a directory")
    target, names = create_plugin(args.name, directory)
    print(f"created {target}/ with the session type {names.kind!r} ({names.module}.{names.cls})")
    print(
        f"""
next steps:
  cd {target}
  pip install -e .                 # in the environment where facilitate is installed
  pytest                           # the tests use facilitate.testing: no phone needed
  facilitate plugins               # lists {names.kind!r}
  facilitate new --from {names.kind}-example workshop.toml
  facilitate check workshop.toml

The plugin guide (docs/plugins.md in facilitate) explains each part and every hook."""
    )
    return 0


def add_commands(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new-plugin",
        help="scaffold a plugin package with a working session type and its tests",
        description=(
            "Write a new installable plugin package, facilitate-NAME, with a working example"
            " session type, an agenda that uses it, a README and tests."
        ),
    )
    parser.add_argument("name", metavar="NAME", help="the plugin's name, like pulse-check")
    parser.add_argument(
        "--dir",
        default=".",
        metavar="DIR",
        help="where to create the package folder (default: the current directory)",
    )
    parser.set_defaults(func=cmd_new_plugin)
