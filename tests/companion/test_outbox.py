"""The sending half of a run, in-process, against a real SMTP server: exactly what is due,
exactly once, at the right local time, with the right week's content."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import escape

from companion.outbound.ledger import Ledger
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.outbox import dry_run, send_due
from plg_tui.core.groups import open_for_operations
from plg_tui.core.modules import load_module
from plg_tui.core.settings import load_settings
from plg_tui.vault.keys import load_operations_keys
from tests.companion.team_month import (
    PAIRS,
    ZONES,
    ledger,
    record_pairs,
    run_at,
)


def classify(message) -> tuple[str, int]:
    subject = str(message["Subject"])
    weekly = re.match(r"Week (\d) of 4", subject)
    if weekly:
        return "weekly", int(weekly.group(1))
    if "practice partner" in subject:
        return "pairing", 0
    if subject.startswith("Session 2"):
        return "reminder", 0
    if subject.endswith("met yet?"):
        return "partner_check", 2
    if subject.startswith("Invitation: "):
        return "invitation", 1 if ", session 1, " in subject else 2
    raise AssertionError(f"unexpected subject {subject!r}")


def flat(text: str) -> str:
    return " ".join(text.split())


def local(day: str, hour: int, zone: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=ZoneInfo(zone))


def expected_schedule() -> dict[tuple[str, str, int], datetime]:
    expected = {}
    for member, zone in ZONES.items():
        # Pairing: two hours after session 1 (15:00 UTC), out of quiet hours (Tokyo: midnight).
        pairing = datetime(2026, 10, 20, 15, tzinfo=UTC)
        if zone == "Asia/Tokyo":
            pairing = local("2026-10-21", 8, zone)
        expected[(member, "pairing", 0)] = pairing
        for week, day in enumerate(["2026-10-21", "2026-10-28", "2026-11-04", "2026-11-11"], 1):
            expected[(member, "weekly", week)] = local(day, 9, zone)
        # session 2 is on Tuesday 17 November: reminded on Monday, the working day before
        expected[(member, "reminder", 0)] = local("2026-11-16", 9, zone)
        # midway: three days after week 2's email is Saturday 31 October: the Monday after
        expected[(member, "partner_check", 2)] = local("2026-11-02", 9, zone)
        # invitations: the first run (19 Oct 00:00 UTC) outside the member's quiet hours
        first_run = {"Europe/Berlin": 6, "America/New_York": 12, "Asia/Tokyo": 0}[zone]
        for session in (1, 2):
            expected[(member, "invitation", session)] = datetime(
                2026, 10, 19, first_run, tzinfo=UTC
            )
    return expected


def test_a_simulated_month_hour_by_hour_sends_everything_once_at_local_times(
    fresh_group_home, smtp_server
):
    group_home = fresh_group_home
    record_pairs(group_home)
    module = load_module("giving-feedback", group_home)
    now = datetime(2026, 10, 19, 0, tzinfo=UTC)
    end = now + timedelta(weeks=5)
    arrived: dict[tuple[str, str, int], datetime] = {}
    seen = 0
    while now < end:
        report = run_at(group_home, now)
        assert report.exit_code == 0
        for received in smtp_server.handler.messages[seen:]:
            message = received.message
            member = received.rcpt_tos[0]
            kind, week = classify(message)
            key = (member, kind, week)
            assert key not in arrived, f"{key} arrived twice"
            arrived[key] = now
            assert message["Date"].datetime == now
            body = flat(message.get_body(preferencelist=("plain",)).get_content())
            html = message.get_body(preferencelist=("html",)).get_content()
            if kind == "weekly":
                assert flat(module.weeks[week - 1].tip) in body
                assert str(escape(module.weeks[week - 1].tip)) in html
                assert flat(module.weeks[week - 1].prompt) in body
                assert "Reply to this email to write in your practice journal" in body
            partners = next(set(g) - {member} for g in PAIRS if member in g)
            if kind in ("pairing", "weekly"):
                assert all(p in body for p in partners)
            others = set(ZONES) - partners - {member}
            assert not any(o.encode() in received.data for o in others), "another member leaked"
            if kind == "reminder":
                assert "https://meet.example.org/team" in body
        seen = len(smtp_server.handler.messages)
        now += timedelta(hours=1)

    expected = expected_schedule()
    assert set(arrived) == set(expected)  # everything expected, nothing else
    for key, when in expected.items():
        assert arrived[key] == when.astimezone(UTC), key
    # the 35 emails of the practice month and an invitation per member for each session
    assert ledger(group_home).counts()["sent"] == len(expected) == 35 + 10


def test_a_missed_run_catches_up_within_grace_and_skips_what_is_stale(group_home, smtp_server):
    record_pairs(group_home)
    # First run long after the pairing time and week 1 (21 Oct 09:00) but within 48 h of it.
    report = run_at(group_home, datetime(2026, 10, 22, 12, tzinfo=UTC))
    assert report.exit_code == 0
    # 21:00 in Tokyo: Linus's wait for his morning (08:00 there, 23:00 UTC), still in grace
    assert "linus@example.org" not in {m.rcpt_tos[0] for m in smtp_server.handler.messages}
    run_at(group_home, datetime(2026, 10, 22, 23, tzinfo=UTC))
    kinds = sorted(classify(m.message) for m in smtp_server.handler.messages)
    assert kinds == [("pairing", 0)] * 5 + [("weekly", 1)] * 5
    # Server "down" for a week: the next run is after week 2's window closed (4 Nov 09:00).
    before = len(smtp_server.handler.messages)
    run_at(group_home, datetime(2026, 11, 4, 15, tzinfo=UTC))
    run_at(group_home, datetime(2026, 11, 4, 23, tzinfo=UTC))  # Tokyo's morning
    new = [classify(m.message) for m in smtp_server.handler.messages[before:]]
    assert sorted(set(new)) == [("weekly", 3)]  # week 2 is never sent late into week 3
    states = {k: r.state for k, r in ledger(group_home).messages.items()}
    assert {states[f"weekly:2:{m}"] for m in ZONES} == {"skipped"}
    assert {states[f"weekly:3:{m}"] for m in ZONES} == {"sent"}


def test_server_down_then_up_catches_up_without_duplicates(group_home, smtp_server, refused_port):
    record_pairs(group_home)
    toml = (group_home / "plg.toml").read_text()
    (group_home / "plg.toml").write_text(
        toml.replace(f"port = {smtp_server.port}", f"port = {refused_port}")
    )
    report = run_at(group_home, datetime(2026, 10, 21, 8, tzinfo=UTC))
    assert report.exit_code == 75
    assert (
        ledger(group_home).counts()["sending"] == 0
    )  # nothing marked when nothing was handed over
    (group_home / "plg.toml").write_text(toml)
    assert run_at(group_home, datetime(2026, 10, 21, 9, tzinfo=UTC)).exit_code == 0
    assert run_at(group_home, datetime(2026, 10, 21, 10, tzinfo=UTC)).exit_code == 0
    # New York's catch-up waits for 08:00 there
    assert run_at(group_home, datetime(2026, 10, 21, 12, tzinfo=UTC)).exit_code == 0
    keys = [(m.rcpt_tos[0], classify(m.message)) for m in smtp_server.handler.messages]
    assert len(keys) == len(set(keys))
    assert sum(1 for _m, k in keys if k == ("pairing", 0)) == 5


def test_451_then_250_inside_one_run_and_550_is_failed_not_retried(group_home, smtp_server):
    record_pairs(group_home)
    handler = smtp_server.handler
    handler.script = ["451 4.3.0 greylisted"]
    handler.reject = {"grace@example.org": "550 5.1.1 mailbox unavailable"}
    report = run_at(group_home, datetime(2026, 10, 20, 16, tzinfo=UTC))
    assert report.exit_code == 1
    records = ledger(group_home).messages
    assert records["pairing:0:grace@example.org"].state == "failed"
    assert records["pairing:0:grace@example.org"].error == "550 5.1.1 mailbox unavailable"
    assert records["pairing:0:ada@example.org"].state == "sent"
    assert len(handler.messages) == 3  # Tokyo's is due at 08:00 local; Grace's was refused
    handler.reject = {}
    run_at(group_home, datetime(2026, 10, 20, 17, tzinfo=UTC))
    assert [m.rcpt_tos[0] for m in handler.messages].count("grace@example.org") == 0


def test_4xx_until_the_end_of_the_run_is_deferred_and_sent_next_run(group_home, smtp_server):
    record_pairs(group_home)
    smtp_server.handler.reject = {"ada@example.org": "421 4.7.0 try later"}
    report = run_at(group_home, datetime(2026, 10, 20, 16, tzinfo=UTC))
    assert report.exit_code == 75
    record = ledger(group_home).messages["pairing:0:ada@example.org"]
    assert record.state == "deferred"
    assert record.error.startswith("421")
    smtp_server.handler.reject = {}
    assert run_at(group_home, datetime(2026, 10, 20, 17, tzinfo=UTC)).exit_code == 0
    record = ledger(group_home).messages["pairing:0:ada@example.org"]
    assert record.state == "sent"
    sent_ids = [
        str(m.message["Message-ID"]).strip()
        for m in smtp_server.handler.messages
        if m.rcpt_tos == ["ada@example.org"]
    ]
    assert sent_ids == [record.message_id]  # Message-ID fixed before the first attempt


def test_sending_left_by_a_crash_is_never_resent(group_home, smtp_server):
    record_pairs(group_home)
    keys = load_operations_keys(group_home, "team")
    with Ledger.locked(group_home, keys) as book:
        book.set_message(
            "weekly:1:ada@example.org",
            member="ada@example.org",
            kind="weekly",
            week=1,
            state="sending",
            message_id="<x@example.org>",
        )
        book.save()
    run_at(group_home, datetime(2026, 10, 21, 12, tzinfo=UTC))
    weeklies = [
        m.rcpt_tos[0] for m in smtp_server.handler.messages if classify(m.message) == ("weekly", 1)
    ]
    assert "ada@example.org" not in weeklies
    assert "tomas@example.org" in weeklies
    assert ledger(group_home).messages["weekly:1:ada@example.org"].state == "sending"


def test_opted_out_and_bouncing_members_get_nothing(group_home, smtp_server):
    record_pairs(group_home)
    keys = load_operations_keys(group_home, "team")
    with Ledger.locked(group_home, keys) as book:
        book.set_member("ada@example.org", opted_out=True)
        book.set_member("grace@example.org", bouncing=True, bounce_reason="550 unknown user")
        book.save()
    run_at(group_home, datetime(2026, 10, 21, 20, tzinfo=UTC))
    run_at(group_home, datetime(2026, 10, 22, 7, tzinfo=UTC))  # Berlin's and Tokyo's day
    recipients = {m.rcpt_tos[0] for m in smtp_server.handler.messages}
    assert recipients == {"linus@example.org", "mei@example.org", "tomas@example.org"}
    records = ledger(group_home).messages
    assert records["weekly:1:ada@example.org"].state == "skipped"
    assert records["weekly:1:grace@example.org"].error == "address bouncing"


def test_nothing_before_session1_and_no_pairing_before_pairs_exist(group_home, smtp_server):
    assert run_at(group_home, datetime(2026, 10, 20, 12, tzinfo=UTC)).exit_code == 0
    assert smtp_server.handler.messages == []
    run_at(group_home, datetime(2026, 10, 20, 16, tzinfo=UTC))  # pairing time, no pairs yet
    assert smtp_server.handler.messages == []
    record_pairs(group_home)
    run_at(group_home, datetime(2026, 10, 20, 17, tzinfo=UTC))
    assert sorted(classify(m.message) for m in smtp_server.handler.messages) == [("pairing", 0)] * 4


def test_changed_session_dates_move_the_future_and_never_resend(group_home, smtp_server):
    record_pairs(group_home)
    run_at(group_home, datetime(2026, 10, 21, 20, tzinfo=UTC))  # pairing + week 1 for everyone
    run_at(group_home, datetime(2026, 10, 22, 7, tzinfo=UTC))  # ... once it is day for them
    assert len(smtp_server.handler.messages) == 10
    vault = open_for_operations(group_home, "team")
    vault.update_info(session1="2026-10-27T15:00", session2="2026-11-24T15:00")
    vault.close()
    # The new week 1 time (28 Oct) passes: already sent, so nothing goes out again.
    run_at(group_home, datetime(2026, 10, 28, 20, tzinfo=UTC))
    assert len(smtp_server.handler.messages) == 10
    # Week 2 now follows the new dates: 4 November, not 28 October.
    run_at(group_home, datetime(2026, 11, 4, 20, tzinfo=UTC))
    run_at(group_home, datetime(2026, 11, 5, 7, tzinfo=UTC))
    new = {classify(m.message) for m in smtp_server.handler.messages[10:]}
    assert new == {("weekly", 2)}
    assert len(smtp_server.handler.messages) == 15


def test_dry_run_prints_and_changes_nothing(fresh_group_home, smtp_server):
    group_home = fresh_group_home
    record_pairs(group_home)
    lines: list[str] = []
    outbound = load_outbound_settings(load_settings(group_home), need_smtp=False)
    dry_run(group_home, outbound, datetime(2026, 10, 21, 12, tzinfo=UTC), out=lines.append)
    # Berlin's two; Linus's waits for the morning in Tokyo, New York's is not due yet
    assert sum("would send weekly email week 1" in line for line in lines) == 2
    assert smtp_server.handler.messages == []
    assert not (group_home / "groups" / "team" / "ledger.db").exists()


def test_session1_held_early_in_the_session_app_starts_the_month_then(group_home, smtp_server):
    # The group met a week before its recorded date; the session app closed session 1 and
    # recorded the pairs then (with the real clock), and marked the session held.
    vault = open_for_operations(group_home, "team")
    recorded = (datetime.now(UTC) + timedelta(days=180)).replace(hour=15, minute=0)
    vault.update_info(
        session1=recorded.strftime("%Y-%m-%dT%H:%M"),
        session2=(recorded + timedelta(days=28)).strftime("%Y-%m-%dT%H:%M"),
    )
    vault.record_pairing(PAIRS, "session")
    closed_at = datetime.fromisoformat(vault.pairings()[-1].created)
    vault.update_info(session1_held=True)
    vault.close()
    for hours in (30, 38, 46):  # one of these is in each member's day, whatever the clock
        run_at(group_home, closed_at + timedelta(hours=hours))
    sent = [(m.rcpt_tos[0], classify(m.message)) for m in smtp_server.handler.messages]
    assert {member for member, kind in sent if kind == ("pairing", 0)} == set(ZONES)
    assert {kind for _member, kind in sent} <= {("pairing", 0), ("weekly", 1)}
    # Without the early close the recorded dates (half a year on) would hold everything back.


def test_a_group_with_impossible_dates_is_reported_and_others_still_run(
    group_home, smtp_server, make_group
):
    record_pairs(group_home)
    make_group("other", session1="2026-10-20T15:00", session2="2026-11-17T15:00").close()
    vault = open_for_operations(group_home, "team")
    vault.update_info(session2="2026-10-01T15:00")  # before session 1
    vault.close()
    lines: list[str] = []
    outbound = load_outbound_settings(load_settings(group_home))
    report = asyncio.run(
        send_due(group_home, outbound, datetime(2026, 10, 21, 20, tzinfo=UTC), out=lines.append)
    )
    assert report.exit_code == 1
    assert "team: session2 must be after session1" in lines
    assert any(line.startswith("other: ") and "sent" in line for line in lines)
