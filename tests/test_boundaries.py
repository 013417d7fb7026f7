"""The boundaries the design draws, as import contracts (``[tool.importlinter]`` in pyproject).

The core imports neither the terminal UI nor the web server; the TUI's screens and
widgets do not import the server; plugins, ours too, import only ``facilitate.api``.
``make lint`` checks the same contracts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold() -> None:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.fail("import-linter is not installed; `make test` installs it with the test extra")
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_html_is_escaped_one_way_only() -> None:
    """markupsafe (Jinja2's autoescape, ``Markup.format``) is the only escaping of HTML:
    no module escapes by hand or through the standard library's ``html.escape``."""
    import ast

    found = []
    for path in sorted((ROOT / "facilitate").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "html":
                found.append(f"{path.relative_to(ROOT)}: from html import ...")
            elif isinstance(node, ast.Import) and any(a.name == "html" for a in node.names):
                found.append(f"{path.relative_to(ROOT)}: import html")
            elif isinstance(node, ast.Constant) and node.value in ("&lt;", "&amp;", "&quot;"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: escapes by hand")
    assert found == []
