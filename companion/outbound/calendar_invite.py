"""Calendar invitations for a group's sessions (iTIP, RFC 5546): REQUEST and CANCEL.

One VEVENT per session, the same UID for every member and every revision, so a calendar
replaces the event when it moves (higher SEQUENCE) and removes it when it is cancelled.
Each member's copy names only that member as ATTENDEE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from companion.outbound.compose import SESSION_MINUTES, header_text

PRODID = "-//plg//peer learning companion//EN"
ALARM_BEFORE = timedelta(minutes=15)


class CalendarMethod(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class SessionEvent:
    """What one member's copy of a session's invitation says."""

    uid: str
    sequence: int
    title: str
    start: datetime  # aware
    call_link: str  # "" when the group has none
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str
    description: str
    minutes: int = SESSION_MINUTES


def session_uid(group_id: str, cycle: int, session: str, domain: str) -> str:
    """Stable per group, cycle and session; says nothing about who is in the group."""
    return f"plg-{group_id}-c{cycle}-s{session}@{domain}"


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    shown = header_text(name).replace('"', "'")
    if shown:
        address.params["cn"] = vText(shown)
    return address


def session_calendar(event: SessionEvent, method: CalendarMethod, stamp: datetime) -> str:
    """The VCALENDAR text (CRLF lines) for `event` as a REQUEST or a CANCEL."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", str(method))
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(UTC))
    vevent.add("dtend", (event.start + timedelta(minutes=event.minutes)).astimezone(UTC))
    vevent.add("summary", header_text(event.title))
    vevent.add("description", event.description)
    vevent.add("organizer", _address(event.organizer_email, event.organizer_name))
    attendee = _address(event.attendee_email, event.attendee_name)
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "NEEDS-ACTION"
    attendee.params["rsvp"] = "TRUE"
    vevent.add("attendee", attendee)
    cancelled = method is CalendarMethod.CANCEL
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    if event.call_link:
        vevent.add("location", event.call_link)
        vevent.add("url", event.call_link)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", header_text(event.title))
        alarm.add("trigger", -ALARM_BEFORE)
        vevent.add_component(alarm)
    calendar.add_component(vevent)
    ics: bytes = calendar.to_ical()
    return ics.decode("utf-8")
