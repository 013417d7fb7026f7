"""A throwaway virtualenv built on the test environment, to install a plugin package into."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "FACILITATE_PLUGINS"}
    env.pop("PYTHONPATH", None)
    return {**env, **extra}


def venv_that_sees_this_one(path: Path) -> Path:
    """A new virtualenv that also sees this environment's packages, which it leaves alone.

    ``--system-site-packages`` would show the base interpreter's packages, not ours; a
    ``.pth`` line that adds our site-packages (and runs its ``.pth`` files, so editable
    installs work) does.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = sysconfig.get_path("purelib")
    (Path(purelib) / "_see_project_env.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n", encoding="utf-8"
    )
    return python


def install_editable(python: Path, package: Path) -> None:
    """Install a plugin package into the throwaway env, fetching nothing."""
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-e",
            str(package),
        ],
        check=True,
        capture_output=True,
        env=clean_env(),
        timeout=180,
    )
