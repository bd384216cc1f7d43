"""A survey email the mail server refuses for good (550 at RCPT TO) is not lost: `status` counts
it and names who with the server's reply, `send` queues it again (it was never delivered) and
never sends a delivered one twice. The real programs and the aiosmtpd sink."""

from __future__ import annotations

from tests.cli.test_group_cli import PLG
from tests.companion.team_month import email_toml
from tests.companion.test_cli import PROGRAM
from tests.companion.test_survey_path import POOL, at, run

REFUSAL = "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown"


def recipients(smtp_server) -> list[str]:
    found = sorted(m.rcpt_tos[0] for m in smtp_server.handler.messages)
    smtp_server.handler.messages.clear()
    return found


def test_refused_invitation_is_shown_and_sent_again(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    smtp_server.handler.reject["bob@example.org"] = REFUSAL

    first = run(PLG, home, "survey", "send", "q1", "--now", at(0))
    assert first.returncode == 1, first.stdout + first.stderr
    assert "pool q1: 2 sent, 1 failed, 1 waiting" in first.stdout
    assert "1 refused by the mail server: plg survey status q1 --names" in first.stdout
    assert recipients(smtp_server) == ["ada@example.org", "cy@example.org"]

    status = run(PLG, home, "survey", "status", "q1")  # Dee's waits for New York's morning
    assert status.stdout.splitlines() == [
        "sent: 2", "answered: 0", "unreadable: 0", "declined: 0", "waiting: 2", "bounced: 0",
        "failed: 1", "queued: 1",
    ]  # fmt: skip
    named = run(PLG, home, "survey", "status", "q1", "--names").stdout
    assert f"  Bob Byte <bob@example.org> {REFUSAL}" in named
    assert "correct it in the pool CSV" in named
    assert "plg survey send q1 sends refused invitations again" in named

    # the server's admin fixed the mailbox: sending again retries Bob, and only Bob is new
    smtp_server.handler.reject.clear()
    again = run(PLG, home, "survey", "send", "q1", "--now", at(1))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 emails queued" in again.stdout
    assert "1 failed earlier, queued again" in again.stdout
    assert "pool q1: 1 sent, 1 waiting" in again.stdout
    assert recipients(smtp_server) == ["bob@example.org"]
    assert run(str(PROGRAM), home, "send", "--now", at(6)).returncode == 0
    assert recipients(smtp_server) == ["dee@example.org"]
    status = run(PLG, home, "survey", "status", "q1").stdout.splitlines()
    assert status[0] == "sent: 4"
    assert status[-2:] == ["failed: 0", "queued: 0"]

    # at most once for what was delivered: nothing goes out again
    third = run(PLG, home, "survey", "send", "q1", "--now", at(7))
    assert "0 emails queued" in third.stdout
    assert "queued again" not in third.stdout
    assert recipients(smtp_server) == []


def test_status_right_after_send_counts_the_queued(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    # 22:00 UTC: quiet hours in Berlin, London and Tokyo; 17:00 in New York
    sent = run(PLG, home, "survey", "send", "q1", "--now", at(12))
    assert "pool q1: 1 sent, 3 waiting" in sent.stdout, sent.stdout + sent.stderr
    status = run(PLG, home, "survey", "status", "q1").stdout.splitlines()
    assert status[0] == "sent: 1"
    assert status[-1] == "queued: 3"


def test_one_unavailable_candidate_in_the_singular(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    header, *rows = POOL.splitlines()
    csv = "\n".join([header + ",available", *(r + ",yes" for r in rows[:-1]), rows[-1] + ",no"])
    (tmp_path / "pool.csv").write_text(csv + "\n")
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    sent = run(PLG, home, "survey", "send", "q1", "--now", at(0))
    assert "3 emails queued (1 candidate marked unavailable is not asked)" in sent.stdout, (
        sent.stdout + sent.stderr
    )
