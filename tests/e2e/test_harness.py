"""The e2e harness can fail: the scanner finds what is there, ENOSPC refuses only the folder
given, the mail client's replies carry the thread headers and the quote, the SMTP server comes
back on its port with what it had received."""

from __future__ import annotations

import errno
import os
import smtplib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion.mailtext.clean import clean_reply
from tests.e2e.harness import (
    STYLES,
    MailClient,
    Member,
    ProgrammeClock,
    RestartableSmtp,
    enospc_under,
    find_markers,
    plain_body,
)

ORIGINAL = (
    b"From: Peer Learning <plg@example.org>\r\n"
    b"To: Ilse <ilse@example.org>\r\n"
    b"Subject: Week 2 of 4: Giving feedback\r\n"
    b"Date: Fri, 30 Oct 2026 08:00:00 +0000\r\n"
    b"Message-ID: <tok123.abc@example.org>\r\n"
    b"Reply-To: Peer Learning <journal+tok123@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Hello Ilse,\r\n\r\nWhich feedback did you give this week?\r\n"
)


def test_find_markers_sees_plain_utf16_and_case_folded(tmp_path: Path):
    (tmp_path / "a").write_bytes(b"xx MKSECRET1 yy")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes("MKSECRET2".encode("utf-16-le"))
    (tmp_path / "c").write_bytes(b"mksecret3")
    (tmp_path / "d").write_bytes(b"nothing here")
    found = {
        (p.name, m)
        for p, m in find_markers(["MKSECRET1", "MKSECRET2", "MKSECRET3", "MKABSENT"], tmp_path)
    }
    assert found == {("a", "MKSECRET1"), ("b", "MKSECRET2"), ("c", "MKSECRET3")}


def test_enospc_only_under_the_folder(tmp_path: Path):
    inside, outside = tmp_path / "home", tmp_path / "other"
    inside.mkdir()
    outside.mkdir()
    with enospc_under(inside) as refused:
        fd = os.open(inside / "f", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            with pytest.raises(OSError, match="No space left on device") as caught:
                os.write(fd, b"data")
        finally:
            os.close(fd)
        (outside / "g").write_bytes(b"fine")
    assert caught.value.errno == errno.ENOSPC
    assert refused
    assert (outside / "g").read_bytes() == b"fine"
    (inside / "h").write_bytes(b"after")  # restored


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("language", ["en", "de"])
def test_replies_thread_quote_and_clean_back(style: str, language: str):
    from email import message_from_bytes, policy

    delivered: list[bytes] = []
    client = MailClient(delivered.append)
    member = Member("Ilse Q", "ilse@example.org", "Europe/Berlin", style, language)
    original = message_from_bytes(ORIGINAL, policy=policy.default)
    text = "I tried it with MKJ1 today.\n\nIt went well."
    client.reply(member, original, text, datetime(2026, 10, 30, 12, tzinfo=UTC), 2)
    reply = message_from_bytes(delivered[0], policy=policy.default)
    assert reply["In-Reply-To"] == "<tok123.abc@example.org>"
    assert "journal+tok123@example.org" in reply["To"]
    body = plain_body(reply)
    assert "Which feedback did you give" in body  # the quoted original is there
    assert clean_reply(body)[0] == text


def test_smtp_comes_back_on_the_same_port_with_its_records():
    server = RestartableSmtp()
    server.handler.clock = ProgrammeClock(datetime(2026, 10, 30, tzinfo=UTC))
    try:
        with smtplib.SMTP("127.0.0.1", server.port) as client:
            client.sendmail("a@example.org", ["b@example.org"], b"Subject: x\r\n\r\nhi\r\n")
        server.down()
        with pytest.raises(ConnectionRefusedError):
            smtplib.SMTP("127.0.0.1", server.port, timeout=2)
        server.up()
        with smtplib.SMTP("127.0.0.1", server.port) as client:
            client.sendmail("a@example.org", ["c@example.org"], b"Subject: y\r\n\r\nhi\r\n")
        assert [a.recipient for a in server.handler.arrivals] == ["b@example.org", "c@example.org"]
        assert server.handler.arrivals[0].at == datetime(2026, 10, 30, tzinfo=UTC)
    finally:
        server.down()
