"""Calendar invitations for every dated session, delivered to a real SMTP server: one per
member on the first run, an update with the same UID and a higher SEQUENCE when a session
moves, a CANCEL when the group ends or a member is withdrawn, and nothing after the end."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion.outbound.ledger import Ledger
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.outbox import dry_run, send_due
from plg_tui.core.group_lifecycle import (
    apply_reschedule,
    end_group,
    plan_reschedule,
)
from plg_tui.core.groups import GroupError, open_for_operations
from plg_tui.core.membership import remove_member
from plg_tui.core.settings import load_settings
from plg_tui.vault.keys import load_operations_keys
from plg_tui.vocabulary import SessionKind
from tests.calendar_checks import Invitation, check_invitation, is_calendar

LINK = "https://meet.example.org/team"
MEMBERS = {
    "ada@example.org",
    "grace@example.org",
    "linus@example.org",
    "mei@example.org",
    "tomas@example.org",
}
S1 = datetime(2026, 12, 1, 13, tzinfo=UTC)  # 14:00 Berlin
S2 = datetime(2026, 12, 29, 13, tzinfo=UTC)
BEFORE = datetime(2026, 11, 20, tzinfo=UTC)

MAKE_GROUP_PASSPHRASE = "correct horse battery"
NEW_PASSPHRASE = "plinth marmot quiver tundra solstice"


@pytest.fixture
def home(data_home: Path, make_group, smtp_server) -> Path:
    make_group("team", call_link=LINK).close()
    (data_home / "plg.toml").write_text(
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n\n'
        + smtp_server.toml(),
        encoding="utf-8",
    )
    return data_home


def run_at(home: Path, now: datetime) -> None:
    outbound = load_outbound_settings(load_settings(home))
    report = asyncio.run(send_due(home, outbound, now, out=lambda line: None))
    assert report.exit_code == 0


def run_day(home: Path, day: datetime) -> None:
    """12:00 and 13:00 UTC: daytime for every member (New York wakes at 08:00 local)."""
    for hour in (12, 13):
        run_at(home, day.replace(hour=hour))


def invitations(server, start: int = 0) -> list[Invitation]:
    found = [m.message for m in server.handler.messages[start:]]
    assert all(is_calendar(m) for m in found), "only calendar emails expected here"
    return [check_invitation(m) for m in found]


def reschedule(home: Path, now: datetime, link: str | None = None, **dates: str) -> None:
    kinds = {"trust": SessionKind.TRUST, "session1": SessionKind.ONE, "session2": SessionKind.TWO}
    vault = open_for_operations(home, "team")
    try:
        change = plan_reschedule(vault.info(), {kinds[k]: v for k, v in dates.items()}, link, now)
        apply_reschedule(vault, change)
    finally:
        vault.close()


def ledger(home: Path) -> Ledger:
    return Ledger.read_only(home, load_operations_keys(home, "team"))


def test_every_member_gets_one_valid_invitation_per_session_on_the_first_run(home, smtp_server):
    run_at(home, BEFORE.replace(hour=12))
    first = invitations(smtp_server)
    # New York is at 07:00, in quiet hours: its member waits for the next run after 08:00
    assert {i.attendee for i in first} == MEMBERS - {"grace@example.org"}
    run_at(home, BEFORE.replace(hour=13))
    run_at(home, BEFORE.replace(hour=14))  # nothing twice
    sent = invitations(smtp_server)
    assert Counter((i.attendee, i.start) for i in sent) == {
        (m, s): 1 for m in MEMBERS for s in (S1, S2)
    }
    assert {i.method for i in sent} == {"REQUEST"}
    assert {i.sequence for i in sent} == {0}
    assert {i.location for i in sent} == {LINK}
    uids = {i.start: {x.uid for x in sent if x.start == i.start} for i in sent}
    assert all(len(u) == 1 for u in uids.values())
    assert uids[S1] != uids[S2]
    group_id = load_operations_keys(home, "team").group_id
    assert all(group_id in i.uid and i.uid.endswith("@example.org") for i in sent)
    states = {k: r.state for k, r in ledger(home).messages.items() if k.startswith("invitation")}
    assert len(states) == 10
    assert set(states.values()) == {"sent"}


def test_the_email_around_the_invitation_names_the_session_in_the_members_time(home, smtp_server):
    run_day(home, BEFORE)
    by_member = {m.rcpt_tos[0]: m.message for m in smtp_server.handler.messages}
    mei = by_member["mei@example.org"]  # Asia/Kolkata
    text = mei.get_body(preferencelist=("plain",)).get_content()
    assert "Kolkata time" in text
    assert LINK in text
    assert str(mei["Subject"]).startswith("Invitation: Giving feedback")
    assert "grace@example.org" not in mei.as_string()  # nobody else's address


def test_a_moved_session_is_updated_with_the_same_uid_and_a_higher_sequence(home, smtp_server):
    run_day(home, BEFORE)
    original = {i.attendee: i for i in invitations(smtp_server) if i.start == S2}
    reschedule(home, BEFORE, session2="2026-12-22T15:00")
    before = len(smtp_server.handler.messages)
    run_day(home, BEFORE + timedelta(days=1))
    updates = invitations(smtp_server, before)
    assert {u.attendee for u in updates} == MEMBERS
    assert len(updates) == 5
    for update in updates:
        assert update.uid == original[update.attendee].uid
        assert update.sequence == 1
        assert update.method == "REQUEST"
        assert update.start == datetime(2026, 12, 22, 14, tzinfo=UTC)
    subjects = {str(m.message["Subject"]) for m in smtp_server.handler.messages[before:]}
    assert all(s.startswith("Updated invitation: ") for s in subjects)
    # a move after a move: SEQUENCE 2, again once per member
    reschedule(home, BEFORE, session2="2026-12-23T15:00")
    before = len(smtp_server.handler.messages)
    run_day(home, BEFORE + timedelta(days=2))
    run_day(home, BEFORE + timedelta(days=3))
    again = invitations(smtp_server, before)
    assert sorted(u.sequence for u in again) == [2] * 5


def test_a_trust_session_and_a_new_call_link_reach_every_member(home, smtp_server):
    run_day(home, BEFORE)
    reschedule(home, BEFORE, link="https://meet.example.org/new", trust="2026-11-24T14:00")
    before = len(smtp_server.handler.messages)
    run_day(home, BEFORE + timedelta(days=1))
    sent = invitations(smtp_server, before)
    trust = [i for i in sent if i.start == datetime(2026, 11, 24, 13, tzinfo=UTC)]
    assert len(trust) == 5
    assert {i.sequence for i in trust} == {0}
    moved = [i for i in sent if i not in trust]
    # the link changed: both module sessions are updated, SEQUENCE 1
    assert Counter(i.start for i in moved) == {S1: 5, S2: 5}
    assert {i.sequence for i in moved} == {1}
    assert {i.location for i in sent} == {"https://meet.example.org/new"}


def test_ending_cancels_the_sessions_ahead_and_then_sends_nothing(home, smtp_server):
    run_day(home, BEFORE)
    requests = {(i.attendee, i.start): i for i in invitations(smtp_server)}
    vault = open_for_operations(home, "team")
    vault.update_info(session1_held=True)  # session 1 took place; only session 2 is ahead
    end_group(vault, S1 + timedelta(days=2))
    with pytest.raises(GroupError, match="ended on"):
        end_group(vault, S1 + timedelta(days=3))
    vault.close()
    before = len(smtp_server.handler.messages)
    day = S1 + timedelta(days=2)
    run_day(home, day)
    cancels = invitations(smtp_server, before)
    assert {c.attendee for c in cancels} == MEMBERS
    assert len(cancels) == 5
    for cancel in cancels:
        assert cancel.method == "CANCEL"
        assert cancel.start == S2
        assert cancel.uid == requests[(cancel.attendee, S2)].uid
        assert cancel.sequence == requests[(cancel.attendee, S2)].sequence + 1
    # the rest of the month, hour by hour: no practice email, reminder or invitation
    count = len(smtp_server.handler.messages)
    now = day + timedelta(hours=1)
    while now < S2 + timedelta(days=3):
        run_at(home, now)
        now += timedelta(hours=3)
    assert len(smtp_server.handler.messages) == count
    with pytest.raises(GroupError, match="ended on"):
        reschedule(home, now, session2="2027-01-05T14:00")


def test_a_group_ended_before_any_invitation_sends_no_cancellation(home, smtp_server):
    vault = open_for_operations(home, "team")
    end_group(vault, BEFORE)
    vault.close()
    run_day(home, BEFORE)
    assert smtp_server.handler.messages == []


def test_a_removed_member_gets_cancellations_and_nobody_else_hears(home, smtp_server, cheap_kdf):
    run_day(home, BEFORE)
    remove_member(
        home,
        "team",
        "tomas@example.org",
        MAKE_GROUP_PASSPHRASE,
        NEW_PASSPHRASE,
        now=BEFORE,
        kdf=cheap_kdf,
    )
    before = len(smtp_server.handler.messages)
    run_day(home, BEFORE + timedelta(days=1))
    run_day(home, BEFORE + timedelta(days=2))
    cancels = invitations(smtp_server, before)
    assert {(c.attendee, c.method) for c in cancels} == {("tomas@example.org", "CANCEL")}
    assert sorted(c.start for c in cancels) == [S1, S2]
    # a later move updates the four who stay, not the one who left
    reschedule(home, BEFORE, session2="2026-12-22T15:00")
    before = len(smtp_server.handler.messages)
    run_day(home, BEFORE + timedelta(days=3))
    assert {i.attendee for i in invitations(smtp_server, before)} == MEMBERS - {"tomas@example.org"}


def test_dry_run_names_the_invitations_and_sends_none(home, smtp_server):
    lines: list[str] = []
    outbound = load_outbound_settings(load_settings(home), need_smtp=False)
    dry_run(home, outbound, BEFORE.replace(hour=13), out=lines.append)
    invited = [line for line in lines if "would send invitation for session" in line]
    assert len(invited) == 10
    assert "(sequence 0) to ada@example.org" in "\n".join(invited)
    assert smtp_server.handler.messages == []
    assert not (home / "groups" / "team" / "ledger.db").exists()
