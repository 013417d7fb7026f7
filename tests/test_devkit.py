"""`facilitate new-plugin` makes a package that works at once, and the example plugin is live."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from throwaway_venv import clean_env, venv_that_sees_this_one

from facilitate import cli
from facilitate.devkit import PluginNames, render_scaffold
from facilitate.testing import Rehearsal

ROOT = Path(__file__).resolve().parent.parent


def scaffold(tmp_path: Path, name: str = "pulse-check") -> Path:
    assert cli.main(["new-plugin", name, "--dir", str(tmp_path)]) == 0
    return tmp_path / f"facilitate-{name}"


# -- names ---------------------------------------------------------------------------


def test_a_name_gives_every_spelling_the_package_needs() -> None:
    names = PluginNames.from_name("facilitate-Budget_points")
    assert (names.kind, names.module, names.dist, names.cls, names.title) == (
        "budget-points",
        "facilitate_budget_points",
        "facilitate-budget-points",
        "BudgetPoints",
        "Budget points",
    )


@pytest.mark.parametrize("name", ["9lives", "two words", "dash-", "x--y", "ünï", ""])
def test_a_bad_name_is_refused_with_what_is_expected(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["new-plugin", name, "--dir", str(tmp_path)]) == 1
    assert "expected lowercase letters and digits" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_name_taken_by_an_installed_type_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["new-plugin", "choice", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "an activity type 'choice' is already installed (from the plugin 'core')" in err


def test_a_name_whose_module_exists_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["new-plugin", "fist-to-five", "--dir", str(tmp_path)]) == 1
    assert "'facilitate_fist_to_five' is already importable" in capsys.readouterr().err


def test_an_existing_folder_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "facilitate-pulse-check"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert cli.main(["new-plugin", "pulse-check", "--dir", str(tmp_path)]) == 1
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_an_unwritable_place_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert cli.main(["new-plugin", "pulse-check", "--dir", str(blocker / "sub")]) == 1
    assert "cannot write" in capsys.readouterr().err


# -- what the scaffold writes --------------------------------------------------------------


def test_the_scaffold_writes_an_installable_package(tmp_path: Path) -> None:
    package = scaffold(tmp_path)
    files = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "facilitate_pulse_check/__init__.py",
        "facilitate_pulse_check/example.toml",
        "pyproject.toml",
        "tests/test_facilitate_pulse_check.py",
    ]
    project = tomllib.loads((package / "pyproject.toml").read_text())
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert project["project"]["name"] == "facilitate-pulse-check"
    assert project["project"]["entry-points"]["facilitate"] == {
        "pulse-check": "facilitate_pulse_check"
    }
    assert "facilitate new --from pulse-check-example" in (package / "README.md").read_text()


def test_the_scaffolded_code_is_lint_clean(tmp_path: Path) -> None:
    package = scaffold(tmp_path)
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed next to this python")
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [str(ruff), *args, "--no-cache"], cwd=package, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_no_placeholder_is_left_unfilled() -> None:
    for path, text in render_scaffold(PluginNames.from_name("pulse-check")).items():
        assert "${" not in text, path


def test_the_scaffolded_tests_pass_before_installing(tmp_path: Path) -> None:
    """The plugin is registered by the harness's fixture; only the entry-point test skips."""
    package = scaffold(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        env=clean_env(PYTHONPATH=str(package)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed, 1 skipped" in result.stdout


@pytest.mark.slow
def test_an_installed_scaffold_is_listed_tested_and_usable_in_an_agenda(tmp_path: Path) -> None:
    """The issue's definition of done, in a throwaway environment built on this one."""
    package = scaffold(tmp_path)
    python = venv_that_sees_this_one(tmp_path / "venv")
    env = clean_env()

    def run(*args: str, cwd: Path = tmp_path) -> str:
        result = subprocess.run(
            [str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run(
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-e",
        str(package),
    )
    listed = {p["name"]: p for p in json.loads(run("-m", "facilitate.cli", "plugins", "--json"))}
    assert listed["pulse-check"]["activity_types"] == ["pulse-check"]
    assert listed["pulse-check"]["templates"] == ["pulse-check-example"]
    assert listed["pulse-check"]["error"] is None

    run("-m", "facilitate.cli", "new", "--from", "pulse-check-example", "day.toml")
    assert "day.toml: ok" in run("-m", "facilitate.cli", "check", "day.toml")

    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package)
    assert "9 passed" in tests
    assert "skipped" not in tests

    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("facilitate-pulse-check")  # this env is untouched


# -- the example third-party plugin, installed through its entry point -------------------


EXAMPLE_AGENDA = """
title = "Deciding together"
k = 3

[[items]]
title = "Fist to five"
duration = "5m"
[items.activity]
type = "fist-to-five"
proposal = "We meet only at places we checked together."
"""


@pytest.fixture
def example_installed() -> None:
    try:
        importlib.metadata.distribution("facilitate-fist-to-five")
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(
            "the example plugin is not installed: run `make` (or `pip install --no-deps"
            " --no-build-isolation -e tests/example_plugin`)"
        )


@pytest.mark.usefixtures("example_installed")
def test_the_example_plugin_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["plugins", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    example = listed["fist-to-five"]
    assert example["module"] == "facilitate_fist_to_five"
    assert example["activity_types"] == ["fist-to-five"]
    assert example["error"] is None


@pytest.mark.usefixtures("example_installed")
def test_an_agenda_using_the_example_plugin_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = tmp_path / "shipped.toml"
    assert cli.main(["new", "--from", "fist-to-five-example", str(shipped)]) == 0
    written = tmp_path / "written.toml"
    written.write_text(EXAMPLE_AGENDA, encoding="utf-8")
    assert cli.main(["check", str(shipped), str(written)]) == 0
    assert capsys.readouterr().out.count(": ok:") == 2


@pytest.mark.usefixtures("example_installed")
def test_an_agenda_with_a_typo_for_the_example_plugin_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agenda = tmp_path / "typo.toml"
    agenda.write_text(EXAMPLE_AGENDA + "discus_below = 2\n", encoding="utf-8")
    assert cli.main(["check", str(agenda)]) == 1
    err = capsys.readouterr().err
    assert "item 1 'Fist to five': activity.discus_below: unknown key" in err
    assert "did you mean 'discuss_below'?" in err


@pytest.mark.usefixtures("example_installed")
def test_a_rehearsal_tallies_the_example_plugin() -> None:
    with Rehearsal(EXAMPLE_AGENDA, seed=3) as rehearsal:  # the installed plugins, as run uses
        rehearsal.simulate(10)
        rehearsal.approve_all()
        result = rehearsal.assert_tally_consistent()
        assert result.answers == sum(result.counts) == 10
        rehearsal.reveal()
        shown = rehearsal.public_view()
        assert shown is not None
        assert "10 hands" in rehearsal.text()
        assert "Fist: I block this" in rehearsal.text(report=True)


def test_the_scaffolded_package_and_its_tests_pass_mypy_strict(tmp_path: Path) -> None:
    """facilitate is typed (py.typed): a plugin checks its use of facilitate.api and
    facilitate.testing with mypy --strict, as an installed package, from its own folder."""
    package = scaffold(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "facilitate_pulse_check",
            "tests",
        ],
        cwd=package,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 2 source files" in result.stdout
