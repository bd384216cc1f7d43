from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.outbound.schedule import (
    KINDS,
    PlannedMessage,
    Recipient,
    ScheduleSettings,
    in_quiet_hours,
    partition,
    plan,
    stage,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
TOKYO = ZoneInfo("Asia/Tokyo")
AUCKLAND = ZoneInfo("Pacific/Auckland")

NY_MEMBER = Recipient("ny@example.com", "America/New_York")
BERLIN_MEMBER = Recipient("berlin@example.com", "Europe/Berlin")
KOLKATA_MEMBER = Recipient("kolkata@example.com", "Asia/Kolkata")
TOKYO_MEMBER = Recipient("tokyo@example.com", "Asia/Tokyo")
AUCKLAND_MEMBER = Recipient("auckland@example.com", "Pacific/Auckland")

# Spans the EU switch (25 Oct 2026) and the US switch (1 Nov 2026).
DST_SESSION1 = datetime(2026, 10, 20, 14, 0, tzinfo=BERLIN)  # Tuesday, 12:00 UTC
DST_SESSION2 = datetime(2026, 11, 17, 14, 0, tzinfo=BERLIN)  # Tuesday, 13:00 UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def only(messages: list[PlannedMessage], member: str, kind: str, week: int = 0) -> PlannedMessage:
    [message] = [m for m in messages if m.member == member and m.kind == kind and m.week == week]
    return message


def weeklies(messages: list[PlannedMessage], member: str) -> list[PlannedMessage]:
    return sorted(
        (m for m in messages if m.member == member and m.kind == "weekly"), key=lambda m: m.week
    )


# --- weekly emails across the daylight-saving switch ------------------------------------------


def test_weekly_emails_stay_at_nine_local_in_three_zones_across_the_dst_switch() -> None:
    planned = plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER, BERLIN_MEMBER, KOLKATA_MEMBER])

    expected_utc = {
        BERLIN_MEMBER.email: [
            utc(2026, 10, 21, 7),
            utc(2026, 10, 28, 8),
            utc(2026, 11, 4, 8),
            utc(2026, 11, 11, 8),
        ],
        NY_MEMBER.email: [
            utc(2026, 10, 21, 13),
            utc(2026, 10, 28, 13),
            utc(2026, 11, 4, 14),
            utc(2026, 11, 11, 14),
        ],
        KOLKATA_MEMBER.email: [
            utc(2026, 10, 21, 3, 30),
            utc(2026, 10, 28, 3, 30),
            utc(2026, 11, 4, 3, 30),
            utc(2026, 11, 11, 3, 30),
        ],
    }
    zones = {BERLIN_MEMBER.email: BERLIN, NY_MEMBER.email: NEW_YORK, KOLKATA_MEMBER.email: KOLKATA}
    for member, expected in expected_utc.items():
        sent = weeklies(planned, member)
        assert [m.week for m in sent] == [1, 2, 3, 4]
        assert [m.send_at for m in sent] == expected
        for message in sent:
            local = message.send_at.astimezone(zones[member])
            assert (local.hour, local.minute) == (9, 0)
            assert local.weekday() == 2  # the day after a Tuesday session
            assert message.send_at.tzinfo is UTC


def test_weekly_expiry_is_send_time_plus_grace_by_default() -> None:
    planned = plan(DST_SESSION1, DST_SESSION2, [BERLIN_MEMBER])
    for message in weeklies(planned, BERLIN_MEMBER.email):
        assert message.expires_at == message.send_at + timedelta(hours=48)


def test_weekly_expiry_never_reaches_into_the_next_week_even_with_a_long_grace() -> None:
    long_grace = ScheduleSettings(grace=timedelta(days=10))
    planned = plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER], long_grace)
    sent = weeklies(planned, NY_MEMBER.email)
    for this_week, next_week in itertools.pairwise(sent):
        assert this_week.expires_at == next_week.send_at
    # Week 4 has no planned successor: capped by the week-5 slot and by session 2.
    assert sent[-1].expires_at == min(utc(2026, 11, 18, 14), DST_SESSION2.astimezone(UTC))
    assert sent[-1].expires_at == utc(2026, 11, 17, 13)


def test_weekly_expiry_is_capped_by_the_hypothetical_fifth_week_when_session2_is_late() -> None:
    late_session2 = datetime(2026, 12, 1, 14, 0, tzinfo=BERLIN)
    planned = plan(
        DST_SESSION1, late_session2, [BERLIN_MEMBER], ScheduleSettings(grace=timedelta(days=10))
    )
    week4 = only(planned, BERLIN_MEMBER.email, "weekly", 4)
    assert week4.expires_at == utc(2026, 11, 18, 8)  # 09:00 CET a week later


def test_no_weekly_email_is_planned_at_or_after_session2() -> None:
    session2_at_week4_slot = datetime(2026, 11, 11, 9, 0, tzinfo=BERLIN)
    planned = plan(DST_SESSION1, session2_at_week4_slot, [BERLIN_MEMBER])
    sent = weeklies(planned, BERLIN_MEMBER.email)
    assert [m.week for m in sent] == [1, 2, 3]

    one_minute_later = session2_at_week4_slot + timedelta(minutes=1)
    sent = weeklies(plan(DST_SESSION1, one_minute_later, [BERLIN_MEMBER]), BERLIN_MEMBER.email)
    assert [m.week for m in sent] == [1, 2, 3, 4]
    assert sent[-1].expires_at == one_minute_later.astimezone(UTC)


def test_send_minute_is_respected() -> None:
    planned = plan(
        DST_SESSION1, DST_SESSION2, [KOLKATA_MEMBER], ScheduleSettings(send_hour=10, send_minute=45)
    )
    for message in weeklies(planned, KOLKATA_MEMBER.email):
        local = message.send_at.astimezone(KOLKATA)
        assert (local.hour, local.minute) == (10, 45)


# --- far-east zones: Tokyo, Auckland ------------------------------------------------------------


def test_tokyo_member_of_an_evening_new_york_session_counts_from_their_own_date() -> None:
    session1 = datetime(2026, 10, 20, 19, 0, tzinfo=NEW_YORK)  # Wed 21 Oct 08:00 in Tokyo
    session2 = datetime(2026, 11, 17, 19, 0, tzinfo=NEW_YORK)  # Wed 18 Nov 09:00 in Tokyo
    planned = plan(session1, session2, [TOKYO_MEMBER, NY_MEMBER])

    tokyo_weeklies = weeklies(planned, TOKYO_MEMBER.email)
    assert [m.send_at for m in tokyo_weeklies] == [
        utc(2026, 10, 22, 0),
        utc(2026, 10, 29, 0),
        utc(2026, 11, 5, 0),
        utc(2026, 11, 12, 0),
    ]
    ny_weeklies = weeklies(planned, NY_MEMBER.email)
    assert ny_weeklies[0].send_at == datetime(2026, 10, 21, 9, 0, tzinfo=NEW_YORK)

    pairing = only(planned, TOKYO_MEMBER.email, "pairing")
    assert pairing.send_at == utc(2026, 10, 21, 1)  # 10:00 in Tokyo: not quiet, not moved

    reminder = only(planned, TOKYO_MEMBER.email, "reminder")
    assert reminder.send_at == datetime(2026, 11, 17, 9, 0, tzinfo=TOKYO)  # the working day before
    assert reminder.expires_at == session2


def test_auckland_member_of_a_berlin_afternoon_session_gets_pairing_that_same_morning() -> None:
    planned = plan(DST_SESSION1, DST_SESSION2, [AUCKLAND_MEMBER])
    # Session 1 is 01:00 on 21 Oct in Auckland; +2 h is 03:00, quiet, so 08:00 the same day.
    pairing = only(planned, AUCKLAND_MEMBER.email, "pairing")
    assert pairing.send_at == datetime(2026, 10, 21, 8, 0, tzinfo=AUCKLAND)
    assert pairing.send_at > DST_SESSION1

    first = weeklies(planned, AUCKLAND_MEMBER.email)[0]
    assert first.send_at == datetime(2026, 10, 22, 9, 0, tzinfo=AUCKLAND)


def test_auckland_weekly_emails_stay_at_nine_local_across_the_new_zealand_dst_start() -> None:
    session1 = datetime(2026, 9, 22, 19, 0, tzinfo=AUCKLAND)  # NZ DST starts 27 Sep 2026
    session2 = datetime(2026, 10, 20, 19, 0, tzinfo=AUCKLAND)
    planned = plan(session1, session2, [AUCKLAND_MEMBER])

    assert [m.send_at for m in weeklies(planned, AUCKLAND_MEMBER.email)] == [
        utc(2026, 9, 22, 21),
        utc(2026, 9, 29, 20),
        utc(2026, 10, 6, 20),
        utc(2026, 10, 13, 20),
    ]
    # A 19:00 start + 2 h is 21:00, quiet, so it moves to 08:00 the next local morning.
    pairing = only(planned, AUCKLAND_MEMBER.email, "pairing")
    assert pairing.send_at == datetime(2026, 9, 23, 8, 0, tzinfo=AUCKLAND)
    assert pairing.expires_at == session2


# --- DST gaps and repeated hours ------------------------------------------------------------------


def test_a_send_time_inside_a_dst_gap_lands_just_after_the_gap() -> None:
    no_quiet = ScheduleSettings(send_hour=2, send_minute=30, quiet_start=0, quiet_end=0)
    session1 = datetime(2027, 3, 6, 12, 0, tzinfo=NEW_YORK)  # US DST starts 14 Mar 2027, 02:00
    session2 = datetime(2027, 4, 3, 12, 0, tzinfo=NEW_YORK)
    sent = weeklies(plan(session1, session2, [NY_MEMBER], no_quiet), NY_MEMBER.email)

    assert [m.send_at for m in sent] == [
        utc(2027, 3, 7, 7, 30),
        utc(2027, 3, 14, 7, 30),
        utc(2027, 3, 21, 6, 30),
        utc(2027, 3, 28, 6, 30),
    ]
    gap_day = sent[1].send_at.astimezone(NEW_YORK)
    assert (gap_day.date().day, gap_day.hour, gap_day.minute) == (14, 3, 30)


def test_an_ambiguous_send_time_uses_the_first_occurrence() -> None:
    no_quiet = ScheduleSettings(send_hour=1, send_minute=30, quiet_start=0, quiet_end=0)
    session1 = datetime(2026, 10, 24, 12, 0, tzinfo=NEW_YORK)  # 1 Nov 2026 01:30 happens twice
    session2 = datetime(2026, 11, 21, 12, 0, tzinfo=NEW_YORK)
    sent = weeklies(plan(session1, session2, [NY_MEMBER], no_quiet), NY_MEMBER.email)
    assert sent[1].send_at == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST


def test_pairing_delay_is_two_real_hours_across_the_fall_back_night() -> None:
    no_quiet = ScheduleSettings(quiet_start=0, quiet_end=0)
    session1 = datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK)  # 04:30 UTC; 01:00-02:00 repeats
    session2 = datetime(2026, 11, 29, 0, 30, tzinfo=NEW_YORK)
    pairing = only(plan(session1, session2, [NY_MEMBER], no_quiet), NY_MEMBER.email, "pairing")
    assert pairing.send_at == utc(2026, 11, 1, 6, 30)  # 01:30 EST, not wall-clock 02:30


def test_plan_depends_on_the_instants_not_on_the_zone_they_are_written_in() -> None:
    recipients = [NY_MEMBER, AUCKLAND_MEMBER]
    in_berlin = plan(DST_SESSION1, DST_SESSION2, recipients)
    in_tokyo = plan(DST_SESSION1.astimezone(TOKYO), DST_SESSION2.astimezone(TOKYO), recipients)
    assert in_berlin == in_tokyo


# --- quiet hours ----------------------------------------------------------------------------------


def test_in_quiet_hours_wraps_past_midnight_and_handles_a_plain_range() -> None:
    wrapping = ScheduleSettings(quiet_start=20, quiet_end=8)
    assert [h for h in range(24) if in_quiet_hours(h, wrapping)] == [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        20,
        21,
        22,
        23,
    ]
    plain = ScheduleSettings(quiet_start=1, quiet_end=6)
    assert [h for h in range(24) if in_quiet_hours(h, plain)] == [1, 2, 3, 4, 5]
    assert not any(
        in_quiet_hours(h, ScheduleSettings(quiet_start=0, quiet_end=0)) for h in range(24)
    )


def test_pairing_after_an_evening_session_moves_to_the_next_local_morning() -> None:
    session1 = datetime(2026, 10, 20, 16, 0, tzinfo=BERLIN)  # +2 h = 21:30 in Kolkata
    planned = plan(session1, DST_SESSION2, [KOLKATA_MEMBER, BERLIN_MEMBER])

    kolkata = only(planned, KOLKATA_MEMBER.email, "pairing")
    assert kolkata.send_at == datetime(2026, 10, 21, 8, 0, tzinfo=KOLKATA)
    assert kolkata.expires_at == DST_SESSION2

    berlin = only(planned, BERLIN_MEMBER.email, "pairing")
    assert berlin.send_at == utc(2026, 10, 20, 16)  # 18:00 Berlin, not quiet, exactly +2 h


def test_pairing_exactly_at_quiet_start_is_moved_but_one_minute_before_is_not() -> None:
    at_quiet = datetime(2026, 10, 20, 18, 0, tzinfo=BERLIN)
    pairing = only(plan(at_quiet, DST_SESSION2, [BERLIN_MEMBER]), BERLIN_MEMBER.email, "pairing")
    assert pairing.send_at == datetime(2026, 10, 21, 8, 0, tzinfo=BERLIN)

    just_before = at_quiet - timedelta(minutes=1)
    pairing = only(plan(just_before, DST_SESSION2, [BERLIN_MEMBER]), BERLIN_MEMBER.email, "pairing")
    assert pairing.send_at == datetime(2026, 10, 20, 19, 59, tzinfo=BERLIN)


def test_weekly_send_hour_in_quiet_hours_moves_to_quiet_end_that_day() -> None:
    for early_or_late in (6, 21):
        quiet_send = ScheduleSettings(send_hour=early_or_late, send_minute=15)
        sent = weeklies(plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER], quiet_send), NY_MEMBER.email)
        for message in sent:
            local = message.send_at.astimezone(NEW_YORK)
            assert local.time() == time(8, 0)
        assert sent[0].send_at.astimezone(NEW_YORK).date().day == 21


def test_plain_quiet_range_moves_weekly_to_its_end() -> None:
    settings_ = ScheduleSettings(send_hour=5, quiet_start=0, quiet_end=7)
    sent = weeklies(
        plan(DST_SESSION1, DST_SESSION2, [BERLIN_MEMBER], settings_), BERLIN_MEMBER.email
    )
    assert all(m.send_at.astimezone(BERLIN).time() == time(7, 0) for m in sent)


# --- reminder -------------------------------------------------------------------------------------


def test_reminder_goes_the_local_working_day_before_session2_at_send_hour() -> None:
    # session 2 is on Tuesday 17 November: the reminder comes on Monday, not on Sunday
    planned = plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER, BERLIN_MEMBER, KOLKATA_MEMBER])
    assert only(planned, NY_MEMBER.email, "reminder").send_at == utc(2026, 11, 16, 14)
    assert only(planned, BERLIN_MEMBER.email, "reminder").send_at == utc(2026, 11, 16, 8)
    assert only(planned, KOLKATA_MEMBER.email, "reminder").send_at == utc(2026, 11, 16, 3, 30)
    for message in planned:
        if message.kind == "reminder":
            assert message.week == 0
            assert message.expires_at == DST_SESSION2


def test_reminder_counts_local_days_not_48_hours_across_a_dst_switch() -> None:
    # Session 2 just after midnight on Tuesday, two days after the US spring-forward: two
    # working days earlier is Friday the 12th in local dates, whatever the hours in between.
    session1 = datetime(2027, 2, 16, 0, 30, tzinfo=NEW_YORK)
    session2 = datetime(2027, 3, 16, 0, 30, tzinfo=NEW_YORK)
    two_days = ScheduleSettings(reminder_days_before=2)
    reminder = only(plan(session1, session2, [NY_MEMBER], two_days), NY_MEMBER.email, "reminder")
    assert reminder.send_at == datetime(2027, 3, 12, 9, 0, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("session_day", "reminded_on"),
    [
        (date(2026, 11, 16), date(2026, 11, 13)),  # Monday -> the Friday before
        (date(2026, 11, 17), date(2026, 11, 16)),  # Tuesday -> Monday
        (date(2026, 11, 20), date(2026, 11, 19)),  # Friday -> Thursday
        (date(2026, 11, 22), date(2026, 11, 20)),  # a Sunday session -> Friday
    ],
)
def test_reminder_goes_the_working_day_before_never_on_a_weekend(
    session_day: date, reminded_on: date
) -> None:
    session1 = datetime(2026, 10, 20, 15, 0, tzinfo=BERLIN)
    session2 = datetime.combine(session_day, time(15, 0), tzinfo=BERLIN)
    reminder = only(plan(session1, session2, [BERLIN_MEMBER]), BERLIN_MEMBER.email, "reminder")
    local = reminder.send_at.astimezone(BERLIN)
    assert (local.date(), local.time()) == (reminded_on, time(9, 0))
    assert local.weekday() < 5


def test_reminder_too_close_to_session2_is_not_planned() -> None:
    same_day = ScheduleSettings(reminder_days_before=0)
    session1 = datetime(2026, 10, 20, 10, 0, tzinfo=BERLIN)

    at_ten = datetime(2026, 11, 17, 10, 0, tzinfo=BERLIN)  # 09:00 is exactly one hour before
    reminder = only(
        plan(session1, at_ten, [BERLIN_MEMBER], same_day), BERLIN_MEMBER.email, "reminder"
    )
    assert reminder.send_at == datetime(2026, 11, 17, 9, 0, tzinfo=BERLIN)

    at_nine_thirty = datetime(2026, 11, 17, 9, 30, tzinfo=BERLIN)
    planned = plan(session1, at_nine_thirty, [BERLIN_MEMBER], same_day)
    assert [m for m in planned if m.kind == "reminder"] == []


def test_reminder_send_hour_in_quiet_hours_is_moved_to_quiet_end() -> None:
    planned = plan(DST_SESSION1, DST_SESSION2, [BERLIN_MEMBER], ScheduleSettings(send_hour=7))
    reminder = only(planned, BERLIN_MEMBER.email, "reminder")
    assert reminder.send_at == datetime(2026, 11, 16, 8, 0, tzinfo=BERLIN)


# --- plan() as a whole ----------------------------------------------------------------------------


def test_plan_gives_every_recipient_every_kind_sorted_by_send_time() -> None:
    recipients = [NY_MEMBER, BERLIN_MEMBER, KOLKATA_MEMBER]
    planned = plan(DST_SESSION1, DST_SESSION2, recipients)
    assert len(planned) == 3 * (1 + 4 + 1 + 1)
    assert [m.send_at for m in planned] == sorted(m.send_at for m in planned)
    for recipient in recipients:
        kinds = [m.kind for m in planned if m.member == recipient.email]
        assert sorted(kinds, key=KINDS.index) == (
            ["pairing"] + ["weekly"] * 4 + ["partner_check", "reminder"]
        )
    assert only(planned, NY_MEMBER.email, "weekly", 3).key == "weekly:3:ny@example.com"
    assert only(planned, NY_MEMBER.email, "pairing").key == "pairing:0:ny@example.com"


def test_plan_is_deterministic_and_independent_of_recipient_order() -> None:
    one = plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER, BERLIN_MEMBER, KOLKATA_MEMBER])
    two = plan(DST_SESSION1, DST_SESSION2, [KOLKATA_MEMBER, NY_MEMBER, BERLIN_MEMBER])
    assert one == two


def test_plan_rejects_bad_input() -> None:
    naive = datetime(2026, 10, 20, 14, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        plan(naive, DST_SESSION2, [NY_MEMBER])
    with pytest.raises(ValueError, match="after session1"):
        plan(DST_SESSION2, DST_SESSION1, [NY_MEMBER])
    with pytest.raises(ValueError, match="duplicate"):
        plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER, NY_MEMBER])
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        plan(DST_SESSION1, DST_SESSION2, [Recipient("x@example.com", "Mars/Olympus")])
    with pytest.raises(ValueError, match="send_hour"):
        ScheduleSettings(send_hour=24)
    with pytest.raises(ValueError, match="grace"):
        ScheduleSettings(grace=timedelta(0))
    with pytest.raises(ValueError, match="reminder_days_before"):
        ScheduleSettings(reminder_days_before=-1)


def test_unknown_time_zone_error_does_not_reveal_the_address() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Nowhere/X'") as raised:
        plan(DST_SESSION1, DST_SESSION2, [Recipient("secret.person@example.com", "Nowhere/X")])
    assert "secret.person" not in str(raised.value)


# --- partition: due, stale, future, grace ---------------------------------------------------------


def test_partition_catches_up_within_grace_and_marks_older_weeks_stale() -> None:
    planned = plan(DST_SESSION1, DST_SESSION2, [BERLIN_MEMBER])
    week2 = only(planned, BERLIN_MEMBER.email, "weekly", 2)

    # Cron was down from before session 1 until 47 h after week 2's slot.
    due, stale, future = partition(planned, week2.send_at + timedelta(hours=47), set())
    assert [m.key for m in due] == ["pairing:0:berlin@example.com", "weekly:2:berlin@example.com"]
    assert [m.key for m in stale] == ["weekly:1:berlin@example.com"]
    assert [m.key for m in future] == [
        "partner_check:2:berlin@example.com",
        "weekly:3:berlin@example.com",
        "weekly:4:berlin@example.com",
        "reminder:0:berlin@example.com",
    ]

    due, stale, _ = partition(planned, week2.send_at + timedelta(hours=48), set())
    assert [m.key for m in due] == ["pairing:0:berlin@example.com"]
    assert "weekly:2:berlin@example.com" in [m.key for m in stale]


def test_partition_boundaries_send_at_is_due_expires_at_is_stale() -> None:
    planned = plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER])
    week1 = only(planned, NY_MEMBER.email, "weekly", 1)

    due, _, future = partition([week1], week1.send_at - timedelta(microseconds=1), set())
    assert (due, future) == ([], [week1])
    due, stale, _ = partition([week1], week1.send_at, set())
    assert (due, stale) == ([week1], [])
    due, stale, _ = partition([week1], week1.expires_at, set())
    assert (due, stale) == ([], [week1])


def test_partition_leaves_out_done_keys_everywhere() -> None:
    planned = plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER, BERLIN_MEMBER])
    all_keys = {m.key for m in planned}
    now = utc(2026, 10, 29, 12)
    assert partition(planned, now, all_keys) == ([], [], [])

    due, _, _ = partition(planned, now, {"weekly:2:ny@example.com"})
    assert "weekly:2:ny@example.com" not in {m.key for m in due}
    assert "weekly:2:berlin@example.com" in {m.key for m in due}


def test_a_late_run_never_sends_last_week_email_into_the_next_week() -> None:
    planned = plan(
        DST_SESSION1,
        DST_SESSION2,
        [NY_MEMBER, BERLIN_MEMBER, KOLKATA_MEMBER],
        ScheduleSettings(grace=timedelta(days=30)),
    )
    for message in planned:
        if message.kind != "weekly":
            continue
        successor = [
            m
            for m in planned
            if m.member == message.member and m.kind == "weekly" and m.week == message.week + 1
        ]
        if successor:
            due, _, _ = partition(planned, successor[0].send_at, set())
            weekly_due = [m for m in due if m.member == message.member and m.kind == "weekly"]
            assert weekly_due == successor


# --- stage ----------------------------------------------------------------------------------------


def test_stage_walks_from_before_session1_to_after_session2() -> None:
    def at(day: int, month: int = 10, hour: int = 12) -> datetime:
        return datetime(2026, month, day, hour, 0, tzinfo=BERLIN)

    assert stage(DST_SESSION1, DST_SESSION2, at(20, hour=13)) == "before session 1"
    assert stage(DST_SESSION1, DST_SESSION2, DST_SESSION1) == "practice week 1"
    assert stage(DST_SESSION1, DST_SESSION2, at(26, hour=23)) == "practice week 1"
    assert stage(DST_SESSION1, DST_SESSION2, at(27, hour=0)) == "practice week 2"
    assert stage(DST_SESSION1, DST_SESSION2, at(3, month=11)) == "practice week 3"
    assert stage(DST_SESSION1, DST_SESSION2, at(10, month=11)) == "practice week 4"
    assert stage(DST_SESSION1, DST_SESSION2, at(17, month=11, hour=13)) == "practice week 5"
    assert stage(DST_SESSION1, DST_SESSION2, DST_SESSION2) == "after session 2"


def test_stage_caps_at_week_5_for_long_gaps_and_honours_session1_held() -> None:
    late_session2 = datetime(2027, 1, 5, 14, 0, tzinfo=BERLIN)
    assert stage(DST_SESSION1, late_session2, utc(2026, 12, 20)) == "practice week 5"

    early = DST_SESSION1 - timedelta(hours=3)
    assert stage(DST_SESSION1, DST_SESSION2, early) == "before session 1"
    assert stage(DST_SESSION1, DST_SESSION2, early, session1_held=True) == "practice week 1"
    assert stage(DST_SESSION1, DST_SESSION2, DST_SESSION2, session1_held=True) == (
        "after session 2"
    )


def test_stage_counts_days_in_the_group_zone_whatever_zone_now_is_in() -> None:
    # 23:30 Berlin on day 6 is already day 7 in Kolkata; the group's calendar decides.
    now = datetime(2026, 10, 26, 23, 30, tzinfo=BERLIN)
    assert stage(DST_SESSION1, DST_SESSION2, now.astimezone(KOLKATA)) == "practice week 1"


# --- properties -----------------------------------------------------------------------------------

PROPERTY_ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Auckland",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/St_Johns",
    "UTC",
]


@settings(max_examples=150, deadline=None)
@given(
    session1=st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2032, 12, 31),
        timezones=st.sampled_from([ZoneInfo(z) for z in PROPERTY_ZONES]),
        allow_imaginary=False,
    ),
    gap=st.timedeltas(min_value=timedelta(days=21), max_value=timedelta(days=35)),
    zones=st.lists(st.sampled_from(PROPERTY_ZONES), min_size=1, max_size=6),
    send_hour=st.integers(0, 23),
    quiet_start=st.integers(0, 23),
    quiet_end=st.integers(0, 23),
    grace_hours=st.integers(1, 24 * 10),
)
def test_plan_properties(
    session1: datetime,
    gap: timedelta,
    zones: list[str],
    send_hour: int,
    quiet_start: int,
    quiet_end: int,
    grace_hours: int,
) -> None:
    settings_ = ScheduleSettings(
        send_hour=send_hour,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        grace=timedelta(hours=grace_hours),
    )
    session2 = (session1.astimezone(UTC) + gap).astimezone(session1.tzinfo)
    two_hours_after_start = session1.astimezone(UTC) + timedelta(hours=2)
    recipients = [Recipient(f"m{i}@example.com", zone) for i, zone in enumerate(zones)]
    planned = plan(session1, session2, recipients, settings_)

    keys = [m.key for m in planned]
    assert len(keys) == len(set(keys))
    for message in planned:
        assert message.send_at.tzinfo is UTC
        assert message.expires_at.tzinfo is UTC
        assert session1 < message.send_at < message.expires_at <= session2
        assert message.kind in KINDS
        assert (message.week == 0) == (message.kind not in ("weekly", "partner_check"))
        zone = ZoneInfo(zones[int(message.member[1])])
        local = message.send_at.astimezone(zone)
        if message.kind != "pairing":
            intended = (
                time(send_hour, 0)
                if not in_quiet_hours(send_hour, settings_)
                else time(quiet_end, 0)
            )
            wall = datetime.combine(local.date(), intended, tzinfo=zone)
            exists = wall.astimezone(UTC).astimezone(zone).time() == intended
            # Only a DST gap may move the wall clock away from the intended time.
            assert local.time() == intended or not exists
        elif message.send_at == two_hours_after_start:
            assert not in_quiet_hours(local.hour, settings_)
        else:
            # Moved out of quiet hours: the first quiet_end:00 after session 1 start + 2 h.
            assert message.send_at > two_hours_after_start
            assert message.send_at - two_hours_after_start <= timedelta(hours=25)
            wake = datetime.combine(local.date(), time(quiet_end, 0), tzinfo=zone)
            exists = wake.astimezone(UTC).astimezone(zone).time() == time(quiet_end, 0)
            assert local.time() == time(quiet_end, 0) or not exists

    for recipient in recipients:
        sent = [m for m in planned if m.member == recipient.email and m.kind == "weekly"]
        sent.sort(key=lambda m: m.week)
        assert [m.week for m in sent] == list(range(1, len(sent) + 1))
        assert 3 <= len(sent) <= 4
        for this_week, next_week in itertools.pairwise(sent):
            assert this_week.send_at < next_week.send_at
            assert this_week.expires_at <= next_week.send_at
        assert len([m for m in planned if m.member == recipient.email and m.kind == "pairing"]) == 1


@settings(max_examples=100, deadline=None)
@given(
    offset=st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=40)),
    done_fraction=st.integers(0, 3),
)
def test_partition_puts_each_unfinished_message_in_exactly_one_list(
    offset: timedelta, done_fraction: int
) -> None:
    planned = plan(DST_SESSION1, DST_SESSION2, [NY_MEMBER, BERLIN_MEMBER, AUCKLAND_MEMBER])
    done = {m.key for i, m in enumerate(planned) if done_fraction and i % 4 < done_fraction}
    now = DST_SESSION1 + offset
    due, stale, future = partition(planned, now, done)
    seen = [m.key for m in due + stale + future]
    assert sorted(seen) == sorted(m.key for m in planned if m.key not in done)
    assert all(m.send_at <= now < m.expires_at for m in due)
    assert all(m.expires_at <= now for m in stale)
    assert all(m.send_at > now for m in future)
