"""Every email the companion sends is a good email (issue 14): each kind, delivered through a
real SMTP server, carries List-Id, Precedence, List-Unsubscribe (mailto and one-click https),
Date and Message-ID and leaves with its own VERP envelope sender; acknowledgements and STOP
and START confirmations are built the same way and thread under the member's reply."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from companion.inbound.ingester import Ingester
from companion.inbound.notices import NOTICE_KINDS
from companion.outbound.compose import build_wire
from companion.outbound.ledger_records import LedgerMessage
from companion.outbound.messages import compose_message
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.plan import load_group, new_message_id
from companion.outbound.schedule import CALENDAR_KINDS, KINDS, PlannedMessage
from companion.outbound.smtp import deliver
from companion.settings import ConfigError, EmailSettings, load_email_settings
from plg_tui.core.settings import load_settings
from plg_tui.vault.keys import load_operations_keys
from tests.companion.list_header_checks import header_problems, raw_header
from tests.companion.team_month import ledger, record_pairs

ADA = "ada@example.org"
URL = "https://plg.example.org/unsubscribe"
NOW = datetime(2026, 10, 21, 12, tzinfo=UTC)


def with_one_click(home: Path) -> None:
    toml = (home / "plg.toml").read_text()
    (home / "plg.toml").write_text(
        toml.replace("[email]\n", f'[email]\nunsubscribe_url = "{URL}"\n', 1)
    )


def reply(original: EmailMessage, text: str, *, at: datetime, sender: str = ADA) -> bytes:
    """The member's reply to `original`, as a mail client writes it (CRLF)."""
    message = EmailMessage()
    message["From"] = f"Ada Lovelace <{sender}>"
    message["To"] = str(original["Reply-To"])
    message["Subject"] = "Re: " + str(original["Subject"])
    message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid(domain="mail.example.net")
    message["In-Reply-To"] = str(original["Message-ID"])
    message["References"] = f"<older@mail.example.net> {original['Message-ID']}"
    message.set_content(text)
    return message.as_bytes().replace(b"\n", b"\r\n")


def ingest(home: Path, raw: bytes, smtp_server, now: datetime = NOW) -> str:
    outbound = load_outbound_settings(load_settings(home))
    ingester = Ingester(home, now=now, log=lambda line: None)
    outcome = ingester.receive(raw)
    ingester.commit()
    ingester.send_notices(outbound.email, smtp_server.settings())
    return outcome.action


def kind_of_message(home: Path, message_id: str) -> LedgerMessage:
    return next(r for r in ledger(home).messages.values() if r.message_id == message_id)


def test_every_kind_of_email_carries_the_list_headers_and_its_own_bounce_address(
    group_home: Path, smtp_server
) -> None:
    with_one_click(group_home)
    record_pairs(group_home)
    outbound = load_outbound_settings(load_settings(group_home))
    group = load_group(group_home, "team")
    later = NOW + timedelta(days=1)
    planned = [PlannedMessage(ADA, kind, int(kind == "weekly"), NOW, later) for kind in KINDS]
    planned += [
        PlannedMessage(ADA, "invitation", 0, NOW, later, "c1-2", 0),
        PlannedMessage(ADA, "cancellation", 0, NOW, later, "c1-2", 1),
    ]
    assert {p.kind for p in planned} == {*KINDS, *CALENDAR_KINDS}  # a new kind must be added
    kinds: dict[str, str] = {}
    wires = []
    for message in planned:
        message_id = new_message_id(group, outbound.email, message)
        wires.append(
            compose_message(group, outbound.email, message, message_id=message_id, now=NOW)
        )
        kinds[message_id] = message.kind
    assert asyncio.run(deliver(smtp_server.settings(), wires))[0].ok

    weekly = next(m for m in smtp_server.handler.parsed() if str(m["Subject"]).startswith("Week"))
    answers = {
        "ack": "This week I asked before advising. It went well.",
        "no_text": "",  # only the quoted email: nothing new to save
        "stop_confirm": "Please stop sending me these.",
        "start_confirm": "START",
    }
    sent_replies = {}
    for kind, text in answers.items():
        raw = reply(weekly, text, at=NOW)
        sent_replies[kind] = raw_header(raw, "Message-ID")
        ingest(group_home, raw, smtp_server)
    for record in ledger(group_home).messages.values():
        if record.kind in NOTICE_KINDS:
            kinds[record.message_id] = record.kind

    keys = load_operations_keys(group_home, "team")
    received = smtp_server.handler.messages
    assert len(received) == len(planned) + len(answers)
    for delivered in received:
        message_id = raw_header(delivered.data, "Message-ID")
        problems = header_problems(
            delivered.data, delivered.mail_from, ADA, keys, unsubscribe_url=URL
        )
        assert problems == [], (kinds.get(message_id), problems)
        kind = kinds[message_id]
        if kind in NOTICE_KINDS:  # threaded under the reply it answers
            answered = sent_replies[kind]
            assert raw_header(delivered.data, "In-Reply-To") == answered
            references = raw_header(delivered.data, "References").split()
            assert references == ["<older@mail.example.net>", str(weekly["Message-ID"]), answered]
    # the hint answering a reply to the introduction: test_introduction checks its headers
    assert set(kinds.values()) == {*KINDS, *CALENDAR_KINDS, *NOTICE_KINDS} - {"intro_hint"}


def test_a_scheduled_run_records_each_message_with_its_bounce_address(
    group_home: Path, smtp_server
) -> None:
    record_pairs(group_home)
    from tests.companion.team_month import run_at

    assert run_at(group_home, datetime(2026, 10, 21, 8, tzinfo=UTC)).exit_code == 0
    keys = load_operations_keys(group_home, "team")
    assert smtp_server.handler.messages
    for delivered in smtp_server.handler.messages:
        recipient = delivered.rcpt_tos[0]
        assert header_problems(delivered.data, delivered.mail_from, recipient, keys) == []
        record = kind_of_message(group_home, raw_header(delivered.data, "Message-ID"))
        assert record.return_path == delivered.mail_from  # what a bounce is checked against
        assert raw_header(delivered.data, "List-Unsubscribe-Post") == ""  # no url configured


def test_without_a_url_there_is_only_the_mailto_unsubscribe() -> None:
    from plg_tui.vault.group_keys import GroupKeys

    keys = GroupKeys("team", "g" * 32, b"k" * 32, b"p" * 32)
    email = EmailSettings("Peer Learning <plg@example.org>", "journal@example.org")
    wire = build_wire(
        email=email,
        keys=keys,
        to_name="Ada",
        to_addr=ADA,
        week=1,
        reply_until=NOW.date(),
        subject="Week 1",
        text="x" * 2000,
        html=None,
    )
    assert header_problems(wire.data, wire.sender, ADA, keys) == []
    assert wire.sender.startswith("journal+b.team.")
    assert wire.sender.endswith("@example.org")


@pytest.mark.parametrize(
    "url",
    [
        "http://plg.example.org/unsubscribe",
        "mailto:stop@example.org",
        "https://",
        "https://plg.example.org/a b",
        'https://plg.example.org/"x"',
        "https://plg.example.org/#top",
        "https://plg.example.org/" + "a" * 300,
    ],
)
def test_an_unsubscribe_url_that_is_not_plain_https_is_refused_by_name(url: str) -> None:
    settings = {"email": {"from": "plg@example.org", "reply_to": "j@example.org"}}
    settings["email"]["unsubscribe_url"] = url
    with pytest.raises(ConfigError, match=r"plg.toml \[email\] unsubscribe_url: .*https"):
        load_email_settings(settings)


def test_an_https_unsubscribe_url_is_kept() -> None:
    settings = {"email": {"from": "plg@example.org", "reply_to": "j@example.org"}}
    settings["email"]["unsubscribe_url"] = URL + "?list=plg"
    assert load_email_settings(settings).unsubscribe_url == URL + "?list=plg"
