"""When each practice-month message is due: pure functions, the clock is always passed in.

Everything here works on aware datetimes. Planned instants are returned in UTC; local wall-clock
rules (send hour, quiet hours, "one week later") are applied in each recipient's own time zone,
so a 09:00 weekly email stays at 09:00 local across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion.outbound.quiet_hours import (
    in_quiet_hours,
    local_to_utc,
    out_of_quiet_hours,
    working_days_before,
)

KINDS = ("welcome", "pairing", "weekly", "partner_check", "reminder")
# One email per member per session revision: a REQUEST (first or updated) or a CANCEL.
CALENDAR_KINDS = ("invitation", "cancellation")
WEEKS_IN_PRACTICE_MONTH = 4
LAST_PRACTICE_WEEK_SHOWN = 5
# A reminder landing this close to session 2 is more noise than help.
REMINDER_MIN_LEAD = timedelta(hours=1)
PAIRING_DELAY_AFTER_SESSION1 = timedelta(hours=2)
# Midway: "have you and your partner met?", three days after week 2's email (a Saturday or
# Sunday there moves it to the Monday after: a work question on a working day, and still
# before week 3's email), the token of its Reply-To carrying this week number so the answer
# is counted, never filed as a journal entry.
PARTNER_CHECK_WEEK = 2
PARTNER_CHECK_DAYS_AFTER_WEEKLY = 3
PARTNER_CHECK_GAP = timedelta(days=PARTNER_CHECK_DAYS_AFTER_WEEKLY)  # after a late introduction
PARTNER_CHECK_TOKEN_WEEK = 91  # not 90: survey_mail.SURVEY_WEEK marks replies to a pool survey
# A welcome that could not go out within this long after someone joined is stale.
WELCOME_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Recipient:
    email: str
    timezone: str  # IANA name, e.g. "Europe/Berlin"
    joined: datetime | None = None  # aware; set for a member added after the group formed


@dataclass(frozen=True)
class ScheduleSettings:
    send_hour: int = 9
    send_minute: int = 0
    quiet_start: int = 20
    quiet_end: int = 8
    grace: timedelta = timedelta(hours=48)
    # working days (Mon-Fri) before session 2: 1 = the working day before, so a Monday
    # session is reminded on Friday; 0 = the morning of the session
    reminder_days_before: int = 1

    def __post_init__(self) -> None:
        for name in ("send_hour", "quiet_start", "quiet_end"):
            if not 0 <= getattr(self, name) <= 23:
                raise ValueError(f"{name} must be an hour 0..23")
        if not 0 <= self.send_minute <= 59:
            raise ValueError("send_minute must be 0..59")
        if self.grace <= timedelta(0):
            raise ValueError("grace must be positive")
        if self.reminder_days_before < 0:
            raise ValueError("reminder_days_before must not be negative")


@dataclass(frozen=True)
class PlannedMessage:
    member: str  # the recipient's email address
    kind: str  # one of KINDS
    week: int  # 1..4 for weekly, 2 for the partner check, 0 for welcome, pairing and reminder
    send_at: datetime  # aware, UTC
    expires_at: datetime  # aware, UTC; from then on the message is stale and never sent
    session: str = ""  # calendar kinds: the session ("trust", "1", "2") with its cycle, "c1-2"
    sequence: int = 0  # calendar kinds: the iCalendar SEQUENCE it carries
    cycle: int = 1  # the group's cycle (`GroupInfo.cycle`): each cycle has its own month
    # pairing: set for the introduction to a pair someone joined after this member's first
    # one (`introduction.pair_ref`); "" for the first introduction of the cycle
    pair_ref: str = ""

    @property
    def key(self) -> str:
        if self.kind in CALENDAR_KINDS:
            # a move is a new revision and so a new message, sent once like every other;
            # `session` names the cycle already
            return f"{self.kind}:{self.session}.{self.sequence}:{self.member}"
        week = f"{self.week}.{self.pair_ref}" if self.pair_ref else str(self.week)
        return cycle_key(self.cycle, f"{self.kind}:{week}:{self.member}")


def cycle_key(cycle: int, key: str) -> str:
    """The ledger key of a message of `cycle`: at most once per cycle, not once per group.

    Cycle 1 keeps the spelling every ledger written before cycles existed holds
    ("weekly:1:ada@example.org"), so an upgrade sends nothing again; later cycles' keys start
    with their number ("c2:weekly:1:ada@example.org").
    """
    return key if cycle <= 1 else f"c{cycle}:{key}"


def plan(
    session1: datetime,
    session2: datetime,
    recipients: Sequence[Recipient],
    settings: ScheduleSettings = ScheduleSettings(),  # frozen, so sharing is safe
    cycle: int = 1,
) -> list[PlannedMessage]:
    """Every message of the practice month for every recipient, ordered by send time."""
    _require_aware(session1, "session1")
    _require_aware(session2, "session2")
    if session2 <= session1:
        raise ValueError("session2 must be after session1")
    if len({r.email for r in recipients}) != len(recipients):
        raise ValueError("recipients contain a duplicate email address")

    # Arithmetic on aware datetimes in a ZoneInfo zone is wall-clock arithmetic ("+2 h" across a
    # DST change is not two real hours), and == between zones is False in a repeated hour; UTC
    # has neither problem.
    session1 = session1.astimezone(UTC)
    session2 = session2.astimezone(UTC)
    planned: list[PlannedMessage] = []
    for recipient in recipients:
        zone = _zone(recipient.timezone)
        own: list[PlannedMessage] = []
        pairing = _plan_pairing(recipient.email, zone, session1, session2, settings)
        if pairing is not None:
            own.append(pairing)
        own.extend(_plan_weeklies(recipient.email, zone, session1, session2, settings))
        reminder = _plan_reminder(recipient.email, zone, session1, session2, settings)
        if reminder is not None:
            own.append(reminder)
        if recipient.joined is not None:
            own = _plan_newcomer(own, recipient, zone, settings)
        planned.extend(replace(message, cycle=cycle) for message in own)
    planned.sort(key=lambda m: (m.send_at, KINDS.index(m.kind), m.week, m.member))
    return planned


def stage(
    session1: datetime, session2: datetime, now: datetime, *, session1_held: bool = False
) -> str:
    """Where the group is: "before session 1", "practice week N" (1..5) or "after session 2".

    `session1_held` covers a session 1 recorded as held before its planned time. Weeks count
    calendar days in the group's time zone (session1's), so a week turns over at local midnight.
    """
    _require_aware(session1, "session1")
    _require_aware(session2, "session2")
    _require_aware(now, "now")
    if now >= session2:
        return "after session 2"
    if now < session1 and not session1_held:
        return "before session 1"
    days_since = (now.astimezone(session1.tzinfo).date() - session1.date()).days
    week = min(max(days_since // 7 + 1, 1), LAST_PRACTICE_WEEK_SHOWN)
    return f"practice week {week}"


def partition(
    planned: Iterable[PlannedMessage],
    now: datetime,
    done_keys: set[str],
    allowed_from: Callable[[PlannedMessage], datetime] | None = None,
) -> tuple[list[PlannedMessage], list[PlannedMessage], list[PlannedMessage]]:
    """Split not-yet-done messages into (due, stale, future), each ordered by send time.

    due: send_at <= now < expires_at. stale: expires_at <= now (record as skipped, never send).
    future: send_at > now. Messages whose key is in done_keys appear in none of the lists.
    `allowed_from(message)`: the first instant from `now` outside its recipient's quiet hours;
    a late message waits for it (future), or is stale if its window closes first.
    """
    _require_aware(now, "now")
    due: list[PlannedMessage] = []
    stale: list[PlannedMessage] = []
    future: list[PlannedMessage] = []
    for message in sorted(planned, key=lambda m: (m.send_at, m.key)):
        if message.key in done_keys:
            continue
        if message.send_at > now:
            future.append(message)
            continue
        allowed = now if allowed_from is None else allowed_from(message)
        if allowed >= message.expires_at:  # past its window, or the window closes in the night
            stale.append(message)
        else:
            (due if allowed <= now else future).append(message)
    return due, stale, future


def _plan_newcomer(
    own: list[PlannedMessage], recipient: Recipient, zone: tzinfo, settings: ScheduleSettings
) -> list[PlannedMessage]:
    """A member who joined later: a welcome, then only what was still ahead when they joined.

    Their partner introduction, when it was due before they joined, goes out with the welcome;
    the partner check only when it comes at least three days after that.
    """
    assert recipient.joined is not None
    _require_aware(recipient.joined, "joined")
    welcome_at = out_of_quiet_hours(recipient.joined, zone, settings)
    kept = [PlannedMessage(recipient.email, "welcome", 0, welcome_at, welcome_at + WELCOME_WINDOW)]
    for message in own:
        if message.kind == "pairing" and message.send_at < welcome_at:
            kept.append(replace(message, send_at=welcome_at))
        elif message.kind == "partner_check" and message.send_at < welcome_at + PARTNER_CHECK_GAP:
            continue  # "have you met?" the day after the introduction is too soon to ask
        elif message.send_at >= recipient.joined:
            kept.append(message)
    return kept


def _plan_pairing(
    member: str,
    zone: tzinfo,
    session1: datetime,  # UTC
    session2: datetime,  # UTC
    settings: ScheduleSettings,
) -> PlannedMessage | None:
    send_at = out_of_quiet_hours(session1 + PAIRING_DELAY_AFTER_SESSION1, zone, settings)
    if send_at >= session2:
        return None
    return PlannedMessage(member, "pairing", 0, send_at, session2)


def _plan_weeklies(
    member: str,
    zone: tzinfo,
    session1: datetime,  # UTC
    session2: datetime,  # UTC
    settings: ScheduleSettings,
) -> list[PlannedMessage]:
    first_day = session1.astimezone(zone).date() + timedelta(days=1)
    send_time = _send_time(settings)

    def weekly_send_at(week: int) -> datetime:
        return local_to_utc(first_day + timedelta(days=7 * (week - 1)), send_time, zone)

    weeklies: list[PlannedMessage] = []
    for week in range(1, WEEKS_IN_PRACTICE_MONTH + 1):
        send_at = weekly_send_at(week)
        if send_at >= session2:
            break
        # Capping at next week's send time is what keeps a late run from sending a week's
        # email into the following week.
        expires_at = min(send_at + settings.grace, weekly_send_at(week + 1), session2)
        weeklies.append(PlannedMessage(member, "weekly", week, send_at, expires_at))
    day = first_day + timedelta(days=7 * (PARTNER_CHECK_WEEK - 1) + PARTNER_CHECK_DAYS_AFTER_WEEKLY)
    check_at = local_to_utc(_working_day_from(day), send_time, zone)
    if check_at < session2 - timedelta(days=1):  # closer to session 2, asking is noise
        expires = min(check_at + settings.grace, session2)
        weeklies.append(
            PlannedMessage(member, "partner_check", PARTNER_CHECK_WEEK, check_at, expires)
        )
    return weeklies


def _plan_reminder(
    member: str,
    zone: tzinfo,
    session1: datetime,  # UTC
    session2: datetime,  # UTC
    settings: ScheduleSettings,
) -> PlannedMessage | None:
    # Local date arithmetic, not "24 hours earlier": across a DST change those differ by a day
    # when session 2 is near midnight.
    day = working_days_before(session2.astimezone(zone).date(), settings.reminder_days_before)
    send_at = local_to_utc(day, _send_time(settings), zone)
    if send_at > session2 - REMINDER_MIN_LEAD or send_at < session1:
        return None
    return PlannedMessage(member, "reminder", 0, send_at, session2)


def _working_day_from(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend (the member's own calendar)."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _send_time(settings: ScheduleSettings) -> time:
    if in_quiet_hours(settings.send_hour, settings):
        return time(settings.quiet_end, 0)
    return time(settings.send_hour, settings.send_minute)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
