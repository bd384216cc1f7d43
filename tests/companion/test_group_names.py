"""`plg-companion` refuses group names that are not group names (`..`, absolute paths) in every
command that takes one, and never opens a folder in groups/ whose name breaks the rule."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RULE = "use lowercase letters, digits and hyphens"
EMAIL_TOML = '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'


def companion(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "companion.cli", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PLG_HOME": str(home)},
    )


@pytest.fixture
def home(data_home: Path, make_group) -> Path:
    make_group("team").close()
    (data_home / "plg.toml").write_text(EMAIL_TOML, encoding="utf-8")
    return data_home


@pytest.mark.parametrize("name", ["../team", "../../victim", "/etc", "groups/../team"])
@pytest.mark.parametrize(
    "args",
    [
        ("send", "--dry-run", "--now", "2026-12-02T12:00Z", "--group", "{}"),
        ("run", "--dry-run", "--now", "2026-12-02T12:00Z", "--group", "{}"),
        ("preview", "{}", "--member", "ada@example.org", "--kind", "pairing"),
        ("quarantine", "{}"),
        ("status", "{}", "--now", "2026-12-02T12:00Z"),
    ],
)
def test_every_command_refuses_a_bad_group_name(home, args, name):
    result = companion(home, *(a.format(name) for a in args))
    assert result.returncode != 0
    assert RULE in result.stdout + result.stderr, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_misnamed_folder_is_reported_and_never_opened(home):
    # a copy of a real group under a name no group can have: opening it would work
    odd = home / "groups" / "Team_copy"
    odd.mkdir()
    for item in (home / "groups" / "team").iterdir():
        (odd / item.name).write_bytes(item.read_bytes())
    status = companion(home, "status", "--now", "2026-12-02T12:00Z")
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("Team_copy: skipped (")
    assert f"(group name 'Team_copy': {RULE}" in status.stdout
    assert "\nteam: practice week 1" in status.stdout
    dry = companion(home, "send", "--dry-run", "--now", "2026-12-02T12:00Z")
    assert dry.returncode == 0, dry.stderr
    assert "Team_copy" not in dry.stdout + dry.stderr
