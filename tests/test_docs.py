"""The plugin guide cannot drift: every hook, API name and contract member is in it, as it is.

The tutorial's code is also run: its blocks make a plugin package whose tests must pass.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from facilitate import api, testing
from facilitate.activity import ActivityType
from facilitate.forms import ANSWER_MESSAGES, FIELD_KINDS
from facilitate.plugins import Plugins
from facilitate.views import BLOCK_KINDS

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
TEXT = GUIDE.read_text(encoding="utf-8")


def section(title: str, level: int = 2) -> str:
    """The guide's text under a heading, up to the next heading of the same level or higher.

    Lines inside fenced code blocks are never headings (a ``# comment`` in Python is not).
    """
    lines = TEXT.splitlines()
    in_code = False
    start = None
    for number, line in enumerate(lines):
        if line.startswith("```"):
            in_code = not in_code
            continue
        heading = re.match(r"(#+) ", line) if not in_code else None
        if heading and start is not None and len(heading.group(1)) <= level:
            return "\n".join(lines[start:number])
        if heading and line == f"{'#' * level} {title}":
            start = number + 1
    assert start is not None, f"docs/plugins.md has no {'#' * level} {title!r} section"
    return "\n".join(lines[start:])


def hookspecs() -> dict[str, Any]:
    """Every hook the plugin manager knows, with its spec, as plugins would see them."""
    manager = Plugins(entry_points=False).manager
    return {
        name: caller.spec
        for name, caller in vars(manager.hook).items()
        if not name.startswith("_") and caller.has_spec()
    }


def _annotation(annotation: Any) -> str:
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def signature_line(function: Any) -> str:
    """``def name(arg: Type, ...) -> Return``, as the guide writes it."""
    signature = inspect.signature(function)
    params = []
    for parameter in signature.parameters.values():
        assert parameter.kind is parameter.POSITIONAL_OR_KEYWORD, (
            f"{function.__name__}: hooks are called with keyword arguments; "
            f"{parameter.name} should be a plain parameter"
        )
        text = parameter.name
        if parameter.annotation is not parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not parameter.empty:
            text += f" = {parameter.default!r}"
        params.append(text)
    returns = signature.return_annotation
    arrow = "" if returns is signature.empty else f" -> {_annotation(returns)}"
    return f"def {function.__name__}({', '.join(params)}){arrow}"


HOOKS = hookspecs()


def test_there_are_hooks_to_document() -> None:
    assert "facilitate_activity_types" in HOOKS


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_is_documented_with_its_exact_signature(name: str) -> None:
    spec = HOOKS[name]
    documented = section(f"`{name}`", level=3)
    expected = signature_line(spec.function)
    assert f"```python\n{expected}\n```" in documented, (
        f"the reference of {name} in docs/plugins.md must show its signature as:\n{expected}"
    )
    assert "Called" in documented, f"say when {name} is called"
    assert "Return" in documented, f"say what {name}'s return value means"
    if spec.opts.get("firstresult"):
        assert "first" in documented and "non-None" in documented, (
            f"{name} is firstresult: say that the first non-None result wins"
        )
    if spec.opts.get("historic"):
        assert "historic" in documented.lower(), f"{name} is historic: say so"


def test_the_reference_documents_no_hook_that_does_not_exist() -> None:
    reference = section("Hook reference")
    documented = set(re.findall(r"^### `(facilitate_\w+)`", reference, re.M))
    assert documented == set(HOOKS)


def test_the_signature_line_is_what_a_reader_expects() -> None:
    def facilitate_example(register: Any, count: int = 3) -> None:
        """A stand-in hook."""

    assert signature_line(facilitate_example) == (
        "def facilitate_example(register: Any, count: int = 3) -> None"
    )


@pytest.mark.parametrize("name", api.__all__)
def test_every_public_api_name_is_in_the_api_reference(name: str) -> None:
    reference = section("Public API reference (`facilitate.api`)")
    assert re.search(rf"`{re.escape(name)}\b", reference), (
        f"facilitate.api.{name} is not mentioned in the API reference of docs/plugins.md"
    )


def test_the_testing_reference_covers_the_harness() -> None:
    reference = section("Testing reference (`facilitate.testing`)")
    public = list(testing.__all__) + [
        name for name in vars(testing.Rehearsal) if not name.startswith("_")
    ]
    missing = [name for name in public if not re.search(rf"`(await )?{name}\b", reference)]
    assert missing == []


def test_every_field_kind_and_its_wire_format_is_documented() -> None:
    table = section("Field kinds and their wire format", level=4)
    for field_class in FIELD_KINDS:
        assert f"| `{field_class.kind}` | `{field_class.__name__}` |" in table


def test_every_answer_error_code_is_documented() -> None:
    reference = section("Public API reference (`facilitate.api`)")
    for code in ANSWER_MESSAGES:
        assert f"`{code}`" in reference, code


def test_every_view_block_is_documented() -> None:
    table = section("View blocks", level=3)
    for block in BLOCK_KINDS:
        assert f"| `{block.__name__}` |" in table


def test_every_member_of_the_activity_type_contract_is_documented() -> None:
    contract = section("The activity type contract")
    members = ["kind", "title", "Config"] + [
        name
        for name, value in vars(ActivityType).items()
        if callable(value) and not name.startswith("_")
    ]
    missing = [m for m in members if not re.search(rf"\| `{m}[`(]", contract)]
    assert missing == []


# -- the tutorial runs ---------------------------------------------------------------------


def example_files(title: str) -> dict[str, str]:
    """A section's code blocks, grouped by the file their first-line comment names."""
    files: dict[str, str] = {}
    for block in re.findall(r"```(?:python|po)\n(.*?)```", section(title), re.S):
        first, _, body = block.partition("\n")
        match = re.fullmatch(r"# ([\w/]+\.(?:py|po))", first.strip())
        if match:
            files[match.group(1)] = files.get(match.group(1), "") + body + "\n"
    return files


def run_example(tmp_path: Path, files: dict[str, str]) -> str:
    """Write an example plugin and its tests; run them; their pytest output."""
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "FACILITATE_PLUGINS"}
    env["PYTHONPATH"] = str(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_tutorial_builds_a_plugin_whose_tests_pass(tmp_path: Path) -> None:
    files = example_files('Tutorial: a "100 points" budget')
    assert set(files) == {
        "facilitate_budget/__init__.py",
        "facilitate_budget/locale/es/LC_MESSAGES/facilitate_budget.po",
        "tests/test_facilitate_budget.py",
    }
    assert "8 passed" in run_example(tmp_path, files)


def test_the_actor_map_example_works_as_shown(tmp_path: Path) -> None:
    files = example_files("Worked example: an actor map with `Scatter`")
    assert set(files) == {"facilitate_actormap/__init__.py", "tests/test_facilitate_actormap.py"}
    assert "2 passed" in run_example(tmp_path, files)
