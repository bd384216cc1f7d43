"""Working hours as sets of UTC quarter-hours, on a winter and a summer date.

A day is 96 quarter-hours of UTC time of day (so India's +05:30 and Nepal's +05:45 fit), held
as an int bit mask. A candidate's mask for a date has a bit set when that quarter-hour lies
wholly inside their working hours in their own zone on that date. A group can meet when the
AND of its members' masks holds a run (wrapping past UTC midnight) of the minimum overlap, on
both the January and the July date: daylight saving moves zones in both directions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from plg_tui.core.formation.rules import FormRules

SLOT_MINUTES = 15
SLOTS = 24 * 60 // SLOT_MINUTES
FULL_DAY = (1 << SLOTS) - 1
SEASONS = ("January", "July")


def check_dates(year: int) -> tuple[datetime, datetime]:
    """The winter and summer dates (UTC midnight) every window is checked on."""
    return datetime(year, 1, 15, tzinfo=UTC), datetime(year, 7, 15, tzinfo=UTC)


@lru_cache(maxsize=512)
def _zone_mask(zone: str, day: datetime, start_minute: int, end_minute: int) -> int:
    tz = ZoneInfo(zone)
    mask = 0
    for slot in range(SLOTS):
        local = (day + timedelta(minutes=slot * SLOT_MINUTES)).astimezone(tz)
        minute = local.hour * 60 + local.minute
        if start_minute <= minute and minute + SLOT_MINUTES <= end_minute:
            mask |= 1 << slot
    return mask


def working_masks(zone: str, rules: FormRules) -> tuple[int, ...]:
    """One mask per season for a time zone under the rules' working hours."""
    return tuple(masks_on(zone, day, rules) for day in check_dates(rules.year))


def masks_on(zone: str, day: datetime, rules: FormRules) -> int:
    """A time zone's working hours on one day (UTC midnight) under the rules."""
    start = rules.day_start.hour * 60 + rules.day_start.minute
    end = rules.day_end.hour * 60 + rules.day_end.minute
    return _zone_mask(zone, day, start, end)


def window_mask(start: int, length: int) -> int:
    """The quarter-hours start..start+length-1, wrapping past midnight."""
    mask = 0
    for offset in range(length):
        mask |= 1 << ((start + offset) % SLOTS)
    return mask


def window_length(rules: FormRules) -> int:
    return -(-rules.min_overlap_minutes // SLOT_MINUTES)


def fitting_starts(mask: int, length: int) -> tuple[int, ...]:
    """Every start of a `length`-slot window wholly inside `mask`."""
    if mask == FULL_DAY:
        return tuple(range(SLOTS))
    return tuple(s for s in range(SLOTS) if window_mask(s, length) & ~mask == 0)


def common_mask(masks: Iterable[int]) -> int:
    result = FULL_DAY
    for mask in masks:
        result &= mask
    return result


def has_window(mask: int, length: int) -> bool:
    """Does `mask` hold `length` set bits in a row (wrapping)? Bit arithmetic: it runs for
    every group the solver considers."""
    if mask == FULL_DAY:
        return True
    doubled = mask | (mask << SLOTS)
    run = doubled
    for shift in range(1, length):
        run &= doubled >> shift
        if not run:
            return False
    return bool(run)


@dataclass(frozen=True)
class Window:
    """The longest stretch a group shares on one date, in UTC minutes of the day."""

    season: str
    start_minute: int
    minutes: int

    def utc_text(self) -> str:
        return f"{_clock(self.start_minute)}-{_clock(self.start_minute + self.minutes)} UTC"

    def local_text(self, zone: str, day: datetime) -> str:
        begin = (day + timedelta(minutes=self.start_minute)).astimezone(ZoneInfo(zone))
        end = begin + timedelta(minutes=self.minutes)
        return f"{begin:%H:%M}-{end:%H:%M}"


def _clock(minute: int) -> str:
    minute %= 24 * 60
    return f"{minute // 60:02d}:{minute % 60:02d}"


def longest_window(mask: int, season: str) -> Window | None:
    """The longest run of set bits (wrapping); the earliest UTC start among equals."""
    if mask == 0:
        return None
    if mask == FULL_DAY:
        return Window(season, 0, 24 * 60)
    best_start, best_length = 0, 0
    for start in range(SLOTS):
        if not mask >> start & 1 or mask >> ((start - 1) % SLOTS) & 1:
            continue
        length = 0
        while mask >> ((start + length) % SLOTS) & 1:
            length += 1
        if length > best_length:
            best_start, best_length = start, length
    return Window(season, best_start * SLOT_MINUTES, best_length * SLOT_MINUTES)


def group_windows(zones: Sequence[str], rules: FormRules) -> tuple[Window | None, Window | None]:
    """The group's longest common stretch in January and in July."""
    per_zone = [working_masks(zone, rules) for zone in zones]
    january = longest_window(common_mask(m[0] for m in per_zone), SEASONS[0])
    july = longest_window(common_mask(m[1] for m in per_zone), SEASONS[1])
    return january, july
