"""A group's second cycle in the companion, against a real SMTP server: cycle 2's practice month
goes out once, at the right local times, after cycle 1's, and a ledger written before cycles
existed is honoured as cycle 1's (nothing sent again after the upgrade)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from companion.outbound.ledger import Ledger
from companion.outbound.ledger_records import MessageState
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.plan import load_group, plan_group
from plg_tui.core.cycles import CycleError, NextCycleSpec, plan_next_cycle, start_next_cycle
from plg_tui.core.group_lifecycle import end_group
from plg_tui.core.groups import open_for_operations
from plg_tui.core.settings import load_settings
from plg_tui.vault.keys import load_operations_keys
from tests.calendar_checks import check_invitation, is_calendar
from tests.companion.team_month import SESSION2, ZONES, ledger, record_pairs, run_at
from tests.companion.test_outbox import classify, expected_schedule, flat, local

CYCLE2_SESSION1, CYCLE2_SESSION2 = "2026-12-01T15:00", "2026-12-29T15:00"


def expected_cycle2() -> dict[tuple[str, str, int], datetime]:
    """Session 1 on 1 December 15:00 Berlin (14:00 UTC): every zone is on winter time."""
    expected = {}
    for member, zone in ZONES.items():
        pairing = datetime(2026, 12, 1, 16, tzinfo=UTC)  # two hours after session 1
        if zone == "Asia/Tokyo":  # 01:00 there: quiet hours hold it to 08:00
            pairing = local("2026-12-02", 8, zone)
        expected[(member, "pairing", 0)] = pairing
        for week, day in enumerate(["2026-12-02", "2026-12-09", "2026-12-16", "2026-12-23"], 1):
            expected[(member, "weekly", week)] = local(day, 9, zone)
        expected[(member, "reminder", 0)] = local("2026-12-28", 9, zone)  # Monday, for Tuesday
        # three days after week 2's email is Saturday 12 December: the Monday after
        expected[(member, "partner_check", 2)] = local("2026-12-14", 9, zone)
    return expected


def start_cycle_two(home, now: datetime) -> list[list[str]]:
    spec = NextCycleSpec("team", "delegating", CYCLE2_SESSION1, CYCLE2_SESSION2)
    plan = plan_next_cycle(home, spec, now=now, rng=random.Random(3))
    start_next_cycle(home, plan)
    assert plan.pairs is not None
    return plan.pairs


def test_cycle_two_sends_its_own_practice_month_once_at_local_times(
    group_home,
    smtp_server,
):
    record_pairs(group_home)
    # the group_home fixture delivered cycle 1's invitations already
    cycle1 = {k: v for k, v in expected_schedule().items() if k[1] != "invitation"}
    for instant in sorted({when.astimezone(UTC) for when in cycle1.values()}):
        assert run_at(group_home, instant).exit_code == 0
    first_month = [(m.rcpt_tos[0], *classify(m.message)) for m in smtp_server.handler.messages]
    assert sorted(first_month) == sorted((m, k, w) for m, k, w in cycle1)  # each once
    assert ledger(group_home).counts()["sent"] == 35 + 10  # the month and the invitations

    pairs = start_cycle_two(group_home, datetime(2026, 11, 20, 10, tzinfo=UTC))
    partners_of = {m: set(g) - {m} for g in pairs for m in g}
    seen = len(smtp_server.handler.messages)
    arrived: dict[tuple[str, str, int], datetime] = {}
    now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    while now < datetime(2027, 1, 2, tzinfo=UTC):
        assert run_at(group_home, now).exit_code == 0
        for received in smtp_server.handler.messages[seen:]:
            member = received.rcpt_tos[0]
            kind, week = classify(received.message)
            assert (member, kind, week) not in arrived, f"{member} {kind} {week} arrived twice"
            arrived[(member, kind, week)] = now
            body = flat(received.message.get_body(preferencelist=("plain",)).get_content())
            if kind in ("pairing", "weekly"):
                assert all(p in body for p in partners_of[member])  # cycle 2's partners
        seen = len(smtp_server.handler.messages)
        now += timedelta(hours=1)
    expected = expected_cycle2()
    # cycle 2's sessions are new calendar events: one invitation each, at the first run
    invited = {k for k in arrived if k[1] == "invitation"}
    assert invited == {(m, "invitation", s) for m in ZONES for s in (1, 2)}
    uids = {
        m.message.get_payload()[2].get_content().split("UID:")[1].split()[0]
        for m in smtp_server.handler.messages
        if classify(m.message)[0] == "invitation"
    }
    # new events (cycle 1's were "-c1-s1", "-c1-s2"), not updates of cycle 1's
    assert sorted(uid.split("-")[-2:][0] + "-" + uid.split("-")[-1] for uid in uids) == [
        "c2-s1@example.org",
        "c2-s2@example.org",
    ]
    arrived = {k: v for k, v in arrived.items() if k not in invited}
    assert set(arrived) == set(expected)
    for key, when in expected.items():
        assert arrived[key] == when.astimezone(UTC), key
    records = ledger(group_home).messages
    assert records["c2:weekly:1:ada@example.org"].state == MessageState.SENT
    assert records["c2:weekly:1:ada@example.org"].cycle == 2
    assert records["weekly:1:ada@example.org"].cycle == 1  # cycle 1's record, untouched
    assert ledger(group_home).counts()["sent"] == 2 * (35 + 10)


def test_a_ledger_written_before_cycles_is_honoured_after_the_upgrade(
    group_home,
    smtp_server,
):
    record_pairs(group_home)
    keys = load_operations_keys(group_home, "team")
    outbound = load_outbound_settings(load_settings(group_home))
    planned = plan_group(load_group(group_home, "team"), outbound.schedule)
    with Ledger.locked(group_home, keys) as old:
        for message in planned:  # exactly the records the companion wrote before cycles
            key = f"{message.kind}:{message.week}:{message.member}"
            fields = {"member": message.member, "kind": message.kind, "week": message.week}
            old.set_message(key, **fields, state="sent", at="2026-10-21T09:00:00+00:00")
        old.save()
    before = {k: r.state for k, r in ledger(group_home).messages.items()}
    for when in (
        datetime(2026, 10, 21, 9, tzinfo=UTC),
        datetime(2026, 11, 4, 12, tzinfo=UTC),
        datetime(2026, 11, 15, 12, tzinfo=UTC),
    ):
        assert run_at(group_home, when).exit_code == 0
    assert smtp_server.handler.messages == []  # nothing of cycle 1 goes out again
    after = {k: r.state for k, r in ledger(group_home).messages.items()}
    assert after == before

    start_cycle_two(group_home, datetime(2026, 11, 20, 10, tzinfo=UTC))
    assert run_at(group_home, datetime(2026, 12, 2, 9, tzinfo=UTC)).exit_code == 0
    kinds = sorted(classify(m.message) for m in smtp_server.handler.messages)
    # 09:00 UTC: week 1 is out in Berlin (10:00) and Tokyo (18:00), not yet in New York, and
    # so are those three members' invitations to cycle 2's session 2 (session 1 has met);
    # New York's pairing introductions, late, wait for 08:00 there (quiet hours hold)
    expected = [("invitation", 2)] * 3 + [("pairing", 0)] * 3 + [("weekly", 1)] * 3
    assert kinds == expected


def test_pairs_of_cycle_one_are_history_for_cycle_two(group_home):
    trio = ["linus@example.org", "tomas@example.org", "mei@example.org"]
    record_pairs(group_home, [["ada@example.org", "grace@example.org"], trio])
    pairs = start_cycle_two(group_home, datetime(2026, 11, 20, 10, tzinfo=UTC))
    assert not any({"ada@example.org", "grace@example.org"} <= set(g) for g in pairs)
    vault = open_for_operations(group_home, "team")
    assert vault.current_pairs() == pairs
    assert [p.cycle for p in vault.pairings()] == [1, 2]
    vault.close()


def test_an_ended_group_has_no_next_cycle(group_home):
    vault = open_for_operations(group_home, "team")
    end_group(vault, datetime(2026, 11, 16, tzinfo=UTC))
    vault.close()
    spec = NextCycleSpec("team", "delegating", CYCLE2_SESSION1, CYCLE2_SESSION2)
    with pytest.raises(CycleError, match="group 'team' ended on 2026-11-16"):
        plan_next_cycle(group_home, spec, now=datetime(2026, 11, 20, 10, tzinfo=UTC))


def test_a_session_the_next_cycle_drops_is_cancelled_once_for_everyone_invited(
    group_home,
    smtp_server,
):
    # cycle 1's invitations are delivered; session 1 is held a day early, then the group
    # moves on before either of cycle 1's session dates
    now = datetime(2026, 10, 19, 12, tzinfo=UTC)
    vault = open_for_operations(group_home, "team")
    vault.update_info(session1_held=True)
    vault.close()
    spec = NextCycleSpec("team", "delegating", CYCLE2_SESSION1, CYCLE2_SESSION2)
    plan = plan_next_cycle(group_home, spec, now=now, rng=random.Random(3))
    assert any("cancels its calendar invitation" in w for w in plan.warnings)
    start_next_cycle(group_home, plan)
    session2 = datetime.fromisoformat(SESSION2).replace(tzinfo=ZoneInfo("Europe/Berlin"))
    while now < session2 + timedelta(days=1):
        assert run_at(group_home, now).exit_code == 0
        now += timedelta(hours=6)
    sent = [m.message for m in smtp_server.handler.messages]
    calendar = [check_invitation(m) for m in sent if is_calendar(m)]
    cancels = [c for c in calendar if c.method == "CANCEL"]
    assert sorted(c.attendee for c in cancels) == sorted(ZONES)  # each member exactly once
    for cancel in cancels:
        assert cancel.uid.endswith("-c1-s2@example.org"), cancel.uid  # cycle 1's session 2
        assert cancel.sequence == 1  # above the invitation's 0
        assert cancel.start == session2
        assert cancel.status == "CANCELLED"
    records = ledger(group_home).messages
    for member in ZONES:
        assert records[f"cancellation:c1-2.1:{member}"].state == MessageState.SENT
        assert f"cancellation:c1-1.1:{member}" not in records  # session 1 was held
