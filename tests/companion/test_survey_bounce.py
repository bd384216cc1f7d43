"""A survey email (or its reminder) that bounces is recorded against the candidate: the real
programs, the aiosmtpd sink, delivery reports as Maildir messages to the envelope sender each
email actually left with. A delay is no bounce; a forged report is not believed.
Attacks on this path: test_survey_bounce_attacks.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plg_tui.vault.pool_store import pool_keys, read_answers
from tests.cli.test_group_cli import PLG
from tests.companion.team_month import email_toml
from tests.companion.test_cli import PROGRAM
from tests.companion.test_survey_path import POOL, at, deliver, reply, run

MARKER = "QUOKKAMARKERBOUNCE"
TYPO = "ada@exmaple.org"
TYPO_POOL = POOL.replace("ada@example.org", TYPO)


def dsn(
    to: str,
    failed: str,
    *,
    status: str = "5.1.1",
    action: str = "failed",
    original_id: str = "",
) -> bytes:
    """A delivery status notification (RFC 3464) as Postfix writes it, quoting the original
    message whole (its body carries MARKER: nothing of it may be kept in the clear)."""
    quoted = (
        "Content-Type: message/rfc822\r\n\r\n"
        f"From: Peer Learning <plg@example.org>\r\nTo: {failed}\r\n"
        + (f"Message-ID: {original_id}\r\n" if original_id else "")
        + f"Subject: Which topics?\r\n\r\nHello, the topics are {MARKER}.\r\n"
    )
    return (
        "Return-Path: <>\r\n"
        f"Delivered-To: {to}\r\n"
        "From: MAILER-DAEMON@mx.elsewhere.example (Mail Delivery System)\r\n"
        f"To: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Date: Wed, 21 Oct 2026 09:00:00 +0000\r\n"
        f"Message-ID: <dsn.{abs(hash((to, failed, status)))}@mx.elsewhere.example>\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Description: Notification\r\nContent-Type: text/plain\r\n\r\n"
        f"I'm sorry to have to inform you that your message could not be delivered to\r\n"
        f"<{failed}>: host mx.exmaple.org said: 550 {status} user unknown {MARKER}\r\n\r\n"
        "--B\r\nContent-Description: Delivery report\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.elsewhere.example\r\n"
        "Arrival-Date: Wed, 21 Oct 2026 08:59:58 +0000\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nOriginal-Recipient: rfc822;{failed}\r\n"
        f"Action: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} <{failed}>: user unknown\r\n\r\n"
        "--B\r\nContent-Description: Undelivered Message\r\n" + quoted + "\r\n--B--\r\n"
    ).encode()


def surveyed(tmp_path: Path, smtp_server, csv: str = TYPO_POOL) -> tuple[Path, dict[str, Any]]:
    """A pool surveyed; each invitation as the sink received it, by recipient."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(csv)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    assert run(PLG, home, "survey", "send", "q1", "--now", at(0)).returncode == 0
    return home, received(smtp_server)


def received(smtp_server) -> dict[str, Any]:
    """What the sink received since last asked, by recipient (`.mail_from` is the envelope
    sender the email left with, `.message` the email)."""
    found = {m.rcpt_tos[0]: m for m in smtp_server.handler.messages}
    smtp_server.handler.messages.clear()
    return found


def ingest(home: Path, maildir: Path, hours: float = 7) -> str:
    done = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "-v", "--now", at(hours))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not list((maildir / "new").iterdir()), "every handled message is deleted"
    return done.stdout


def status(home: Path, *extra: str) -> str:
    done = run(PLG, home, "survey", "status", "q1", *extra)
    assert done.returncode == 0, done.stderr
    return done.stdout


def no_plaintext(home: Path, *words: str) -> None:
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for word in words:
                assert word.encode() not in data, path


def test_a_bounced_invitation_is_recorded_against_the_candidate(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    assert sent[TYPO].mail_from.startswith("journal+b.q1.")
    deliver(maildir, "1", dsn(sent[TYPO].mail_from, TYPO))
    out = ingest(home, maildir)
    assert "bounced: delivery failed (pool q1)" in out, out
    shown = status(home)
    assert "bounced: 1" in shown
    assert "waiting: 2" in shown  # Ada bounced; Dee's invitation waits for New York's morning
    no_plaintext(home, MARKER, "user unknown", "mx.exmaple.org")


def test_a_bounced_reminder_is_recorded_and_no_second_reminder_goes(tmp_path, smtp_server):
    home, _sent = surveyed(tmp_path, smtp_server)
    assert run(PLG, home, "survey", "remind", "q1", "--now", at(24)).returncode == 0
    reminders = received(smtp_server)
    assert TYPO in reminders
    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", dsn(reminders[TYPO].mail_from, TYPO, status="5.1.2"))
    assert "bounced: delivery failed" in ingest(home, maildir, 25)
    assert "bounced: 1" in status(home)
    assert f"  Ada Lovelace <{TYPO}> 5.1.2\n" in status(home, "--names")


def test_a_delay_notice_is_no_bounce(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", dsn(sent[TYPO].mail_from, TYPO, status="4.4.7", action="delayed"))
    out = ingest(home, maildir)
    assert "dropped: delivery delayed notice" in out, out
    assert "bounced: 0" in status(home)
    no_plaintext(home, MARKER)


def test_a_bounce_address_with_a_wrong_mac_is_dropped_and_changes_nothing(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    local, _, domain = sent[TYPO].mail_from.partition("@")
    flipped = local[:-1] + ("0" if local[-1] != "0" else "1")
    deliver(maildir, "1", dsn(f"{flipped}@{domain}", TYPO))
    out = ingest(home, maildir)
    assert "dropped: bounce address not valid (pool q1)" in out, out
    shown = status(home)
    assert "bounced: 0" in shown
    assert "waiting: 3" in shown
    # as a group's, a forged report is not kept: a flood of them cannot push out real entries
    assert "messages not counted" not in status(home, "--names")
    assert "unreadable" not in read_answers(home, pool_keys(home, "q1"))
    no_plaintext(home, MARKER)


def test_a_report_naming_a_message_we_never_sent_to_that_recipient_is_not_believed(
    tmp_path, smtp_server
):
    home, sent = surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    bob_id = str(sent["bob@example.org"].message["Message-ID"])
    # to the plain reply address (no bounce address), quoting Bob's email as Ada's failure
    deliver(maildir, "1", dsn("journal@example.org", TYPO, original_id=bob_id))
    out = ingest(home, maildir)
    assert "dropped: bounce recipient is not the member (pool q1)" in out, out
    assert "bounced: 0" in status(home)


def test_status_names_the_bounced_remind_skips_them_and_a_corrected_import_is_sent_once(
    tmp_path, smtp_server
):
    home, sent = surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", dsn(sent[TYPO].mail_from, TYPO))
    deliver(maildir, "2", reply(sent["bob@example.org"].message, "bob@example.org", "2, 1"))
    ingest(home, maildir)
    received(smtp_server)  # Bob's acknowledgement
    named = status(home, "--names")
    assert f"whose email bounced (delivery status code):\n  Ada Lovelace <{TYPO}> 5.1.1\n" in named
    assert "plg pool import q1" in named
    assert run(PLG, home, "survey", "remind", "q1", "--now", at(24)).returncode == 0
    assert TYPO not in received(smtp_server)
    # the champion corrects Ada's address in the CSV and imports it again
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    again = run(PLG, home, "survey", "send", "q1", "--now", at(26))
    assert "1 email queued" in again.stdout, again.stdout + again.stderr
    assert list(received(smtp_server)) == ["ada@example.org"]
    assert "0 emails queued" in run(PLG, home, "survey", "send", "q1", "--now", at(27)).stdout
    shown = status(home)
    assert "bounced: 0" in shown
    assert "answered: 1" in shown, shown  # Bob's answer stands
