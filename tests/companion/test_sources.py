"""Maildir and stdin sources, acknowledgements over real SMTP, and the CLI around them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from companion.inbound.ingest_batch import SourceError
from companion.inbound.local_sources import ingest_maildir
from companion.outbound.ledger import Ledger
from companion.settings import EmailSettings

if TYPE_CHECKING:
    from tests.companion.conftest import SmtpServer
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

ADA = "ada@example.org"
GRACE = "grace@example.org"
NOW = datetime(2026, 12, 8, 18, 45, tzinfo=UTC)
EMAIL = EmailSettings(from_addr="Peer Learning <plg@example.org>", reply_to="journal@example.org")
BATCH = (
    "gmail_reply.eml",
    "exchange_out_of_office.eml",
    "postfix_bounce.eml",
    "iphone_reply.eml",
    "thunderbird_signature.eml",
)


def fill(maildir: Path, inbound: Inbound, names: tuple[str, ...] = BATCH) -> None:
    for index, name in enumerate(names):
        inbound.deliver(maildir, inbound.render(name), f"17000000{index:02d}.M{index}P1.host")


def test_a_maildir_batch_ends_where_each_message_belongs(inbound: Inbound, tmp_path: Path) -> None:
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    fill(maildir, inbound)
    inbound.record_sent()  # the bounce quotes our email to Ada
    (maildir / "tmp" / "half-delivered").write_bytes(b"From: x\n")
    ingester = inbound.ingester()
    result = ingest_maildir(ingester, maildir)
    assert result.counts == {"placed": 3, "dropped": 1, "bounced": 1}
    assert (result.handled, result.left, result.temporary) == (5, 0, None)
    # every handled message is deleted, whatever became of it
    assert os.listdir(maildir / "new") == []
    assert os.listdir(maildir / "cur") == []
    assert os.listdir(maildir / "tmp") == ["half-delivered"]
    assert len(inbound.entries()) == 3
    assert Ledger.read_only(inbound.home, inbound.keys).member(ADA).bouncing is True
    # a second run finds nothing new
    assert ingest_maildir(inbound.ingester(), maildir).handled == 0


def test_the_same_message_delivered_twice_to_a_maildir_is_one_entry(
    inbound: Inbound, tmp_path: Path
) -> None:
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    fill(maildir, inbound, ("gmail_reply.eml",))
    ingest_maildir(inbound.ingester(), maildir)
    inbound.deliver(maildir, inbound.render("gmail_reply.eml"), "1800000000.again.host")
    result = ingest_maildir(inbound.ingester(), maildir)
    assert result.counts == {"duplicate": 1}
    assert len(inbound.entries()) == 1


def test_a_folder_that_is_not_a_maildir_is_refused(inbound: Inbound, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a Maildir") as caught:
        ingest_maildir(inbound.ingester(), tmp_path)
    assert caught.value.temporary is False


def test_a_disk_failure_leaves_the_messages_in_new(inbound: Inbound, tmp_path: Path) -> None:
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    fill(maildir, inbound, ("gmail_reply.eml", "iphone_reply.eml"))
    inbox = inbound.home / "groups" / "team" / "inbox"
    inbox.write_bytes(b"")  # a file where the folder should be: every entry write fails
    result = ingest_maildir(inbound.ingester(), maildir)
    assert result.temporary
    assert "could not store" in result.temporary
    assert len(os.listdir(maildir / "new")) == 2
    inbox.unlink()
    result = ingest_maildir(inbound.ingester(), maildir)
    assert result.counts == {"placed": 2}


# -- acknowledgements and confirmations over a real SMTP server ----------------------------------


def test_an_entry_is_acknowledged_once_by_email(inbound: Inbound, smtp_server: SmtpServer) -> None:
    ingester = inbound.ingester(acknowledge=True)
    ingester.receive(inbound.render("gmail_reply.eml"))
    ingester.receive(inbound.render("gmail_reply.eml"))
    ingester.commit()
    report = ingester.send_notices(EMAIL, smtp_server.settings())
    assert (report.sent, report.failed, report.deferred) == (1, 0, 0)
    [ack] = smtp_server.handler.parsed()
    assert ack["To"].addresses[0].addr_spec == ADA
    assert ack["Subject"] == "Saved: your journal entry for week 2"
    body = ack.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Your journal entry for week 2 is saved. Only your group can read it." in body
    assert "missed deadlines" not in ack.as_string()
    assert ack["Auto-Submitted"] == "auto-generated"
    assert f"journal+{inbound.token()}@example.org" in str(ack["Reply-To"])
    # nothing more on the next run
    again = inbound.ingester(acknowledge=True)
    again.receive(inbound.render("gmail_reply.eml"))
    again.commit()
    assert again.send_notices(EMAIL, smtp_server.settings()).sent == 0
    assert len(smtp_server.handler.parsed()) == 1
    [record] = [
        m for m in Ledger.read_only(inbound.home, inbound.keys).messages.values() if m.kind == "ack"
    ]
    assert record.state == "sent"
    assert record.message_id == ack["Message-ID"].strip()


def test_two_members_replies_with_one_message_id_are_both_stored_and_acknowledged(
    inbound: Inbound, smtp_server: SmtpServer
) -> None:
    """Grace copies (or guesses) the Message-ID of Ada's reply and sends first: both entries
    are stored, each member gets one acknowledgement, and a repeat of Ada's is one entry."""
    ingester = inbound.ingester(acknowledge=True)
    grace = inbound.render("iphone_reply.eml", member=GRACE).replace(
        b"<6E7C1F0B-2A8D-4C0E-9B3F-1D5A7E2C9B40@example.com>",
        b"<CAHx3kq5B1vP0oTm9bq2+ZfW8xQ@mail.gmail.com>",
    )
    ada = inbound.render("gmail_reply.eml")
    assert ada.count(b"<CAHx3kq5B1vP0oTm9bq2+ZfW8xQ@mail.gmail.com>") == 1
    assert ingester.receive(grace).action == "placed"
    assert ingester.receive(ada).action == "placed"
    assert ingester.receive(ada).action == "duplicate"
    ingester.commit()
    assert ingester.send_notices(EMAIL, smtp_server.settings()).sent == 2
    entries = inbound.entries()
    assert sorted(e["member"] for e in entries) == [ADA, GRACE]
    assert len({e["message_hash"] for e in entries}) == 1
    assert any("missed deadlines" in text for text in inbound.texts())
    acks = smtp_server.handler.parsed()
    assert sorted(a["To"].addresses[0].addr_spec for a in acks) == [ADA, GRACE]
    # Ada's mail client sends it once more, in a later run: stored once, acknowledged once
    again = inbound.ingester(acknowledge=True)
    assert again.receive(ada).action == "duplicate"
    again.commit()
    assert again.send_notices(EMAIL, smtp_server.settings()).sent == 0
    assert len(inbound.entries()) == 2
    assert len(smtp_server.handler.parsed()) == 2


def test_an_unreachable_smtp_server_defers_the_ack_and_a_later_run_sends_it(
    inbound: Inbound, smtp_server: SmtpServer, refused_port: int
) -> None:
    ingester = inbound.ingester(acknowledge=True)
    assert ingester.receive(inbound.render("iphone_reply.eml")).action == "placed"
    ingester.commit()
    nobody = smtp_server.settings(port=refused_port)
    assert ingester.send_notices(EMAIL, nobody).deferred == 1
    assert len(inbound.entries()) == 1
    later = inbound.ingester(acknowledge=True)
    assert later.send_notices(EMAIL, smtp_server.settings()).sent == 1
    assert len(smtp_server.handler.parsed()) == 1


def test_stop_gets_one_confirmation_and_then_silence(
    inbound: Inbound, smtp_server: SmtpServer
) -> None:
    for name in ("stop_reply.eml", "list_unsubscribe.eml", "stop_reply.eml"):
        ingester = inbound.ingester(acknowledge=True)
        ingester.receive(inbound.render(name))
        ingester.commit()
        ingester.send_notices(EMAIL, smtp_server.settings())
    [confirmation] = smtp_server.handler.parsed()
    assert confirmation["Subject"] == "Paused: no more emails from your peer learning group"
    body = confirmation.get_body(("plain",)).get_content().replace("\r\n", " ").replace("\n", " ")
    assert "will send you no more tips or journal prompts" in body
    assert "Reply START" in body
    assert "plg-companion resume-emails" in body
    ledger = Ledger.read_only(inbound.home, inbound.keys)
    assert ledger.member(ADA).opted_out is True
    assert not ledger.may_send_to(ADA)


# -- the CLI: stdin from an MTA, maildir, quarantine ----------------------------------------------


def companion(home: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The real program, its clock set to the fixture's NOW (reply tokens expire: a run on
    the wall clock would find them expired on a later day)."""
    if args and args[0] in ("ingest", "run", "status") and "--now" not in args:
        args = (*args, "--now", NOW.isoformat())
    return subprocess.run(
        [sys.executable, "-m", "companion.cli", "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PLG_HOME": str(home)},
    )


def write_settings(inbound: Inbound, smtp: SmtpServer | None, extra: str = "") -> None:
    text = (
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'
        "[companion]\nlock_timeout = 1\n"
    )
    if smtp is not None:
        text += smtp.toml()
    (inbound.home / "plg.toml").write_text(text + extra)


def test_stdin_stores_a_reply_and_exits_0(inbound: Inbound, smtp_server: SmtpServer) -> None:
    write_settings(inbound, smtp_server)
    done = companion(
        inbound.home,
        "ingest",
        "-",
        "--now",
        NOW.isoformat(),
        stdin=inbound.render("gmail_reply.eml"),
    )
    assert done.returncode == 0, done.stderr
    assert b"1 message handled: 1 placed" in done.stdout
    assert len(inbound.entries()) == 1
    assert len(smtp_server.handler.parsed()) == 1  # the acknowledgement
    assert b"missed deadlines" not in done.stdout + done.stderr


def test_stdin_exits_0_when_the_ack_cannot_be_sent(inbound: Inbound, refused_port: int) -> None:
    nobody_listens = f'[smtp]\nhost = "127.0.0.1"\nport = {refused_port}\nsecurity = "none"\n'
    write_settings(inbound, None, nobody_listens)
    done = companion(inbound.home, "ingest", "-", stdin=inbound.render("iphone_reply.eml"))
    assert done.returncode == 0, done.stderr
    assert len(inbound.entries()) == 1
    [ack] = [
        m for m in Ledger.read_only(inbound.home, inbound.keys).messages.values() if m.kind == "ack"
    ]
    assert ack.state == "deferred"


def test_stdin_exits_75_while_the_ledger_is_busy_then_0(inbound: Inbound) -> None:
    write_settings(inbound, None)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with Ledger.locked(inbound.home, inbound.keys):
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(5)
        busy = companion(inbound.home, "ingest", "-", stdin=inbound.render("stop_reply.eml"))
    finally:
        release.set()
        holder.join()
    assert busy.returncode == 75, busy.stderr
    assert b"busy" in busy.stderr
    retry = companion(inbound.home, "ingest", "-", stdin=inbound.render("stop_reply.eml"))
    assert retry.returncode == 0, retry.stderr
    assert Ledger.read_only(inbound.home, inbound.keys).member(ADA).opted_out is True


def test_stdin_exits_75_on_a_disk_failure_and_on_a_broken_config(inbound: Inbound) -> None:
    write_settings(inbound, None)
    inbox = inbound.home / "groups" / "team" / "inbox"
    inbox.write_bytes(b"")
    failed = companion(inbound.home, "ingest", "-", stdin=inbound.render("gmail_reply.eml"))
    assert failed.returncode == 75, failed.stderr
    inbox.unlink()
    (inbound.home / "plg.toml").write_text("[email\nbroken")
    broken = companion(inbound.home, "ingest", "-", stdin=inbound.render("gmail_reply.eml"))
    assert broken.returncode == 75
    assert inbound.entries() == []


def test_stdin_exits_0_for_a_quarantined_or_dropped_message(inbound: Inbound) -> None:
    write_settings(inbound, None)
    forged = inbound.render("gmail_reply.eml", token=inbound.forged_token())
    assert companion(inbound.home, "ingest", "-", stdin=forged).returncode == 0
    oof = inbound.render("gmail_vacation.eml")
    assert companion(inbound.home, "ingest", "-", stdin=oof).returncode == 0
    assert len(inbound.quarantine()) == 1


def test_cli_maildir_and_quarantine_listing(inbound: Inbound, tmp_path: Path) -> None:
    write_settings(inbound, None)
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    fill(maildir, inbound, ("gmail_reply.eml",))
    inbound.deliver(
        maildir, inbound.render("iphone_reply.eml", sender="grace@example.org"), "2.host"
    )
    done = companion(inbound.home, "ingest", "--maildir", str(maildir), "--now", NOW.isoformat())
    assert done.returncode == 0, done.stderr
    assert b"2 messages handled: 1 placed, 1 quarantined" in done.stdout
    listing = companion(inbound.home, "quarantine")
    assert listing.returncode == 0
    out = listing.stdout.decode()
    assert "team: 1 in quarantine" in out
    assert "sender is not the member" in out
    assert "grace@example.org" in out
    assert "2026-12-08T18:45:00+00:00" in out
    assert "Priya" not in out


def test_cli_ingest_without_a_source_needs_imap_settings(inbound: Inbound) -> None:
    write_settings(inbound, None)
    done = companion(inbound.home, "ingest")
    assert done.returncode == 2
    assert b"[imap] host" in done.stderr
