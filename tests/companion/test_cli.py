"""`plg-companion` as cron runs it: real subprocesses, exit codes, concurrent runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.calendar_checks import check_invitation

from .conftest import RecordingHandler

ROSTER = (
    "name,email,title,level,reports_to,department,timezone\n"
    "Ada Lovelace,ada@example.org,Engineering Manager,5,cto@example.org,Eng,Europe/Berlin\n"
    "Grace Hopper,grace@example.org,Engineering Manager,5,cto@example.org,Eng,America/New_York\n"
    "Linus Park,linus@example.org,QA Lead,5,vpq@example.org,Quality,Asia/Tokyo\n"
    "Mei Chen,mei@example.org,Operations Manager,5,coo@example.org,Ops,Europe/Berlin\n"
)
EMAIL_TOML = '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'
PROGRAM = Path(sys.executable).with_name("plg-companion")


def companion(home: Path, *args: str, env: dict[str, str] | None = None, **kwargs):
    return subprocess.run(
        [str(PROGRAM), "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        **kwargs,
    )


@pytest.fixture
def home(data_home: Path, make_group, tmp_path: Path) -> Path:
    roster = tmp_path / "roster4.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    vault = make_group(
        "team",
        roster=roster,
        session1="2026-12-01T14:00",
        session2="2026-12-29T14:00",
        call_link="https://meet.example.org/x",
    )
    vault.record_pairing(
        [["ada@example.org", "grace@example.org"], ["linus@example.org", "mei@example.org"]], "test"
    )
    vault.close()
    return data_home


def write_settings(home: Path, smtp_toml: str = "") -> None:
    (home / "plg.toml").write_text(EMAIL_TOML + "\n" + smtp_toml, encoding="utf-8")


def test_missing_smtp_setting_is_a_clear_exit_2(home):
    write_settings(home)
    result = companion(home, "run", "--now", "2026-12-02T12:00Z")
    assert result.returncode == 2
    assert "plg.toml [smtp] host: missing" in result.stderr


def test_password_only_from_env_or_file(home, smtp_auth, tmp_path):
    write_settings(home, smtp_auth.toml())
    result = companion(home, "run", "--now", "2026-12-02T12:00Z")
    assert result.returncode == 2
    assert "password_file" in result.stderr
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret-Passw0rd\n")
    write_settings(home, smtp_auth.toml(password_file=secret))
    result = companion(home, "run", "--now", "2026-12-02T12:00Z")
    assert result.returncode == 0, result.stderr
    # the pairing, week 1 and the session-2 invitation of the two members in Berlin; New York
    # (07:00) and Tokyo (21:00) are in quiet hours, so their late pairings wait too
    assert len(smtp_auth.handler.messages) == 2 + 2 + 2
    assert "s3cret" not in result.stdout + result.stderr


def test_two_concurrent_runs_send_every_message_once(home, smtp_factory):
    server = smtp_factory("plain", handler=RecordingHandler(delay=0.05))
    write_settings(home, server.toml())
    runs = [
        subprocess.Popen(
            [str(PROGRAM), "--home", str(home), "run", "--now", "2026-12-09T12:00Z"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    # One run sent everything; the other waited for the ledger lock and found nothing due.
    assert sorted(out.strip() for out, _err in outputs) == [
        "team: 6 sent, 4 skipped",  # Berlin's: pairing, week 2, session-2 invitation
        "team: nothing due",
    ]
    counts = Counter((m.rcpt_tos[0], str(m.message["Subject"])) for m in server.handler.messages)
    assert counts
    assert set(counts.values()) == {1}
    # Pairings (valid until session 2) + week 2 where 09:00 local has passed; week 1 is stale;
    # New York (07:00) and Tokyo (21:00) wait for their morning.
    assert len(counts) == 2 + 2 + 2  # and the session-2 invitations of Berlin's two


def test_unreachable_server_exits_75_and_a_later_run_catches_up(home, smtp_server, refused_port):
    write_settings(
        home, smtp_server.toml().replace(f"port = {smtp_server.port}", f"port = {refused_port}")
    )
    result = companion(home, "run", "--now", "2026-12-02T12:00Z")
    assert result.returncode == 75
    assert "unreachable" in result.stderr
    write_settings(home, smtp_server.toml())
    assert companion(home, "run", "--now", "2026-12-02T13:00Z").returncode == 0
    assert companion(home, "run", "--now", "2026-12-02T14:00Z").returncode == 0
    keys = [(m.rcpt_tos[0], str(m.message["Subject"])) for m in smtp_server.handler.messages]
    # New York's week 1: 14:00 UTC; Tokyo (22:00, 23:00) waits for its morning: pairing,
    # week 1 and session-2 invitation to the other three
    assert len(keys) == len(set(keys)) == 3 + 3 + 3


def test_550_exits_1_and_status_shows_the_reply(home, smtp_factory):
    handler = RecordingHandler(reject={"mei@example.org": "550 5.1.1 no such mailbox"})
    server = smtp_factory("plain", handler=handler)
    write_settings(home, server.toml())
    result = companion(home, "send", "--now", "2026-12-01T16:00Z")
    assert result.returncode == 1
    status = companion(home, "status", "--now", "2026-12-01T16:00Z")
    assert status.returncode == 0
    assert (
        "failed: pairing introduction to mei@example.org: 550 5.1.1 no such mailbox"
        in status.stdout
    )
    assert "practice week 1" in status.stdout
    assert "last run: 2026-12-01T16:00:00+00:00" in status.stdout


def test_dry_run_sends_nothing(home, smtp_server):
    write_settings(home, smtp_server.toml())
    result = companion(home, "run", "--dry-run", "--now", "2026-12-02T12:00Z")
    assert result.returncode == 0
    # Berlin's two: pairing, week 1, session-2 invitation (New York and Tokyo are asleep)
    assert result.stdout.count("would send") == 2 + 2 + 2
    assert smtp_server.handler.messages == []


def test_preview_renders_what_would_be_sent(home):
    write_settings(home)
    result = companion(
        home, "preview", "team", "--member", "ada@example.org", "--kind", "weekly", "--week", "3"
    )
    assert result.returncode == 0, result.stderr
    # the subject names the week's tip, not only the module
    assert "Subject: Week 3 of 4: When feedback meets pushback" in result.stdout
    assert "Reply-To: Peer Learning <journal+team.3." in result.stdout
    assert "Grace Hopper <grace@example.org>" in result.stdout
    assert "linus@example.org" not in result.stdout
    # when it goes, to the minute, in one form a person reads
    assert re.search(r"^\(planned send time: \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$", result.stderr, re.M)
    html = companion(
        home, "preview", "team", "--member", "ada@example.org", "--kind", "reminder", "--html"
    )
    assert html.stdout.startswith("<!DOCTYPE html>")
    assert "https://meet.example.org/x" in html.stdout
    raw = companion(
        home, "preview", "team", "--member", "ada@example.org", "--kind", "reminder", "--raw"
    )
    # the invitation comes in its own email now; the reminder carries no second copy
    assert "Content-Type: text/calendar" not in raw.stdout
    assert "own email" in raw.stdout
    bad = companion(home, "preview", "team", "--member", "nobody@example.org", "--kind", "weekly")
    assert bad.returncode == 2
    assert "not a member" in bad.stderr


def test_preview_shows_an_invitation_with_its_calendar_part(home):
    write_settings(home)
    result = companion(
        home, "preview", "team", "--member", "ada@example.org", "--kind", "invitation",
        "--session", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Subject: Invitation: Giving feedback that lands, session 2" in result.stdout
    assert "Reply-To" not in result.stdout  # a calendar answer is no journal entry
    calendar = result.stdout.split("--- the calendar part (text/calendar; method=REQUEST) ---")[1]
    assert "mailto:ada@example.org" in calendar
    raw = companion(
        home, "preview", "team", "--member", "ada@example.org", "--kind", "invitation", "--raw"
    )
    message = BytesParser(policy=policy.default).parsebytes(raw.stdout.encode())
    invitation = check_invitation(message)
    assert (invitation.attendee, invitation.method, invitation.sequence) == (
        "ada@example.org",
        "REQUEST",
        0,
    )


def test_cron_prints_a_crontab_line_for_this_home(home):
    result = companion(home, "cron")
    assert result.returncode == 0
    [line] = [x for x in result.stdout.splitlines() if x.startswith("*/15 * * * * ")]
    assert f"--home {home}" in line
    assert line.split(">>")[0].rstrip().endswith("run --quiet")
    assert "OnCalendar=" in result.stdout


def test_status_before_any_run(home):
    write_settings(home)
    status = companion(home, "status", "--now", "2026-11-20T12:00Z")
    assert status.returncode == 0
    assert "team: before session 1" in status.stdout
    assert "last run: never" in status.stdout
    # both sessions' invitations: due now for Berlin's two, at 08:00 local for the rest;
    # upcoming includes each member's midway partner check
    assert "due now 4, upcoming 32" in status.stdout


def test_status_reports_a_message_left_sending_as_uncertain(home):
    from companion.outbound.ledger import Ledger
    from plg_tui.vault.keys import load_operations_keys

    write_settings(home)
    with Ledger.locked(home, load_operations_keys(home, "team")) as book:
        book.set_message(
            "weekly:1:ada@example.org",
            member="ada@example.org",
            kind="weekly",
            week=1,
            state="sending",
            message_id="<x@example.org>",
        )
        book.save()
    status = companion(home, "status", "team", "--now", "2026-12-02T12:00Z")
    assert "uncertain 1" in status.stdout, status.stdout
    assert (
        "uncertain: weekly email week 1 to ada@example.org: may or may not have arrived; "
        "it will not be sent again" in status.stdout
    )


def test_sigkill_mid_batch_then_the_next_run_sends_the_rest_once(home, smtp_factory):
    import signal
    import time

    server = smtp_factory("plain", handler=RecordingHandler(delay_after=0.4))
    write_settings(home, server.toml(connections=1))
    now = ["run", "--now", "2026-12-09T12:00Z"]
    process = subprocess.Popen(
        [str(PROGRAM), "--home", str(home), *now],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while len(server.handler.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    arrived_before = len(server.handler.messages)
    assert 2 <= arrived_before < 6, "the kill must land in the middle of the batch"

    server.handler.delay_after = 0
    again = companion(home, *now)
    assert again.returncode == 0, again.stderr
    counts = Counter((m.rcpt_tos[0], str(m.message["Subject"])) for m in server.handler.messages)
    assert set(counts.values()) == {1}, "nothing is sent twice"
    # The one handed over when the kill came arrived, but never heard back: uncertain, not resent.
    assert len(counts) == 2 + 2 + 2  # Berlin's two: pairing, week 2, invitation
    status = companion(home, "status", "team", "--now", "2026-12-09T12:30Z")
    assert "uncertain 1" in status.stdout, status.stdout
