"""The calendar invitation for session 2 that travels with the pairing introduction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from companion.outbound.compose import SESSION_MINUTES, Attachment, header_text


def session2_invitation(
    *,
    group_id: str,
    domain: str,
    title: str,
    start: datetime,
    call_link: str,
    stamp: datetime,
    minutes: int = SESSION_MINUTES,
) -> Attachment:
    """An .ics (METHOD:PUBLISH) for session 2; the UID is stable so an update replaces it."""
    calendar = Calendar()
    calendar.add("prodid", "-//plg//peer learning companion//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"session2-{group_id}@{domain}")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", (start + timedelta(minutes=minutes)).astimezone(UTC))
    event.add("summary", header_text(title))
    description = "Session 2 of your peer learning group."
    if call_link:
        event.add("location", call_link)
        event.add("url", call_link)
        description += f"\nJoin: {call_link}"
    event.add("description", description)
    calendar.add_component(event)
    return Attachment(
        filename="session-2.ics",
        content_type="text/calendar",
        data=calendar.to_ical().decode("utf-8"),
        params={"method": "PUBLISH"},
    )
