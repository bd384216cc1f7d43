"""`plg-companion run --dry-run` shows the pools' survey emails too: what a run would send,
hold for quiet hours or skip, while sending nothing."""

from __future__ import annotations

from tests.companion.test_cli import PROGRAM
from tests.companion.test_survey_bounce import received, surveyed
from tests.companion.test_survey_path import at, run


def test_a_dry_run_shows_the_queued_survey_email_and_sends_nothing(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server)
    assert "dee@example.org" not in sent  # New York's night: it waits for a later run

    early = run(str(PROGRAM), home, "run", "--dry-run", "--now", at(1))
    assert early.returncode == 0, early.stderr
    assert "pool q1: survey to dee@example.org: holding (quiet hours; goes " in early.stdout
    assert "New York time)" in early.stdout
    assert "nothing would be sent" in early.stdout

    later = run(str(PROGRAM), home, "run", "--dry-run", "--now", at(6))
    assert "pool q1: survey to dee@example.org: would send\n" in later.stdout, later.stdout
    assert "nothing would be sent" not in later.stdout
    assert received(smtp_server) == {}  # a dry run sends nothing

    assert run(str(PROGRAM), home, "run", "--now", at(6)).returncode == 0
    assert list(received(smtp_server)) == ["dee@example.org"]
    after = run(str(PROGRAM), home, "run", "--dry-run", "--now", at(7))
    assert "dee@example.org" not in after.stdout
