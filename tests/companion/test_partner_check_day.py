"""The midway partner check goes on a working day in the member's own calendar: three days
after week 2's email, moved to the Monday after when that is a Saturday or Sunday."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from companion.outbound.schedule import Recipient, ScheduleSettings, plan

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Auckland")
MEMBERS = [Recipient(f"m{i}@example.com", zone) for i, zone in enumerate(ZONES)]


@pytest.mark.parametrize("offset", range(7))  # session 1 on each day of the week
def test_the_partner_check_goes_mon_to_fri_at_the_send_hour_before_week_3(offset: int) -> None:
    session1 = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Europe/Berlin")) + timedelta(offset)
    settings = ScheduleSettings(send_hour=9, send_minute=30)
    planned = plan(session1, session1 + timedelta(days=28), MEMBERS, settings)
    for member in MEMBERS:
        zone = ZoneInfo(member.timezone)
        own = {(m.kind, m.week): m.send_at for m in planned if m.member == member.email}
        check = own[("partner_check", 2)].astimezone(zone)
        week2 = own[("weekly", 2)].astimezone(zone)
        assert check.weekday() < 5, (member.timezone, check)
        assert (check.hour, check.minute) == (9, 30)
        three_days_after = week2.date() + timedelta(days=3)
        if three_days_after.weekday() < 5:
            assert check.date() == three_days_after
        else:  # the Monday after
            assert check.date() == three_days_after + timedelta(7 - three_days_after.weekday())
        assert own[("weekly", 2)] < own[("partner_check", 2)] < own[("weekly", 3)]


def test_a_send_hour_in_quiet_hours_still_lands_on_a_working_morning() -> None:
    session1 = datetime(2026, 3, 3, 10, tzinfo=ZoneInfo("Europe/Berlin"))  # Tuesday
    settings = ScheduleSettings(send_hour=22)  # quiet from 20: held to 08:00
    planned = plan(session1, session1 + timedelta(days=28), MEMBERS[:1], settings)
    check = next(m for m in planned if m.kind == "partner_check").send_at
    local = check.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.date().isoformat(), local.hour) == ("2026-03-16", 8)  # Sat 14 -> Mon 16


@pytest.mark.parametrize(("days_before", "asked"), [(1, False), (2, False), (4, True)])
def test_a_newcomer_is_asked_only_days_after_their_introduction(days_before, asked) -> None:
    session1 = datetime(2026, 3, 3, 10, tzinfo=ZoneInfo("Europe/Berlin"))  # Tuesday
    founders = plan(session1, session1 + timedelta(days=28), MEMBERS[:1])
    check = next(m for m in founders if m.kind == "partner_check").send_at  # Monday 16 March
    newcomer = Recipient("new@example.com", "Europe/Berlin", check - timedelta(days=days_before))
    planned = plan(session1, session1 + timedelta(days=28), [newcomer])
    assert any(m.kind == "partner_check" for m in planned) is asked
