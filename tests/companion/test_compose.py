"""Headers, tokens, header-injection resistance, templates and the .ics invitation."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from icalendar import Calendar

from companion.outbound.calendar_invite import (
    CalendarMethod,
    SessionEvent,
    session_calendar,
    session_uid,
)
from companion.outbound.compose import build_email, build_wire, header_text, render
from companion.settings import EmailSettings
from companion.tokens import find_tokens, parse_token, verify_token
from plg_tui.vault.group_keys import GroupKeys
from tests.calendar_checks import check_invitation

EMAIL = EmailSettings(from_addr="Peer Learning <plg@example.org>", reply_to="journal@example.org")
KEYS = GroupKeys("team", "group-id-1", os.urandom(32), b"\x01" * 32)
MEMBERS = ["ada@example.org", "grace@example.org"]


MAKE_DEFAULTS: dict[str, Any] = dict(
    email=EMAIL,
    keys=KEYS,
    to_name="Ada Lovelace",
    to_addr="ada@example.org",
    week=2,
    reply_until=date(2027, 1, 28),
    subject="Week 2",
    text="Hello\n",
    html="<p>Hello</p>",
    date=datetime(2026, 12, 9, 9, tzinfo=UTC),
)


def make(**overrides):
    values = dict(MAKE_DEFAULTS)
    values.update(overrides)
    return build_email(**values)


def test_reply_to_and_unsubscribe_carry_a_verifiable_token():
    message = make()
    reply_to = message["Reply-To"].addresses[0].addr_spec
    assert reply_to.startswith("journal+")
    assert reply_to.endswith("@example.org")
    token = parse_token(reply_to.split("+", 1)[1].split("@")[0])
    assert token is not None
    assert token.week == 2
    assert token.until == date(2027, 1, 28)
    assert verify_token(KEYS, token, MEMBERS) == "ada@example.org"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<mailto:journal+stop.")
    [stop] = find_tokens(unsubscribe)
    assert parse_token(stop).unsubscribe
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert message["Date"] == "Wed, 09 Dec 2026 09:00:00 +0000"


def test_a_message_id_is_random_and_carries_no_token():
    # References and forwards carry the Message-ID on: it must say nothing about the member
    first, second = make(), make()
    for message in (first, second):
        message_id = message["Message-ID"]
        assert re.fullmatch(r"<[0-9a-f]{32}@example\.org>", message_id), message_id
        assert find_tokens(message_id) == []
        token = find_tokens(message["Reply-To"].addresses[0].addr_spec)[0]
        assert token.split(".")[2] not in message_id
        assert token.split(".")[-1] not in message_id
    assert first["Message-ID"] != second["Message-ID"]


def test_a_token_cannot_be_extended():
    token = find_tokens(make()["Reply-To"].addresses[0].addr_spec)[0]
    slug, week, ref, day, mac = token.split(".")
    later = parse_token(f"{slug}.{week}.{ref}.{int(day) + 365}.{mac}")
    assert later is not None
    assert later.until == date(2028, 1, 28)
    assert verify_token(KEYS, later, MEMBERS) is None


def test_a_token_expires_after_its_last_day():
    token = parse_token(find_tokens(make()["Reply-To"].addresses[0].addr_spec)[0])
    assert not token.expired(datetime(2027, 1, 28, 23, 59, tzinfo=UTC))
    assert token.expired(datetime(2027, 1, 29, 0, 0, tzinfo=UTC))


def test_another_members_token_does_not_verify_for_this_member():
    grace = make(to_addr="grace@example.org")
    token = parse_token(find_tokens(grace["Reply-To"].addresses[0].addr_spec)[0])
    assert verify_token(KEYS, token, ["ada@example.org"]) is None


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: victim@example.net",
        "Eve\nBcc: victim@example.net",
        "Eve\rBcc: victim@example.net",
        "Eve\u2028Bcc: victim@example.net",
        "Eve\x85Bcc: victim@example.net",
        'Eve" <evil@example.net>,\r\n\tBcc: victim@example.net',
    ],
)
def test_names_and_subjects_cannot_add_a_header(name):
    message = make(to_name=name, subject=f"Week 2 {name}")
    wire = bytes(message)
    header_block = wire.split(b"\r\n\r\n", 1)[0].decode("ascii")
    header_names = [
        line.split(":", 1)[0].lower()
        for line in header_block.split("\r\n")
        if line and not line[0].isspace()
    ]
    assert "bcc" not in header_names
    assert header_names.count("to") == 1
    import email
    from email import policy

    parsed = email.message_from_bytes(wire, policy=policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ada@example.org"]
    assert parsed["Bcc"] is None


@pytest.mark.parametrize(
    "address", ["ada@example.org\r\nBcc: x@y.org", "ada@example.org x@y.org", "not-an-address"]
)
def test_a_broken_address_is_refused(address):
    with pytest.raises(ValueError, match="email address"):
        make(to_addr=address)


def test_header_text_keeps_unicode_and_drops_controls():
    assert header_text("  Tomás\t\r\n Ruiz \x00 ") == "Tomás Ruiz"


def test_html_is_autoescaped_and_text_is_not():
    context = dict(
        first_name="Ada",
        module_title="Feedback <b>",
        week=1,
        weeks_total=4,
        tip="Say <script>alert(1)</script> & more",
        tip_title="Say <script>",
        prompt="What & why?",
        checkin="Ask <them>",
        partners=[{"name": "Grace <G>", "email": "grace@example.org", "first_name": "Grace"}],
        session2_local="Tuesday 29 December 2026 at 14:00 (Europe/Berlin time)",
    )
    text, html = render("weekly", **context)
    assert "<script>" in text
    assert "Say <script>alert(1)</script> & more" in " ".join(text.split())
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Grace &lt;G&gt;" in html
    assert "Feedback &lt;b&gt;" in html


def test_a_session_invitation_is_a_valid_request_beside_text_and_html():
    start = datetime(2026, 12, 29, 13, tzinfo=UTC)
    event = SessionEvent(
        uid=session_uid("gid", 1, "2", "example.org"),
        sequence=0,
        title="Giving feedback: session 2\r\nATTENDEE:mailto:eve@evil.example",
        start=start,
        call_link="https://meet.example.org/abc",
        organizer_name="Peer Learning",
        organizer_email="plg@example.org",
        attendee_name='Ada "the Countess" Lovelace\nX-EVIL:1',
        attendee_email="ada@example.org",
        description="Session 2 of your peer learning group.",
    )
    ics = session_calendar(event, CalendarMethod.REQUEST, datetime(2026, 12, 27, 9, tzinfo=UTC))
    [vevent] = list(Calendar.from_ical(ics).walk("VEVENT"))
    assert "X-EVIL" not in vevent
    assert str(vevent["ATTENDEE"]) == "mailto:ada@example.org"  # one attendee, not two
    defaults = {k: v for k, v in MAKE_DEFAULTS.items() if k != "week"}
    wire = build_wire(**defaults, week=0, calendar=("REQUEST", ics), reply_token=False)
    invitation = check_invitation(wire.as_email())
    assert invitation.uid == "plg-gid-c1-s2@example.org"
    assert (invitation.start, invitation.sequence) == (start, 0)
    assert invitation.location == "https://meet.example.org/abc"
