"""Group names reach the file system: a name that is not a group name never leaves the data home.

Every `plg` command that takes a group refuses `..`, absolute paths and other names that break
the rule of `plg group create`, names the rule, exits non-zero and touches nothing; purge also
refuses group folders and key files that are links.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_group_cli import create, run

RULE = "use lowercase letters, digits and hyphens"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder beside the data home that a bad name would reach."""
    folder = tmp_path / "victim"
    (folder / "inner").mkdir(parents=True)
    (folder / "precious.txt").write_text("keep me")
    (folder / "inner" / "keyring").write_text("not plg's")
    return folder


def _intact(victim: Path) -> bool:
    return (victim / "precious.txt").read_text() == "keep me" and (
        victim / "inner" / "keyring"
    ).read_text() == "not plg's"


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_purge_outside_the_data_home_is_refused(victim, isolated_environment, how):
    run("init")
    # PLG_HOME is <tmp>/plg-home, so groups/../../victim is <tmp>/victim
    name = "../../victim" if how == "relative" else str(victim)
    result = run("group", "purge", name, "--yes")
    assert result.returncode != 0
    # a long name is shortened in the message; its start is always there
    assert RULE in result.stderr
    assert f"group name '{name[:30]}" in result.stderr
    assert "Traceback" not in result.stderr
    assert _intact(victim)


@pytest.mark.parametrize(
    "args",
    [
        ("group", "show", "../victim"),
        ("group", "pairs", "../victim", "--auto"),
        ("group", "passwd", "../victim"),
        ("group", "purge", "../victim"),
        ("journal", "../victim"),
        ("session", "../victim"),
        ("group", "show", "/etc"),
        ("group", "show", "Team"),
        ("group", "show", "team\n"),
    ],
)
def test_every_group_command_refuses_a_bad_name(args, isolated_environment):
    run("init")
    result = run(*args, env={"PLG_PASSPHRASE": "correct horse battery"})
    assert result.returncode != 0
    assert RULE in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_create_refuses_a_bad_name_and_writes_nothing(roster_file, isolated_environment):
    result = create(roster_file, "../escaped")
    assert result.returncode != 0
    assert RULE in result.stderr
    assert not (isolated_environment / "escaped").exists()
    assert not (isolated_environment / "keys" / "../escaped.key").exists()


def test_purge_refuses_a_group_folder_that_is_a_link(victim, isolated_environment):
    run("init")
    (isolated_environment / "groups" / "evil").symlink_to(victim)
    result = run("group", "purge", "evil", "--yes")
    assert result.returncode != 0
    assert "symbolic link" in result.stderr
    assert (isolated_environment / "groups" / "evil").is_symlink()
    assert _intact(victim)


@pytest.mark.parametrize("which", ["keys/team.key", "groups/team/keyring"])
def test_purge_refuses_a_key_file_that_is_a_link(victim, roster_file, isolated_environment, which):
    assert create(roster_file).returncode == 0
    linked = isolated_environment / which
    saved = linked.read_bytes()
    linked.unlink()
    linked.symlink_to(victim / "precious.txt")
    result = run("group", "purge", "team", "--yes")
    assert result.returncode != 0
    assert "symbolic link" in result.stderr
    assert _intact(victim)  # never overwritten through the link
    # nothing of the group was touched either
    assert (isolated_environment / "groups" / "team" / "group.db").exists()
    linked.unlink()
    linked.write_bytes(saved)
    linked.chmod(0o600)
    assert run("group", "show", "team").returncode == 0


def test_purge_removes_a_link_inside_the_group_folder_not_its_target(
    victim, roster_file, isolated_environment
):
    assert create(roster_file).returncode == 0
    (isolated_environment / "groups" / "team" / "inbox").symlink_to(victim)
    result = run("group", "purge", "team", "--yes")
    assert result.returncode == 0, result.stderr
    assert not (isolated_environment / "groups" / "team").exists()
    assert _intact(victim)


def test_a_misnamed_folder_is_listed_with_the_reason_and_never_opened(
    roster_file, isolated_environment
):
    assert create(roster_file).returncode == 0
    odd = isolated_environment / "groups" / "Odd Name\x1b[31m"
    odd.mkdir()
    listed = run("group", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("team\tgiving-feedback")
    line = next(x for x in listed.stdout.splitlines() if x.startswith("Odd Name"))
    assert RULE in line
    assert "rename or remove the folder" in line
    assert "\x1b" not in listed.stdout
