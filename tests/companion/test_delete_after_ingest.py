"""Once a reply is sealed and committed, the original message is deleted from the mailbox:
gone from the Maildir (new/ and cur/) and from the IMAP folder and Dovecot's store on disk.
A run killed between sealing and deleting stores and acknowledges nothing twice; a message
that could not be handled for a temporary reason stays."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from companion.inbound.imap_source import ImapMailbox, ingest_imap
from companion.inbound.ingest_batch import process
from companion.inbound.local_sources import ingest_maildir, maildir_messages
from companion.settings import EmailSettings
from tests.companion.test_sources_imap import settings_for
from tests.conftest import all_bytes_under

if TYPE_CHECKING:
    from tests.companion.conftest import SmtpServer
    from tests.companion.conftest_imap import Inbound
    from tests.companion.imap_server import Dovecot

pytest_plugins = ["tests.companion.conftest_imap"]

EMAIL = EmailSettings(from_addr="Peer Learning <plg@example.org>", reply_to="journal@example.org")
# words of the sample replies (gmail_reply, iphone_reply, the out-of-office, the bounce)
WORDS = (b"missed deadlines", b"let Priya finish", b"out of the office", b"Ada Lovelace")


class Killed(BaseException):
    """The process dies here (SIGKILL): nothing after this point runs."""


def die(_handles: list) -> None:
    raise Killed


def assert_no_words(*roots: Path) -> None:
    for path, data in all_bytes_under(*roots):
        for words in WORDS:
            assert words.lower() not in data.lower(), f"{words!r} still in {path}"


SAMPLES = (
    "gmail_reply.eml",
    "iphone_reply.eml",
    "exchange_out_of_office.eml",
    "postfix_bounce.eml",
)


# -- Maildir --------------------------------------------------------------------------------------


def test_every_handled_message_is_deleted_from_the_maildir(
    inbound: Inbound, tmp_path: Path
) -> None:
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    inbound.record_sent()  # the bounce quotes our email to Ada
    for index, name in enumerate(SAMPLES):
        inbound.deliver(maildir, inbound.render(name), f"{index}.host")
    # a mail client that opened the Maildir moved one to cur/ (and marked it seen)
    opened = maildir / "cur" / "9.host:2,S"
    os.replace(maildir / "new" / "0.host", opened)
    forged = inbound.render("gmail_reply.eml", token=inbound.forged_token())
    inbound.deliver(maildir, forged.replace(b"CAHx3kq5", b"forged"), "5.host")
    result = ingest_maildir(inbound.ingester(), maildir)
    assert result.counts == {"placed": 2, "dropped": 1, "bounced": 1, "quarantined": 1}
    assert os.listdir(maildir / "new") == []
    assert os.listdir(maildir / "cur") == []
    assert_no_words(maildir)
    assert len(inbound.entries()) == 2
    assert len(inbound.quarantine()) == 1


@pytest.mark.parametrize("dies", ["after sealing", "after committing"])
def test_a_run_killed_before_deleting_stores_and_acknowledges_once(
    inbound: Inbound, tmp_path: Path, smtp_server: SmtpServer, dies: str
) -> None:
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    inbound.deliver(maildir, inbound.render("gmail_reply.eml"), "1.host")
    killed = inbound.ingester(acknowledge=True)
    if dies == "after sealing":
        killed.commit = lambda: die([])  # type: ignore[method-assign]
    with pytest.raises(Killed):
        process(killed, maildir_messages(maildir), die)
    assert len(inbound.entries()) == 1
    assert os.listdir(maildir / "new") == ["1.host"]

    again = inbound.ingester(acknowledge=True)
    result = ingest_maildir(again, maildir)
    assert result.counts == {"duplicate": 1}
    assert result.handled == 1
    assert again.send_notices(EMAIL, smtp_server.settings()).sent == 1
    assert os.listdir(maildir / "new") == []
    assert os.listdir(maildir / "cur") == []
    assert len(inbound.entries()) == 1
    [ack] = smtp_server.handler.parsed()
    assert ack["Subject"] == "Saved: your journal entry for week 2"


def test_a_disk_failure_or_an_unreadable_key_file_leaves_the_message(
    inbound: Inbound, tmp_path: Path
) -> None:
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    inbound.deliver(maildir, inbound.render("gmail_reply.eml"), "1.host")
    key_file = inbound.home / "keys" / "team.key"
    key_file.chmod(0o644)  # refused: others could read it
    waiting = ingest_maildir(inbound.ingester(), maildir)
    assert (waiting.handled, waiting.left, waiting.errors) == (0, 1, 1)
    assert os.listdir(maildir / "new") == ["1.host"]
    key_file.chmod(0o600)
    inbox = inbound.home / "groups" / "team" / "inbox"
    inbox.write_bytes(b"")  # a file where the folder should be: the entry cannot be written
    full = ingest_maildir(inbound.ingester(), maildir)
    assert full.temporary
    assert os.listdir(maildir / "new") == ["1.host"]
    inbox.unlink()
    assert ingest_maildir(inbound.ingester(), maildir).counts == {"placed": 1}
    assert os.listdir(maildir / "new") == []


def test_stdin_asks_the_mta_to_retry_while_the_key_file_is_unreadable(inbound: Inbound) -> None:
    from tests.companion.test_sources import companion, write_settings

    write_settings(inbound, None)
    key_file = inbound.home / "keys" / "team.key"
    key_file.chmod(0o644)
    waiting = companion(inbound.home, "ingest", "-", stdin=inbound.render("gmail_reply.eml"))
    assert waiting.returncode == 75, waiting.stderr  # 1 would bounce the reply to the member
    assert b"group team cannot be opened" in waiting.stderr
    assert inbound.entries() == []
    key_file.chmod(0o600)
    stored = companion(inbound.home, "ingest", "-", stdin=inbound.render("gmail_reply.eml"))
    assert stored.returncode == 0, stored.stderr
    assert len(inbound.entries()) == 1


# -- IMAP, a real Dovecot -------------------------------------------------------------------------


def test_imap_messages_are_gone_from_the_folder_and_from_dovecots_disk(
    inbound: Inbound, dovecot: Dovecot
) -> None:
    inbound.record_sent()  # the bounce quotes our email to Ada
    for name in SAMPLES:
        dovecot.append(inbound.render(name, crlf=True))
    assert dovecot.mail_root is not None
    before = [p for p, data in all_bytes_under(dovecot.mail_root) if b"missed deadlines" in data]
    assert before, "the test must see the message in Dovecot's store before the run"
    result = ingest_imap(inbound.ingester(), settings_for(dovecot))
    assert result.counts == {"placed": 2, "dropped": 1, "bounced": 1}
    assert dovecot.uids("INBOX") == []
    assert_no_words(dovecot.mail_root)


def test_imap_a_run_killed_before_deleting_stores_and_acknowledges_once(
    inbound: Inbound, dovecot: Dovecot, smtp_server: SmtpServer
) -> None:
    dovecot.append(inbound.render("gmail_reply.eml", crlf=True))
    dovecot.append(inbound.render("iphone_reply.eml", crlf=True))
    killed = inbound.ingester(acknowledge=True)
    with ImapMailbox(settings_for(dovecot)) as mailbox, pytest.raises(Killed):
        process(killed, mailbox.messages(), die)
    assert len(inbound.entries()) == 2
    assert len(dovecot.uids("INBOX")) == 2
    # a run that died between flagging one \Deleted and expunging it: that one is read too
    first = dovecot.uids("INBOX")[0]
    conn = dovecot.client()
    try:
        conn.select("INBOX")
        conn.uid("STORE", first.decode(), "+FLAGS", "(\\Deleted)")
    finally:
        conn.logout()  # LOGOUT, not CLOSE: the flagged message stays
    assert len(dovecot.uids("INBOX")) == 2

    again = inbound.ingester(acknowledge=True)
    result = ingest_imap(again, settings_for(dovecot))
    assert result.counts == {"duplicate": 2}
    assert again.send_notices(EMAIL, smtp_server.settings()).sent == 2
    assert dovecot.uids("INBOX") == []
    assert len(inbound.entries()) == 2
    assert len(smtp_server.handler.parsed()) == 2
    assert dovecot.mail_root is not None
    assert_no_words(dovecot.mail_root)


def test_imap_uid_expunge_leaves_a_message_that_arrives_meanwhile(
    inbound: Inbound, dovecot: Dovecot
) -> None:
    """UID EXPUNGE removes exactly the handled messages: one that arrives (and that someone
    flags \\Deleted) during the run is not removed unread."""
    dovecot.append(inbound.render("gmail_reply.eml", crlf=True))
    with ImapMailbox(settings_for(dovecot)) as mailbox:
        [(uid, _raw)] = list(mailbox.messages())
        dovecot.append(inbound.render("iphone_reply.eml", crlf=True))
        late = [u for u in dovecot.uids("INBOX") if u != uid]
        conn = dovecot.client()
        try:
            conn.select("INBOX")
            conn.uid("STORE", late[0].decode(), "+FLAGS", "(\\Deleted)")
        finally:
            conn.logout()
        mailbox.delete([uid])
        assert dovecot.uids("INBOX") == late
    # ending the session (LOGOUT, never CLOSE) expunges nothing either
    assert dovecot.uids("INBOX") == late
