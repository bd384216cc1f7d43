"""`--home` may follow the command, as people type it: `plg init --home DIR`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from plg_tui.core.command_line import global_options_first
from tests.cli.test_group_cli import PLG


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        (["init", "--home", "/h"], ["--home", "/h", "init"]),
        (["--home", "/h", "init"], ["--home", "/h", "init"]),
        (["pool", "list", "--home=/h"], ["--home=/h", "pool", "list"]),
        (["journal", "add", "--", "--home", "x"], ["journal", "add", "--", "--home", "x"]),
        (["init", "--home"], ["init", "--home"]),  # argparse says the value is missing
    ],
)
def test_home_moves_before_the_command(typed: list[str], parsed: list[str]) -> None:
    assert global_options_first(typed) == parsed


def test_both_programs_take_home_after_the_command(tmp_path: Path) -> None:
    home = tmp_path / "home"
    made = subprocess.run(
        [PLG, "init", "--home", str(home)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert (home / "plg.toml").is_file()
    status = subprocess.run(
        [sys.executable, "-m", "companion.cli", "status", "--home", str(home)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    assert f"no groups in {home}" in status.stdout
