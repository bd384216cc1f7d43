"""Member-written text never leaves the sealed entry: not on stdout/stderr, not in any file
under the data home or the temp folder in plaintext, not in any email (acknowledgements and
STOP confirmations go to the member only and never quote them), and not in the mailbox it came
from once handled (the Maildir, or Dovecot's mail store on disk).

Each reply carries marker strings in its Subject, body, From display name and attachment
filename, and goes through the real `plg-companion` program by stdin, by Maildir and by IMAP.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import all_bytes_under

if TYPE_CHECKING:
    from tests.companion.conftest import SmtpServer
    from tests.companion.conftest_imap import Inbound
    from tests.companion.imap_server import Dovecot

pytest_plugins = ["tests.companion.conftest_imap"]

ADA = "ada@example.org"
GRACE = "grace@example.org"
NOW = "2026-12-08T18:45:00+00:00"
MARKERS = ("QXSUBJECTMARK", "QXBODYMARK", "QXNAMEMARK", "QXFILEMARK", "QXSTOPMARK")


def reply(
    inbound: Inbound,
    *,
    sender: str = ADA,
    token: str | None = None,
    body: str = "QXBODYMARK went better than I feared with Sam.",
    message_id: str = "leak-1@example.com",
    from_header: str | None = None,
    boundary: str = "b-42",
) -> bytes:
    token = token or inbound.token(ADA, 2)
    attachment = base64.b64encode(b"%PDF-1.4 QXFILEMARK").decode()
    text = (
        f"Return-Path: <{sender}>\n"
        f"From: {from_header or f'QXNAMEMARK Lovelace <{sender}>'}\n"
        f"To: journal+{token}@example.org\n"
        "Subject: Re: QXSUBJECTMARK week 2\n"
        "Date: Wed, 9 Dec 2026 17:30:00 +0100\n"
        f"Message-ID: <{message_id}>\n"
        f"In-Reply-To: <{token}.5f1d2c3b4a596877@example.org>\n"
        "MIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
        f"--{boundary}\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"{body}\n\n"
        f"--{boundary}\n"
        'Content-Type: application/pdf; name="QXFILEMARK.pdf"\n'
        'Content-Disposition: attachment; filename="QXFILEMARK.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n"
        f"{attachment}\n"
        f"--{boundary}--\n"
    )
    return text.encode()


def the_replies(inbound: Inbound) -> dict[str, bytes]:
    """One reply for each way a message can end, every one carrying the markers."""
    return {
        "placed": reply(inbound, message_id="placed@example.com"),
        "forged token": reply(
            inbound, token=inbound.forged_token(), message_id="forged@example.com"
        ),
        "another sender": reply(inbound, sender=GRACE, message_id="other@example.com"),
        "two senders": reply(
            inbound,
            from_header=f"QXNAMEMARK A <{ADA}>, QXNAMEMARK B <{GRACE}>",
            message_id="two@example.com",
        ),
        "broken mime": reply(inbound, boundary="", message_id="broken@example.com"),
        "stop": reply(inbound, body="STOP", message_id="stop@example.com").replace(
            b"week 2", b"QXSTOPMARK"
        ),
    }


def companion(home: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "companion.cli", "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PLG_HOME": str(home)},
    )


def settings(inbound: Inbound, smtp: SmtpServer) -> None:
    (inbound.home / "plg.toml").write_text(
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'
        "[companion]\nlock_timeout = 1\n" + smtp.toml()
    )


def assert_no_marker(where: str, data: bytes) -> None:
    lowered = data.lower()
    for marker in MARKERS:
        assert marker.lower().encode() not in lowered, f"{marker} in {where}"


def assert_nothing_leaked(
    inbound: Inbound,
    smtp: SmtpServer,
    outputs: list[subprocess.CompletedProcess],
    tmp: Path,
    *mailboxes: Path,
) -> None:
    for done in outputs:
        assert_no_marker(f"output of {done.args[4:]}", done.stdout + done.stderr)
        assert b"Traceback" not in done.stderr
    for path, data in all_bytes_under(inbound.home, tmp, *mailboxes):
        assert_no_marker(str(path), data)
    sent = smtp.handler.messages
    assert sent, "the acknowledgement and the STOP confirmation went out"
    for message in sent:
        assert message.rcpt_tos == [ADA]
        assert_no_marker("an email", message.data)
        for part in message.message.walk():
            if not part.is_multipart():
                assert_no_marker("an email part", str(part.get_content()).encode())


def listings(inbound: Inbound) -> list[subprocess.CompletedProcess]:
    return [companion(inbound.home, "quarantine"), companion(inbound.home, "status")]


def test_stdin_ingest_leaks_no_member_text(
    inbound: Inbound, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings(inbound, smtp_server)
    outputs = []
    for raw in the_replies(inbound).values():
        done = companion(inbound.home, "ingest", "-", "--now", NOW, stdin=raw)
        assert done.returncode == 0, done.stderr
        outputs.append(done)
    assert len(inbound.entries()) >= 1
    assert len(inbound.quarantine()) == 3
    assert_nothing_leaked(inbound, smtp_server, [*outputs, *listings(inbound)], tmp_path / "tmp")


def test_maildir_ingest_leaks_no_member_text(
    inbound: Inbound, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings(inbound, smtp_server)
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    for index, raw in enumerate(the_replies(inbound).values()):
        inbound.deliver(maildir, raw, f"17000000{index:02d}.M{index}P1.host")
    done = companion(inbound.home, "ingest", "--maildir", str(maildir), "-v", "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert b"6 messages handled: 2 placed, 3 quarantined, 1 stopped" in done.stdout
    outputs = [done, *listings(inbound)]
    assert_nothing_leaked(inbound, smtp_server, outputs, tmp_path / "tmp", maildir)


def test_imap_ingest_leaks_no_member_text_and_leaves_none_on_the_server(
    inbound: Inbound, smtp_server: SmtpServer, dovecot: Dovecot, tmp_path: Path, monkeypatch
) -> None:
    settings(inbound, smtp_server)
    with (inbound.home / "plg.toml").open("a") as toml:
        toml.write(
            f'[imap]\nhost = "127.0.0.1"\nport = {dovecot.imaps_port}\nsecurity = "tls"\n'
            f'username = "{dovecot.username}"\nca_file = "{dovecot.cert}"\n'
        )
    monkeypatch.setenv("PLG_IMAP_PASSWORD", dovecot.password)
    for raw in the_replies(inbound).values():
        dovecot.append(raw.replace(b"\n", b"\r\n"))
    assert dovecot.mail_root is not None
    assert any(b"QXBODYMARK" in data for _p, data in all_bytes_under(dovecot.mail_root))
    done = companion(inbound.home, "ingest", "-v", "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert b"6 messages handled: 2 placed, 3 quarantined, 1 stopped" in done.stdout
    assert dovecot.uids("INBOX") == []
    outputs = [done, *listings(inbound)]
    assert_nothing_leaked(inbound, smtp_server, outputs, tmp_path / "tmp", dovecot.mail_root)


@pytest.mark.parametrize("folder", ["inbox", "quarantine"])
def test_the_group_can_still_read_what_was_sealed(
    inbound: Inbound, smtp_server: SmtpServer, folder: str
) -> None:
    """The markers are absent from the files because they are sealed, not because they are lost."""
    settings(inbound, smtp_server)
    for raw in the_replies(inbound).values():
        companion(inbound.home, "ingest", "-", "--now", NOW, stdin=raw)
    texts = "\n".join(inbound.texts(folder))
    assert "QXBODYMARK" in texts


def test_a_bounce_records_the_status_code_only(inbound: Inbound) -> None:
    from companion.outbound.ledger import Ledger

    raw = inbound.render("postfix_bounce.eml").replace(
        b"Status: 5.1.1", b"Status: QXSTOPMARK words"
    )
    inbound.record_sent()  # a bounce counts only for a message we sent
    ingester = inbound.ingester()
    assert ingester.receive(raw).action == "bounced"
    ingester.commit()
    assert Ledger.read_only(inbound.home, inbound.keys).member(ADA).bounce_reason == "failed"
