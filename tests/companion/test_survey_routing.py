"""Where a survey reply goes when it lost its token, or carries someone else's: the real
programs, replies as Maildir messages."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from tests.cli.test_group_cli import PLG
from tests.companion.team_month import email_toml
from tests.companion.test_cli import PROGRAM
from tests.companion.test_survey_path import POOL, at, deliver, reply, run


def surveyed(tmp_path: Path, smtp_server, *pools: str) -> tuple[Path, dict[str, EmailMessage]]:
    """A data home with these pools surveyed; the invitations by (pool, address)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(POOL)
    sent = {}
    for name in pools:
        assert run(PLG, home, "pool", "import", name, str(tmp_path / "pool.csv")).returncode == 0
        assert run(PLG, home, "survey", "send", name, "--now", at(0)).returncode == 0
        for m in smtp_server.handler.messages:
            sent[f"{name}:{m.message['To'].addresses[0].addr_spec}"] = m.message
        smtp_server.handler.messages.clear()
    return home, sent


def ingest(home: Path, maildir: Path, hours: float = 7):
    done = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "-v", "--now", at(hours))
    assert done.returncode == 0, done.stderr
    return done


def tokenless(to_message: EmailMessage, sender: str, body: str, thread_header: str) -> bytes:
    """A reply to our From address (no token), naming our email only in `thread_header`."""
    raw = reply(to_message, sender, body)
    raw = raw.replace(b"\n <journal+", b" <journal+")  # the helper folds a long To
    token_address = str(to_message["Reply-To"]).split("<")[1].rstrip(">")
    raw = raw.replace(token_address.encode(), b"journal@example.org")
    if thread_header == "References":
        raw = raw.replace(b"In-Reply-To:", b"References: <older@mail.example.org>")
    return raw


def test_a_reply_that_lost_its_token_is_routed_by_the_message_it_answers(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server, "q1")
    maildir = tmp_path / "Maildir"
    ada = tokenless(sent["q1:ada@example.org"], "ada@example.org", "2, 1", "In-Reply-To")
    assert b"+q1.90." not in ada
    deliver(maildir, "1", ada)
    deliver(
        maildir, "2", tokenless(sent["q1:bob@example.org"], "bob@example.org", "3", "References")
    )
    # Cy writes from another address: not the candidate the email went to
    deliver(
        maildir, "3", tokenless(sent["q1:cy@example.org"], "eve@example.org", "3", "References")
    )
    done = ingest(home, maildir)
    status = run(PLG, home, "survey", "status", "q1").stdout
    assert "answered: 2" in status, done.stdout + status
    assert "sender is not the candidate" in done.stdout


def test_forged_and_borrowed_tokens_are_not_counted(tmp_path, smtp_server):
    home, sent = surveyed(tmp_path, smtp_server, "q1", "q2")
    maildir = tmp_path / "Maildir"
    ada_q1 = sent["q1:ada@example.org"]
    # Bob answers with Ada's token; Ada answers q2 with q1's token renamed; a made-up token
    deliver(maildir, "1", reply(ada_q1, "bob@example.org", "1"))
    renamed = reply(ada_q1, "ada@example.org", "1").replace(b"+q1.90.", b"+q2.90.")
    deliver(maildir, "2", renamed.replace(b"In-Reply-To:", b"X-Old-In-Reply-To:"))
    forged = reply(ada_q1, "cy@example.org", "1").replace(b"+q1.90.", b"+q1.90.0")
    deliver(maildir, "3", forged.replace(b"In-Reply-To:", b"X-Old-In-Reply-To:"))
    ingest(home, maildir)
    for name in ("q1", "q2"):
        assert "answered: 0" in run(PLG, home, "survey", "status", name).stdout
    told = {m.message["To"].addresses[0].addr_spec for m in smtp_server.handler.messages}
    assert told <= {"dee@example.org"}  # her invitation waited for New York's morning
