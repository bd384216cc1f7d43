"""`plg init` on an existing data home makes it, groups/ and keys/ private again (0700)."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.cli.test_group_cli import run


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_tightens_an_existing_home_and_says_so(tmp_path):
    home = tmp_path / "h"
    assert run("--home", str(home), "init").returncode == 0
    assert {mode(home), mode(home / "groups"), mode(home / "keys")} == {0o700}
    home.chmod(0o755)
    (home / "groups").chmod(0o775)
    (home / "keys").chmod(0o750)
    result = run("--home", str(home), "init")
    assert result.returncode == 0, result.stderr
    assert {mode(home), mode(home / "groups"), mode(home / "keys")} == {0o700}
    assert f"made private: {home} (mode 755 -> 700" in result.stdout
    assert f"made private: {home / 'groups'} (mode 775 -> 700" in result.stdout
    assert f"made private: {home / 'keys'} (mode 750 -> 700" in result.stdout
    again = run("--home", str(home), "init")
    assert "made private" not in again.stdout  # nothing to say when nothing changed


def test_init_does_not_follow_a_link(tmp_path):
    home = tmp_path / "h"
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir(mode=0o755)
    elsewhere.chmod(0o755)
    home.mkdir(mode=0o755)
    (home / "groups").symlink_to(elsewhere)
    result = run("--home", str(home), "init")
    assert result.returncode == 0, result.stderr
    assert mode(home) == 0o700
    assert mode(elsewhere) == 0o755
