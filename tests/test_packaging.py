"""A non-editable install finds the bundled modules (they ship inside the wheel)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_modules_and_installed_plg_finds_them(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = wheels.glob("plg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "plg_tui/bundled_modules/giving-feedback.toml" in names
    assert "plg_tui/bundled_modules/trust-building.toml" in names

    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    # Only the installed copy and the venv's dependencies on the path; not the checkout.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]]),
        "PYTHONSAFEPATH": "1",
    }
    code = (
        "import plg_tui, sys\n"
        "from plg_tui.cli import main\n"
        "assert plg_tui.__file__.startswith(sys.argv[1]), plg_tui.__file__\n"
        "sys.exit(main(['modules', 'list']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "giving-feedback\t" in result.stdout
    assert len(result.stdout.splitlines()) >= 12
