"""Attacks on the survey's bounce and refused-message paths (a security review's findings):
a broken pool named like a group, a purge racing an ingest, a bounce of an answer, forged or
odd senders in the champion's log."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from companion.inbound.ingester import Ingester
from plg_tui.vault.pool_store import pool_names
from tests.cli.test_group_cli import PLG
from tests.companion.team_month import ledger, run_at
from tests.companion.test_cli import PROGRAM
from tests.companion.test_survey_bounce import TYPO, dsn, ingest, received, status, surveyed
from tests.companion.test_survey_path import POOL, at, deliver, reply, run


def test_a_broken_pool_named_like_a_group_does_not_hold_back_the_groups_bounces(
    fresh_group_home, smtp_server, tmp_path
):
    home = fresh_group_home
    assert run_at(home, datetime(2026, 10, 18, 6, tzinfo=UTC)).exit_code == 0
    group_sent = received(smtp_server)
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "team", str(tmp_path / "pool.csv")).returncode == 0
    os.chmod(home / "keys" / "pools" / "team.key", 0o644)  # say, restored from a backup
    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", dsn(group_sent["ada@example.org"].mail_from, "ada@example.org"))
    done = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "-v", "--now", at(7))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bounced: delivery failed (group team)" in done.stdout, done.stdout
    assert ledger(home).member("ada@example.org").bouncing


def test_a_bounce_of_the_answer_to_a_reply_is_no_bounce(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", reply(sent["bob@example.org"].message, "bob@example.org", "2, 1"))
    ingest(home, maildir)
    acknowledgement = received(smtp_server)["bob@example.org"]
    deliver(maildir, "2", dsn(acknowledgement.mail_from, "bob@example.org"))
    out = ingest(home, maildir, 8)
    assert "dropped: bounce address not valid (pool q1)" in out, out
    shown = status(home)
    assert "answered: 1" in shown
    assert "bounced: 0" in shown  # Bob's address works: he replied from it


def test_a_purge_while_an_ingest_runs_stays_a_purge(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server)
    ingester = Ingester(home, now=datetime.fromisoformat(at(7)), log=lambda _line: None)
    assert ingester.receive(dsn(sent[TYPO].mail_from, TYPO)).action == "bounced"
    unreadable = reply(sent["bob@example.org"].message, "bob@example.org", "whatever")
    assert ingester.receive(unreadable).action == "quarantined"
    assert run(PLG, home, "pool", "purge", "q1", "--yes").returncode == 0
    ingester.commit()
    assert pool_names(home) == []
    assert not (home / "pools" / "q1" / "answers.db").exists()
    (tmp_path / "again.csv").write_text(POOL)
    again = run(PLG, home, "pool", "import", "q1", str(tmp_path / "again.csv"))
    assert again.returncode == 0, again.stderr
    assert "bounced: 0" in status(home)


def test_the_log_names_whose_survey_a_reply_answers_and_keeps_senders_short(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    invitation = sent["bob@example.org"].message
    deliver(maildir, "1", reply(invitation, "bob.home@mail.example.net", "2, 1"))
    deliver(maildir, "2", reply(invitation, "b" * 3000 + "@example.org", "3"))
    ingest(home, maildir)
    deliver(maildir, "3", reply(sent["cy@example.org"].message, "cy@example.org", "2"))
    ingest(home, maildir, 24 * 30)  # long after the survey closed
    named = status(home, "--names")
    assert (
        "bob.home@mail.example.net  sender is not the candidate"
        " (answering the survey sent to bob@example.org)\n"
    ) in named, named
    assert "cy@example.org  the survey has closed\n" in named, named
    assert max(len(line) for line in named.splitlines()) < 320
