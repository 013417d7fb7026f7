"""The core runs without the terminal UI or the web server: it imports neither toolkit."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from facilitate.cli import COMMAND_MODULES

CORE = (
    "facilitate.model",
    "facilitate.agenda",
    "facilitate.engine",
    "facilitate.store",
    "facilitate.plugins",
    "facilitate.hookspecs",
    "facilitate.activity",
    "facilitate.forms",
    "facilitate.views",
    "facilitate.clock",
    "facilitate.events",
    "facilitate.text",
    "facilitate.anonymity",
    "facilitate.activities",
    "facilitate.api",
    "facilitate.random_answers",
    "facilitate.testing",
    "facilitate.devkit",
)
UI_TOOLKITS = ("textual", "aiohttp")


def toolkits_pulled_in(steps: list[str]) -> dict[str, list[str]]:
    """Run each step in turn in a fresh interpreter; which toolkits each one pulled in."""
    script = f"""
import json, sys
steps = {steps!r}
found = {{}}
for step in steps:
    before = set(sys.modules)
    exec(step)
    new = {{name.split(".")[0] for name in set(sys.modules) - before}}
    found[step] = sorted(new & {set(UI_TOOLKITS)!r})
print(json.dumps(found))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    found: dict[str, list[str]] = json.loads(result.stdout.splitlines()[-1])
    return {step: toolkits for step, toolkits in found.items() if toolkits}


def test_the_core_imports_neither_textual_nor_aiohttp() -> None:
    assert toolkits_pulled_in([f"import {module}" for module in CORE]) == {}


def test_the_command_line_parser_imports_neither() -> None:
    """`facilitate check` builds the whole parser: subcommand modules import toolkits lazily."""
    built = [module for module in COMMAND_MODULES if importlib.util.find_spec(module) is not None]
    steps = [f"import {module}" for module in built]
    steps.append("from facilitate.cli import build_parser; build_parser()")
    assert toolkits_pulled_in(steps) == {}


def test_loading_the_installed_plugins_imports_neither() -> None:
    assert toolkits_pulled_in(["from facilitate.plugins import Plugins; Plugins()"]) == {}
