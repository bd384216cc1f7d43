"""`plg group reschedule` and `plg group end`, run as the real program; the companion then
delivers the updated invitation or the cancellation to a real SMTP server."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.outbox import send_due
from plg_tui.core.groups import open_for_operations
from plg_tui.core.settings import load_settings
from tests.calendar_checks import check_invitation
from tests.cli.test_group_cli import run
from tests.companion.conftest import start_smtp_server
from tests.dates import SESSION1, SESSION2

COMPANION = shutil.which("plg-companion", path=str(Path(sys.executable).parent))
BERLIN = ZoneInfo("Europe/Berlin")


def local(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M").replace(tzinfo=BERLIN)


def shift(value: str, days: int) -> str:
    return (local(value) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def home(tmp_path: Path, roster_file: Path) -> Path:
    home = tmp_path / "home"
    assert run("--home", str(home), "init").returncode == 0
    result = run(
        "--home", str(home), "group", "create", "team", "--module", "giving-feedback",
        "--roster", str(roster_file), "--session1", SESSION1, "--session2", SESSION2,
        "--timezone", "Europe/Berlin", "--call-link", "https://meet.example.org/t",
        env={"PLG_PASSPHRASE": "violet tundra pencil harbour"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return home


@pytest.fixture
def smtp():
    server = start_smtp_server("plain")
    yield server
    server.stop()


def plg(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # no passphrase anywhere: these commands work with the operations key alone
    return run("--home", str(home), *args, env={"PLG_PASSPHRASE": ""})


def fingerprint(home: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((home / "groups").rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def deliver(home: Path, smtp, day: datetime) -> list:
    (home / "plg.toml").write_text(
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n\n'
        + smtp.toml(),
        encoding="utf-8",
    )
    before = len(smtp.handler.messages)
    outbound = load_outbound_settings(load_settings(home))
    for hour in range(24):  # a day of hourly runs: every member's waking hours come round
        now = datetime.combine(day.date(), datetime.min.time(), UTC) + timedelta(hours=hour)
        report = asyncio.run(send_due(home, outbound, now, out=lambda line: None))
        assert report.exit_code == 0
    return [check_invitation(m.message) for m in smtp.handler.messages[before:]]


def test_reschedule_dry_run_names_the_move_and_changes_nothing(home):
    before = fingerprint(home)
    result = plg(home, "group", "reschedule", "team", "--session2", shift(SESSION2, 2), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "dry run, nothing changed" in result.stdout
    assert f"Session 2: {SESSION2} -> {shift(SESSION2, 2)}" in result.stdout
    assert "would send each of the 5 members an updated invitation" in result.stdout
    assert fingerprint(home) == before


def test_reschedule_sends_an_update_with_the_same_uid_and_sequence_1(home, smtp):
    first_day = local(SESSION1) - timedelta(days=10)
    original = {(i.attendee, i.start): i for i in deliver(home, smtp, first_day)}
    assert len(original) == 10
    moved = shift(SESSION2, 1)
    result = plg(home, "group", "reschedule", "team", "--session2", moved)
    assert result.returncode == 0, result.stderr
    assert "rescheduled 'team'" in result.stdout
    assert "updated invitation for the session 2 (SEQUENCE 1)" in result.stdout
    assert moved in plg(home, "group", "show", "team").stdout
    updates = deliver(home, smtp, first_day + timedelta(days=1))
    assert len(updates) == 5
    old_start = local(SESSION2).astimezone(UTC)
    for update in updates:
        assert update.sequence == 1
        assert update.uid == original[(update.attendee, old_start)].uid
        assert update.start == local(moved).astimezone(UTC)


def test_a_held_session_cannot_be_moved_and_bad_input_changes_nothing(home):
    vault = open_for_operations(home, "team")
    vault.update_info(session1_held=True)
    vault.close()
    before = fingerprint(home)
    cases = {
        ("--session1", shift(SESSION1, 1)): "session 1 was already held",
        ("--session2", "next tuesday"): "--session2: 'next tuesday' is not a date",
        ("--session2", shift(SESSION1, 2)): "session 2 is 2 days after session 1",
        ("--trust", shift(SESSION1, 1)): "must come before session 1",
        ("--call-link", "https://x.example/\x1b[31m"): "--call-link contains",
        ("--session2", "2020-01-07T14:00"): "is in the past",
    }
    for args, message in cases.items():
        result = plg(home, "group", "reschedule", "team", *args)
        assert result.returncode == 1, args
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    nothing = plg(home, "group", "reschedule", "team")
    assert nothing.returncode != 0
    assert "nothing to change" in nothing.stderr
    missing = plg(home, "group", "reschedule", "../etc", "--session2", SESSION2)
    assert missing.returncode != 0
    assert "Traceback" not in missing.stderr
    assert fingerprint(home) == before


def test_end_cancels_what_is_ahead_shows_ended_and_sends_nothing_more(home, smtp):
    first_day = local(SESSION1) - timedelta(days=10)
    assert len(deliver(home, smtp, first_day)) == 10
    before = fingerprint(home)
    dry = plg(home, "group", "end", "team", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would send a cancellation for the session 1" in dry.stdout
    assert fingerprint(home) == before
    ended = plg(home, "group", "end", "team")
    assert ended.returncode == 0, ended.stderr
    assert "ended 'team'" in ended.stdout
    assert "plg group purge team" in ended.stdout
    assert "ended " in plg(home, "group", "show", "team").stdout
    assert "\tended " in plg(home, "group", "list").stdout
    status = subprocess.run(
        [str(COMPANION), "--home", str(home), "status", "team"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "team: ended " in status.stdout, status.stdout + status.stderr
    again = plg(home, "group", "end", "team")
    assert again.returncode == 1
    assert "already" in again.stderr or "ended on" in again.stderr
    cancels = deliver(home, smtp, first_day + timedelta(days=1))
    assert len(cancels) == 10
    assert {c.method for c in cancels} == {"CANCEL"}
    assert {c.sequence for c in cancels} == {1}
    # the days after: not a practice email, reminder or invitation
    for days in (2, 12, 20, 40):
        assert deliver(home, smtp, first_day + timedelta(days=days)) == []
