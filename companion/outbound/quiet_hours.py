"""A member's clock: quiet hours, the next allowed hour, working days, local wall times.

Every rule works on UTC instants and the member's own time zone, so a change to or from
daylight-saving time moves nothing by an hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol


class QuietHours(Protocol):
    """The part of the schedule settings these rules read (ScheduleSettings has it)."""

    @property
    def quiet_start(self) -> int: ...

    @property
    def quiet_end(self) -> int: ...


def in_quiet_hours(hour: int, settings: QuietHours) -> bool:
    """Whether a local hour falls in quiet hours; start > end wraps past midnight."""
    start, end = settings.quiet_start, settings.quiet_end
    if start == end:
        return False
    if start > end:
        return hour >= start or hour < end
    return start <= hour < end


def out_of_quiet_hours(instant: datetime, zone: tzinfo, settings: QuietHours) -> datetime:
    """The instant in UTC, or the next local quiet_end:00 at or after it if it is in quiet hours."""
    local = instant.astimezone(zone)
    if not in_quiet_hours(local.hour, settings):
        return instant.astimezone(UTC)
    wake = time(settings.quiet_end, 0)
    candidate = local_to_utc(local.date(), wake, zone)
    if candidate < instant:
        candidate = local_to_utc(local.date() + timedelta(days=1), wake, zone)
    return candidate


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days (Monday to Friday) before `day`; `day` itself for 0."""
    while count > 0:
        day -= timedelta(days=1)
        count -= day.weekday() < 5
    return day


def local_to_utc(day: date, wall_time: time, zone: tzinfo) -> datetime:
    # fold=0 picks the earlier reading of an ambiguous time and, for a time skipped by a DST
    # gap, the pre-gap offset; the UTC round trip then yields a real instant just after the gap.
    return datetime.combine(day, wall_time, tzinfo=zone).replace(fold=0).astimezone(UTC)
