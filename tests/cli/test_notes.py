"""`plg notes`: the group's own words from its sessions, run as the real `plg` program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plg_tui.vocabulary import CaptureKind, SessionKind

PLG = shutil.which("plg", path=str(Path(sys.executable).parent)) or "plg"
PASS = "correct horse battery"


def run(*args: str, passphrase: str | None = PASS) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if passphrase is not None:
        env["PLG_PASSPHRASE"] = passphrase
    return subprocess.run(
        [PLG, *args], capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL
    )


@pytest.fixture
def filled(make_group: Any) -> Any:
    """A group that held the trust session and session 1, items added out of order."""
    vault = make_group()
    add = vault.add_item
    add(CaptureKind.CHALLENGE, "Ada: I avoid hard talks", member="ada@example.org", session="1")
    add(CaptureKind.GROUND_RULES, "What is said here stays here", session=SessionKind.TRUST)
    add(CaptureKind.CHALLENGE, "Grace: I over-explain", member="grace@example.org", session="1")
    add(CaptureKind.COMMITMENT, "Ada: one talk a week", member="ada@example.org", session="1")
    add(CaptureKind.PARKING, "Budget question\nfor later", session="1")
    add(CaptureKind.NOTES, "Evil \x1b]52;c;aGk=\x07 text \x1b[2J", session="1")
    return vault


def test_words_by_session_and_kind_oldest_first(filled: Any) -> None:
    filled.close()
    result = run("notes", "team")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    order = [
        "Trust-building session",
        "Ground rules",
        "What is said here stays here",
        "Session 1",
        "Challenges",
        "Ada: I avoid hard talks",
        "Grace: I over-explain",
        "Commitments",
        "Ada: one talk a week",
        "Notes",
        "Parking lot",
        "Budget question",
    ]
    positions = [out.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Ada Lovelace <ada@example.org>" in out
    assert "Whole group" in out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "Evil ]52;c;aGk= text [2J" in out


def test_member_filter_keeps_the_whole_groups_items(filled: Any) -> None:
    filled.close()
    result = run("notes", "team", "--member", "Ada@Example.org", "--session", "1")
    assert result.returncode == 0, result.stderr
    assert "Ada: I avoid hard talks" in result.stdout
    assert "Budget question" in result.stdout  # the parking lot belongs to everyone
    assert "Grace" not in result.stdout
    assert "What is said here" not in result.stdout  # trust session left out by --session


def test_markdown_has_headings(filled: Any) -> None:
    filled.close()
    result = run("notes", "team", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# Notes of team"
    assert "## Session 1" in lines
    assert "### Challenges" in lines
    assert "**Ada Lovelace <ada@example.org>** · " in "\n".join(lines)


def test_damaged_item_is_named_not_shown_and_unverified_is_flagged(filled: Any) -> None:
    items = filled.db.table("items")
    grace = next(i for i in items.all() if i["member"] == "grace@example.org")
    items.update({"member": "mei@example.org"}, doc_ids=[grace.doc_id])  # moved to another
    commitment = next(i for i in items.all() if i["kind"] == "commitment")
    items.update({"auth": None}, doc_ids=[commitment.doc_id])  # no session tag
    filled.close()
    result = run("notes", "team")
    assert result.returncode == 1
    assert "I over-explain" not in result.stdout + result.stderr
    assert "Session 1, Challenges, Mei Chen <mei@example.org>" in result.stderr
    assert "damaged or altered outside plg: not shown" in result.stderr
    assert "1 item could not be opened" in result.stderr
    assert "Ada: one talk a week  [not written in a session: possibly forged]" in result.stdout
    assert "Ada: I avoid hard talks" in result.stdout


def test_wrong_passphrase_prints_no_word_and_exits_non_zero(filled: Any) -> None:
    filled.close()
    result = run("notes", "team", passphrase="not the passphrase at all")
    assert result.returncode == 1
    assert "wrong passphrase" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Ada" not in result.stdout + result.stderr


def test_bad_slug_unknown_group_unknown_member_and_no_passphrase(filled: Any) -> None:
    filled.close()
    bad = run("notes", "../team")
    assert bad.returncode != 0
    assert "Traceback" not in bad.stderr
    assert "group name" in bad.stderr.lower()
    missing = run("notes", "other")
    assert missing.returncode == 1
    assert "no group 'other'" in missing.stderr
    stranger = run("notes", "team", "--member", "eve@example.org")
    assert stranger.returncode == 1
    assert "eve@example.org is not a member" in stranger.stderr
    no_pass = run("notes", "team", passphrase=None)
    assert no_pass.returncode == 1
    assert "no passphrase" in no_pass.stderr


def test_empty_group_says_so(make_group: Any) -> None:
    make_group().close()
    result = run("notes", "team")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "No session notes yet.\n"


def test_nothing_is_written_to_disk(filled: Any, data_home: Path) -> None:
    filled.close()
    before = _tree(data_home)
    assert run("notes", "team").returncode == 0
    assert run("notes", "team", passphrase="wrong wrong wrong").returncode == 1
    after = _tree(data_home)
    # the only new file is the empty lock every process holding the group's keys takes
    assert after.pop("keys/team.inuse.lock", (0, b""))[1] == b""
    assert after == before


def _tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(path.relative_to(root)): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
