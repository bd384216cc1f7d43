"""Times as a member reads them: "9:00 New York time", not "09:00 (America/New_York time)".

The place comes from the IANA zone name (its last part, underscores as spaces); zones that
name no place (Etc/UTC, Etc/GMT+5, UTC) read as an offset from UTC instead. Working-hour
overlaps for partners in different zones are computed on UTC instants.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WORKDAY_START = time(9, 0)
WORKDAY_END = time(17, 0)
_UTC_NAMES = frozenset({"utc", "uct", "gmt", "zulu", "universal", "greenwich", "gmt0", "gmt+0"})
_ETC_OFFSET = re.compile(r"^(?:etc/)?gmt([+-])(\d{1,2})$")


def place_name(timezone: str) -> str:
    """The city of an IANA zone ("America/Argentina/Buenos_Aires" -> "Buenos Aires"), or ""
    for a zone that names no place."""
    lowered = timezone.strip().lower()
    if lowered.removeprefix("etc/") in _UTC_NAMES or _ETC_OFFSET.match(lowered):
        return ""
    last = timezone.strip().rsplit("/", 1)[-1]
    return last.replace("_", " ")


def zone_label(timezone: str) -> str:
    """How a time in this zone is labelled: "New York time", "UTC", "UTC-5"."""
    place = place_name(timezone)
    if place:
        return f"{place} time"
    offset = _ETC_OFFSET.match(timezone.strip().lower())
    if offset and int(offset.group(2)):
        # POSIX sign: Etc/GMT+5 is five hours *behind* UTC
        sign = "-" if offset.group(1) == "+" else "+"
        return f"UTC{sign}{int(offset.group(2))}"
    return "UTC"


def clock(local: datetime) -> str:
    """ "9:00", "15:30": no leading zero, as people write it."""
    return f"{local.hour}:{local.minute:02d}"


def local_datetime_text(instant: datetime, timezone: str) -> str:
    """ "Tuesday 17 November 2026 at 15:00 Berlin time"."""
    local = instant.astimezone(ZoneInfo(timezone))
    return f"{local:%A} {local.day} {local:%B %Y} at {clock(local)} {zone_label(timezone)}"


def _workday(day: date, timezone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, WORKDAY_START, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day, WORKDAY_END, tzinfo=zone).astimezone(UTC)
    return start, end


def working_overlap(timezones: Sequence[str], around: date) -> tuple[datetime, datetime] | None:
    """The longest stretch (UTC) inside everyone's working hours on a day near `around`, or
    None when their working hours never meet. Days either side are tried because 9:00 in
    Tokyo is the day before in New York."""
    if not timezones:
        return None
    best: tuple[datetime, datetime] | None = None
    first, *others = timezones
    for offset in (0, -1, 1):
        start, end = _workday(around + timedelta(days=offset), first)
        for other in others:
            spans = [_workday(around + timedelta(days=d), other) for d in (-1, 0, 1)]
            fits = [(max(start, s), min(end, e)) for s, e in spans if max(start, s) < min(end, e)]
            if not fits:
                start = end
                break
            start, end = max(fits, key=lambda span: span[1] - span[0])
        if start < end and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    return best
