"""Bounces come back to each message's own VERP address and are attributed by it; a forged one
is not; and catching up after an outage never sends into a member's night (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from companion.outbound.quiet_hours import in_quiet_hours
from companion.outbound.schedule import ScheduleSettings
from tests.companion.team_month import ZONES, ledger, record_pairs, run_at
from tests.companion.test_every_email import ADA, ingest

BERLIN = ZoneInfo("Europe/Berlin")


def delivery_report(to: str, final_recipient: str, *, quote: str = "") -> bytes:
    """A DSN (RFC 3464) as a receiving server sends it to the envelope sender."""
    quoted = (
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n" + f"Message-ID: {quote}\r\n\r\n"
        if quote
        else ""
    )
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.elsewhere.example>\r\n"
        f"To: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Date: Wed, 21 Oct 2026 09:00:00 +0000\r\nMessage-ID: <dsn1@mx.elsewhere.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.elsewhere.example\r\n\r\n"
        f"Final-Recipient: rfc822; {final_recipient}\r\nAction: failed\r\n"
        "Status: 5.1.1\r\n\r\n" + quoted + "--B--\r\n"
    ).encode()


def ada_weekly_envelope(home: Path, smtp_server) -> str:
    record_pairs(home)
    assert run_at(home, datetime(2026, 10, 21, 8, tzinfo=UTC)).exit_code == 0
    [to_ada] = [
        m
        for m in smtp_server.handler.messages
        if m.rcpt_tos == [ADA] and str(m.message["Subject"]).startswith("Week")
    ]
    return to_ada.mail_from


def test_a_bounce_to_the_verp_address_is_attributed_without_quoting_anything(
    group_home: Path, smtp_server
) -> None:
    verp = ada_weekly_envelope(group_home, smtp_server)
    # forwarded on to an address we never knew, and the report quotes none of our headers
    report = delivery_report(verp, "ada.old@forwarded.example")
    assert ingest(group_home, report, smtp_server) == "bounced"
    state = ledger(group_home).member(ADA)
    assert state.bouncing
    assert state.bounce_reason == "5.1.1"


def test_a_forged_or_foreign_bounce_address_is_not_believed(group_home: Path, smtp_server) -> None:
    verp = ada_weekly_envelope(group_home, smtp_server)
    local, _, domain = verp.partition("@")
    flipped = local[:-1] + ("0" if local[-1] != "0" else "1")
    for address in (
        f"{flipped}@{domain}",
        "journal+b.team.0123456789abcdef.0123456789abcdef0123@x",
    ):
        assert ingest(group_home, delivery_report(address, ADA), smtp_server) == "dropped"
    assert not ledger(group_home).member(ADA).bouncing


def test_a_vacation_notice_to_the_verp_address_is_dropped(group_home: Path, smtp_server) -> None:
    verp = ada_weekly_envelope(group_home, smtp_server)
    raw = (
        f"From: {ADA}\r\nTo: {verp}\r\nSubject: Re: Week 1\r\n"
        "Message-ID: <away@mail.example.net>\r\n\r\nI am away until Monday.\r\n"
    ).encode()
    assert ingest(group_home, raw, smtp_server) == "dropped"
    assert not list((group_home / "groups" / "team" / "inbox").glob("*"))


def test_after_a_day_down_a_run_at_three_in_the_morning_sends_nothing_until_the_allowed_hour(
    group_home: Path, smtp_server
) -> None:
    record_pairs(group_home)
    # down from before the pairing introductions (20 Oct 17:00 UTC) until 03:00 Berlin on
    # 22 October; then hourly again
    start = datetime(2026, 10, 22, 3, tzinfo=BERLIN).astimezone(UTC)
    now = start
    while now <= start + timedelta(hours=24):
        run_at(group_home, now)
        now += timedelta(hours=1)
    quiet = ScheduleSettings()
    arrived: dict[str, datetime] = {}
    for message, received in zip(
        smtp_server.handler.parsed(), smtp_server.handler.messages, strict=True
    ):
        member = received.rcpt_tos[0]
        at = message["Date"].datetime.astimezone(ZoneInfo(ZONES[member]))
        assert not in_quiet_hours(at.hour, quiet), (member, str(message["Subject"]), at)
        arrived.setdefault(member, at)
    # Berlin's first email waits for 08:00 there, not 03:00 when the companion came back
    assert arrived[ADA] == datetime(2026, 10, 22, 8, tzinfo=BERLIN)
    assert {ledger(group_home).messages[f"weekly:1:{m}"].state for m in ZONES} == {"sent"}


def test_a_late_email_whose_window_closes_in_the_night_is_skipped_as_stale(
    group_home: Path, smtp_server
) -> None:
    record_pairs(group_home)
    toml = (group_home / "plg.toml").read_text()
    (group_home / "plg.toml").write_text(toml + "\n[schedule]\ngrace_hours = 20\n")
    # Ada's week 1 was due 21 October 09:00 Berlin; its window closes 22 October 05:00, while
    # she sleeps: the run at 03:00 skips it rather than wait past the window
    run_at(group_home, datetime(2026, 10, 22, 3, tzinfo=BERLIN))
    record = ledger(group_home).messages[f"weekly:1:{ADA}"]
    assert (record.state, record.error) == ("skipped", "past its sending window")
    assert ADA not in {m.rcpt_tos[0] for m in smtp_server.handler.messages}
