"""What every calendar email plg sends must be: parsed with icalendar, checked against the
properties RFC 5545 requires and RFC 5546 (iTIP) asks of a REQUEST or a CANCEL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from icalendar import Calendar

from companion.tokens import find_tokens


@dataclass(frozen=True)
class Invitation:
    method: str
    uid: str
    sequence: int
    start: datetime
    attendee: str
    location: str
    status: str


def calendar_part(message: EmailMessage) -> EmailMessage:
    """The text/calendar alternative, beside text and HTML, where mail clients look for it."""
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    types = [p.get_content_type() for p in parts]
    assert types == ["text/plain", "text/html", "text/calendar"], types
    return parts[2]  # type: ignore[return-value]


def check_invitation(message: EmailMessage, organizer: str = "plg@example.org") -> Invitation:
    """Validate one calendar email (headers, MIME, iCalendar) and say what it carries."""
    assert message["Reply-To"] is None, "an invitation carries no reply token"
    assert not find_tokens(str(message["To"])), "no token in the recipient either"
    assert message["List-Unsubscribe"], "the list headers, like every email"
    assert message["Auto-Submitted"] == "auto-generated"
    part = calendar_part(message)
    method = part.get_param("method")
    assert method in ("REQUEST", "CANCEL")
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    calendar = Calendar.from_ical(raw)
    assert str(calendar["METHOD"]) == method
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"])
    [event] = list(calendar.walk("VEVENT"))
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "ORGANIZER", "ATTENDEE"):
        assert required in event, f"VEVENT lacks {required}"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    assert str(event["ORGANIZER"]).lower() == f"mailto:{organizer}"
    attendee = event["ATTENDEE"]
    assert not isinstance(attendee, list), "each member's copy names only that member"
    assert attendee.params["RSVP"] == "TRUE"
    to = message["To"].addresses[0].addr_spec
    assert str(attendee).lower() == f"mailto:{to}"
    location = str(event.get("LOCATION", ""))
    assert str(event.get("URL", "")) == location
    alarms = list(event.walk("VALARM"))
    if method == "REQUEST":
        assert str(event["STATUS"]) == "CONFIRMED"
        [alarm] = alarms
        assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)
        assert str(alarm["ACTION"]) == "DISPLAY"
    else:
        assert str(event["STATUS"]) == "CANCELLED"
        assert alarms == []
    return Invitation(
        method=method,
        uid=str(event["UID"]),
        sequence=int(event["SEQUENCE"]),
        start=event.decoded("DTSTART"),
        attendee=to,
        location=location,
        status=str(event["STATUS"]),
    )


def is_calendar(message: EmailMessage) -> bool:
    return any(part.get_content_type() == "text/calendar" for part in message.walk())
