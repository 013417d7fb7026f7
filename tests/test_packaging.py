"""What a user installs: the wheel carries the workshops, catalogs, templates and static files,
and works in a fresh environment with no file from the repository.

The slow test builds the sdist with hatchling's build hooks, the wheel from that sdist with
``pip wheel`` (as ``python -m build`` would: nothing fetched, no build isolation), installs
the wheel into a throwaway virtualenv that sees this environment's dependencies but not
facilitate, and runs each workshop as a facilitator would: new, check, rehearse, report.
"""

from __future__ import annotations

import email
import importlib.metadata
import json
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from markupsafe import escape
from throwaway_venv import clean_env

import facilitate
from facilitate import cli
from facilitate.agenda_templates import shipped_agendas

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
WORKSHOPS = (
    "debida-diligencia",
    "due-diligence",
    "integrated-security",
    "roundtable",
    "stalkerware",
)
DEV_TOOLS = ("ruff", "mypy", "playwright", "hatchling", "import-linter", "editables")


# -- metadata ---------------------------------------------------------------------------


def test_the_version_is_written_once_and_facilitate_version_prints_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "version" not in PROJECT
    assert PROJECT["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "facilitate/__init__.py"
    assert importlib.metadata.version("facilitate") == facilitate.__version__
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"facilitate {facilitate.__version__}\n"


def test_the_declared_license_has_its_file_and_the_project_says_who_and_what() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in license_text
    assert PROJECT["authors"] and PROJECT["maintainers"] and PROJECT["keywords"]
    classifiers = PROJECT["classifiers"]
    assert "Typing :: Typed" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # the SPDX line says it
    assert (ROOT / "facilitate" / "py.typed").is_file()


def test_the_test_extra_holds_only_what_the_fixtures_need_and_dev_tools_are_a_group() -> None:
    assert PROJECT["optional-dependencies"] == {"test": ["pytest>=8"]}
    published = " ".join(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"])
    assert [tool for tool in DEV_TOOLS if tool in published] == []
    dev = " ".join(PYPROJECT["dependency-groups"]["dev"])
    assert [tool for tool in DEV_TOOLS if tool not in dev] == []
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--group dev" in makefile and "'pip>=25.1'" in makefile  # pip reads groups since 25.1


def test_the_pytest_plugin_and_the_shipped_agendas_are_entry_points() -> None:
    points = PROJECT["entry-points"]
    assert points["pytest11"] == {"facilitate": "facilitate.pytest_plugin"}
    assert points["facilitate"]["agendas"] == "facilitate.agenda_templates"
    assert set(WORKSHOPS) | {"demo"} == set(shipped_agendas())


# -- the wheel and the sdist ------------------------------------------------------------


def wheel_packages() -> dict[Path, str]:
    """Each package folder the wheel is built from, and its name in the wheel."""
    folders = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    return {ROOT / folder: Path(folder).name for folder in folders}


def files_the_wheel_must_carry() -> set[str]:
    """Every file of the packages in the tree (no caches), by its path inside the wheel."""
    found = set()
    for folder, name in wheel_packages().items():
        for path in folder.rglob("*"):
            relative = path.relative_to(folder)
            hidden = any(p.startswith(".") or p == "__pycache__" for p in relative.parts)
            if path.is_file() and not hidden and path.suffix != ".pyc":
                found.add(f"{name}/{relative.as_posix()}")
    return found


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_sdist_then_wheel(out: Path) -> tuple[Path, Path]:
    """The sdist from the tree, then the wheel from the unpacked sdist; fetches nothing."""
    build = "import sys, hatchling.build as b; print(b.build_sdist(sys.argv[1]))"
    sdist = out / run(sys.executable, "-c", build, out, cwd=ROOT).strip().splitlines()[-1]
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(out / "unpacked", filter="data")
        else:  # pragma: no cover - Python before 3.11.4
            archive.extractall(out / "unpacked")
    (source,) = (out / "unpacked").iterdir()
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    run(*pip, "--no-index", "--quiet", "--wheel-dir", out, source, cwd=out)
    (wheel,) = out.glob("facilitate-*.whl")
    return sdist, wheel


def venv_with_only_the_dependencies(path: Path) -> Path:
    """A virtualenv that sees this environment's packages except facilitate and its plugins.

    The dependencies are linked one by one into a folder; facilitate (an editable install
    here, pointing at the repository), the example plugin and every ``.pth`` file are left
    out, so whatever facilitate the new environment imports comes from what is installed
    into it.
    """
    ours = Path(sysconfig.get_path("purelib"))
    deps = path.parent / "dependencies"
    deps.mkdir()
    for entry in ours.iterdir():
        name = entry.name.lower()
        if name.startswith(("facilitate", "_editable_impl_", "__editable__")):
            continue
        if name.endswith(".pth"):
            continue
        (deps / entry.name).symlink_to(entry)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    purelib = run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=path
    ).strip()
    (Path(purelib) / "_dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    return python


WHERE_FROM = """
import json, sys, importlib.metadata, facilitate, facilitate_duediligence
from facilitate.tui.cli import DEMO_AGENDA
print(json.dumps({
    "facilitate": facilitate.__file__,
    "plugin": facilitate_duediligence.__file__,
    "demo": str(DEMO_AGENDA),
    "demo_exists": DEMO_AGENDA.exists(),
    "dist": str(importlib.metadata.distribution("facilitate").locate_file("")),
    "path": sys.path,
}))
"""

FIXTURE_TEST = """
from facilitate.agenda_templates import shipped_agendas

def test_a_workshop_from_the_wheel(facilitate_workshop):
    with_type = shipped_agendas()["due-diligence"].read_text(encoding="utf-8")
    rehearsal = facilitate_workshop(with_type, seed=1)
    rehearsal.simulate(6, "five-ps")
    assert rehearsal.assert_tally_consistent("five-ps").answers == 6
"""


@pytest.mark.slow
def test_the_wheel_alone_runs_every_workshop(tmp_path: Path) -> None:
    """The issue's definition of done: from the wheel, with no file from the repository."""
    sdist, wheel = build_sdist_then_wheel(tmp_path / "dist")

    # The wheel carries every file of the packages: code, agendas, catalogs, templates,
    # static files, the scaffold and py.typed; and the license in its metadata.
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = email.message_from_bytes(
            archive.read(f"facilitate-{facilitate.__version__}.dist-info/METADATA")
        )
    carried = {name for name in names if ".dist-info/" not in name}
    assert carried == files_the_wheel_must_carry()
    for suffix, at_least in ((".po", 25), (".html", 15), (".css", 3), (".js", 2), (".toml", 5)):
        assert sum(name.endswith(suffix) for name in carried) >= at_least, suffix
    assert {f"facilitate/agendas/{name}.toml" for name in shipped_agendas()} <= carried
    assert "facilitate/py.typed" in carried
    assert f"facilitate-{facilitate.__version__}.dist-info/licenses/LICENSE" in names
    assert metadata["License-Expression"] == "Apache-2.0"
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    assert metadata.get_all("Provides-Extra") == ["test"]
    requires = " ".join(metadata.get_all("Requires-Dist"))
    assert [tool for tool in DEV_TOOLS if tool in requires] == []

    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "facilitate/agendas/demo.toml"} <= in_sdist
    assert not [name for name in in_sdist if name.startswith("agendas/")]  # the link's target

    # A fresh environment: the wheel's facilitate, this environment's dependencies.
    python = venv_with_only_the_dependencies(tmp_path / "venv")
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel, cwd=tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    env = clean_env(FACILITATE_HOME=str(tmp_path / "home"), PYTHONNOUSERSITE="1")
    venv = tmp_path / "venv"

    where = json.loads(run(python, "-c", WHERE_FROM, cwd=work, env=env))
    for key in ("facilitate", "plugin", "demo", "dist"):
        assert Path(where[key]).is_relative_to(venv), (key, where[key])
    assert where["demo_exists"]
    assert not [entry for entry in where["path"] if entry and Path(entry).is_relative_to(ROOT)]

    facilitate_command = venv / "bin" / "facilitate"
    assert run(facilitate_command, "--version", cwd=work, env=env).strip() == (
        f"facilitate {facilitate.__version__}"
    )
    listed = run(facilitate_command, "new", "--list", cwd=work, env=env)
    for name in (*WORKSHOPS, "demo"):
        assert f"\n{name} " in listed, listed
    plugins = json.loads(run(facilitate_command, "plugins", "--json", cwd=work, env=env))
    assert [p["name"] for p in plugins if p["error"]] == []

    for name in WORKSHOPS:
        agenda = work / f"{name}.toml"
        run(facilitate_command, "new", "--from", name, agenda, cwd=work, env=env)
        assert f"{agenda}: ok: " in run(facilitate_command, "check", agenda, cwd=work, env=env)
        rehearsed = run(
            facilitate_command, "rehearse", agenda, "--participants", "5", cwd=work, env=env
        )
        assert "saved" in rehearsed
        report = work / f"{name}.html"
        run(
            facilitate_command,
            "report",
            "latest",
            "--format",
            "html",
            "-o",
            report,
            cwd=work,
            env=env,
        )
        page = report.read_text(encoding="utf-8")
        title = tomllib.loads(agenda.read_text(encoding="utf-8"))["title"]
        assert page.lstrip().lower().startswith("<!doctype html")
        assert str(escape(title)) in page
        assert "<style" in page  # the report's stylesheet, from the wheel's templates

    # The room's language comes from the wheel's catalogs.
    spanish = work / "demo-es.toml"
    run(facilitate_command, "new", "--from", "demo", spanish, cwd=work, env=env)
    text = spanish.read_text(encoding="utf-8").replace('\nlanguage = "en"', '\nlanguage = "es"')
    spanish.write_text(text, encoding="utf-8")
    args = ("rehearse", spanish, "--participants", "5", "--in-process")
    run(facilitate_command, *args, cwd=work, env=env)
    page = run(facilitate_command, "report", "latest", "--format", "html", cwd=work, env=env)
    assert 'lang="es"' in page and "Previsto" in page

    # The pytest plugin of the wheel gives its fixtures.
    (work / "test_from_the_wheel.py").write_text(FIXTURE_TEST, encoding="utf-8")
    tests = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=work, env=env)
    assert "1 passed" in tests
