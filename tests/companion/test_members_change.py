"""Members leave and join mid-month (issue 12): what the companion then sends, against a real
SMTP server, and what the leaver can no longer open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from companion.outbound.ledger import Ledger
from companion.outbound.resume import resume_emails
from companion.outbound.schedule import ScheduleSettings
from plg_tui.app.session_loader import open_session
from plg_tui.core.groups import open_for_operations
from plg_tui.core.membership import MembershipError, remove_member
from plg_tui.core.newcomer import Newcomer, add_member
from plg_tui.vault.errors import WrongPassphrase
from plg_tui.vault.group import GroupVault
from plg_tui.vault.keys import load_operations_keys, unlock
from tests.companion.team_month import ZONES, ledger, record_pairs, run_at

OLD = "correct horse battery"  # make_group's passphrase
NEW = "plinth marmot quiver tundra solstice"
NEWER = "harbour violet pencil orbit maple"
ADA, GRACE, LINUS = "ada@example.org", "grace@example.org", "linus@example.org"
NIA = "nia@example.org"


def kind_of(message) -> tuple[str, int]:
    subject = str(message["Subject"])
    if subject.startswith("Welcome"):
        return "welcome", 0
    if subject.startswith("Week "):
        return "weekly", int(subject.split()[1])
    if "practice partner" in subject:
        return "pairing", 0
    if subject.startswith("Session 2"):
        return "reminder", 0
    if subject.endswith("met yet?"):
        return "partner_check", 2
    if subject.startswith("Cancelled: "):
        return "cancellation", 0
    if subject.startswith("Invitation: "):
        return "invitation", 0
    raise AssertionError(subject)


def run_until(home, start: datetime, end: datetime, step: timedelta = timedelta(hours=2)):
    now = start
    while now < end:
        assert run_at(home, now).exit_code == 0
        now += step


def received(server, since: int = 0) -> list[tuple[str, tuple[str, int]]]:
    return [(m.rcpt_tos[0], kind_of(m.message)) for m in server.handler.messages[since:]]


def test_removed_mid_month_get_nothing_more_partners_repaired_and_group_rekeyed(
    group_home,
    smtp_server,
    cheap_kdf,
):
    record_pairs(group_home)
    vault = GroupVault(group_home, unlock(group_home, "team", OLD))
    vault.add_item("challenge", "said before anyone left", member=GRACE)
    vault.close()
    left_at = datetime(2026, 10, 29, 0, tzinfo=UTC)
    run_until(group_home, datetime(2026, 10, 20, 12, tzinfo=UTC), left_at)
    assert (ADA, ("weekly", 2)) in received(smtp_server)
    # an acknowledgement for Ada was queued and could not go out yet: it must never go now
    ops = load_operations_keys(group_home, "team")
    with Ledger.locked(group_home, ops) as book:
        book.set_message(
            f"ack-0123456789abcdef:2:{ADA}",
            member=ADA,
            kind="ack",
            week=2,
            state="deferred",
            queued_at=left_at.isoformat(),
            at=left_at.isoformat(),
        )
        book.save()

    gone = remove_member(group_home, "team", ADA, OLD, NEW, now=left_at, kdf=cheap_kdf)
    assert gone.partners.alone == [GRACE]  # Ada's pair: Grace is now alone
    gone = remove_member(group_home, "team", LINUS, NEW, NEWER, now=left_at, kdf=cheap_kdf)
    assert gone.partners.still_together == ["mei@example.org", "tomas@example.org"]
    assert gone.partners.pairs == [["mei@example.org", "tomas@example.org"]]  # trio -> pair

    before = len(smtp_server.handler.messages)
    run_until(group_home, left_at, datetime(2026, 11, 18, tzinfo=UTC))
    after = received(smtp_server, before)
    # the leavers hear once more: session 2 (still ahead) is taken out of their calendars
    assert sorted(x for x in after if x[0] in (ADA, LINUS)) == [
        (ADA, ("cancellation", 0)),
        (LINUS, ("cancellation", 0)),
    ]
    assert not [x for x in after if x[0] not in (ADA, LINUS) and x[1][0] == "cancellation"]
    assert {(GRACE, ("weekly", 3)), (GRACE, ("weekly", 4)), (GRACE, ("reminder", 0))} <= set(after)
    record = ledger(group_home).messages[f"ack-0123456789abcdef:2:{ADA}"]
    assert (record.state, record.error) == ("skipped", "member left the group")

    with pytest.raises(WrongPassphrase):
        unlock(group_home, "team", OLD)
    with pytest.raises(WrongPassphrase):
        unlock(group_home, "team", NEW)
    vault = GroupVault(group_home, unlock(group_home, "team", NEWER))
    assert [vault.open_item(i).text for i in vault.items()] == ["said before anyone left"]
    assert [d.email for d in vault.departures()] == [ADA, LINUS]
    assert vault.current_pairs() == [["mei@example.org", "tomas@example.org"]]
    assert len(vault.members()) == 3
    vault.close()


def test_remove_refuses_a_stranger_and_the_same_passphrase_changing_nothing(
    group_home,
    cheap_kdf,
):
    with pytest.raises(MembershipError, match=r"'zoe@example\.org' is not a member of 'team'"):
        remove_member(group_home, "team", "zoe@example.org", OLD, NEW, kdf=cheap_kdf)
    with pytest.raises(MembershipError, match="which Ada Lovelace knows"):
        remove_member(group_home, "team", ADA, OLD, OLD, kdf=cheap_kdf)
    with pytest.raises(WrongPassphrase):
        remove_member(group_home, "team", ADA, "wrong passphrase", NEW, kdf=cheap_kdf)
    unlock(group_home, "team", OLD)
    vault = open_for_operations(group_home, "team")
    assert len(vault.members()) == 5
    vault.close()


def test_newcomer_mid_month_gets_a_welcome_and_only_the_weeks_ahead(
    group_home,
    smtp_server,
):
    record_pairs(group_home)
    joined = datetime(2026, 11, 1, 10, tzinfo=UTC)  # after week 2's email, before week 3's
    run_until(group_home, datetime(2026, 10, 20, 12, tzinfo=UTC), joined)
    before = len(smtp_server.handler.messages)
    added = add_member(
        group_home,
        "team",
        Newcomer("Nia Okafor", NIA, "5", timezone="Europe/Berlin"),
        now=joined,
    )
    assert added.partners == [ADA, GRACE]  # the first pair becomes a trio
    run_until(group_home, joined, datetime(2026, 11, 18, tzinfo=UTC), timedelta(hours=1))
    to_nia = [
        (kind, m)
        for m in smtp_server.handler.messages[before:]
        for kind in [kind_of(m.message)]
        if m.rcpt_tos[0] == NIA
    ]
    assert sorted(k for k, _ in to_nia) == [
        ("invitation", 0),  # session 2, the one session still ahead
        ("pairing", 0),
        ("reminder", 0),
        ("weekly", 3),
        ("weekly", 4),
        ("welcome", 0),
    ]
    welcome = next(m for k, m in to_nia if k == ("welcome", 0)).message
    body = " ".join(welcome.get_body(preferencelist=("plain",)).get_content().split())
    assert "You join Ada, Grace, Linus, Mei and Tomás" in body
    assert "Giving feedback" in body
    assert "Session 2 is on Tuesday 17 November 2026 at 15:00 Berlin time" in body
    assert not any(o.encode() in m.data for _k, m in to_nia for o in ZONES if o not in (ADA, GRACE))
    assert welcome["Date"].datetime == joined  # at the first run after joining

    keys = unlock(group_home, "team", OLD)
    controller = open_session(group_home, keys, "2", resume=False)
    assert controller.model.agreed[NIA] is False
    assert "Nia" in "; ".join(controller.model.lobby_problems())
    controller.vault.close()


@pytest.mark.parametrize(
    ("newcomer", "message"),
    [
        (
            Newcomer("Boss Person", "boss@example.org", "5", reports_to=ADA),
            "no reporting lines: Boss Person <boss@example.org> reports to Ada Lovelace",
        ),
        (
            Newcomer("Zoe Quinn", "cto@example.org", "5"),
            "no reporting lines: Ada Lovelace reports to Zoe Quinn <cto@example.org>",
        ),
        (
            Newcomer("Zoe Quinn", "zoe@example.org", "8"),
            "level spread: levels must be at most 1 apart, but Ada Lovelace is level 5 and "
            "Zoe Quinn is level 8",
        ),
        (Newcomer("Ada Again", "ADA@example.org", "5"), "unique email: ada@example.org is already"),
        (Newcomer("Zoe Quinn", "zoe@example.org", "five"), "--level 'five' is not a whole number"),
        (Newcomer("Zoe Quinn", "zoe@example.org", "99"), "--level '99' is outside 1 to 12"),
        (Newcomer("Zoe\x1b[31m", "zoe@example.org", "5"), "--name contains a control character"),
    ],
)
def test_add_member_keeps_the_roster_rules_naming_people(
    group_home,
    newcomer,
    message,
):
    with pytest.raises(MembershipError) as caught:
        add_member(group_home, "team", newcomer)
    assert message in str(caught.value)
    vault = open_for_operations(group_home, "team")
    assert len(vault.members()) == 5
    vault.close()


def test_a_seventh_member_is_refused_naming_the_six(group_home):
    add_member(group_home, "team", Newcomer("Nia Okafor", NIA, "5"))
    with pytest.raises(MembershipError, match=r"group size: .* already has 6 \(Ada Lovelace,"):
        add_member(group_home, "team", Newcomer("Zoe Quinn", "zoe@example.org", "5"))


def test_resume_emails_after_stop_sends_what_is_ahead_and_keeps_skips(
    group_home,
    smtp_server,
):
    record_pairs(group_home)
    ops = load_operations_keys(group_home, "team")
    with Ledger.locked(group_home, ops) as book:
        book.set_member(GRACE, at="2026-10-20T12:00:00+00:00", opted_out=True)
        book.save()
    resumed_at = datetime(2026, 10, 29, tzinfo=UTC)
    run_until(group_home, datetime(2026, 10, 20, 12, tzinfo=UTC), resumed_at)
    assert not [x for x in received(smtp_server) if x[0] == GRACE]
    result = resume_emails(group_home, "team", GRACE, resumed_at, ScheduleSettings())
    assert result.was_stopped
    assert result.skipped_while_stopped == 3  # pairing, weeks 1 and 2
    again = resume_emails(group_home, "team", GRACE, resumed_at, ScheduleSettings())
    assert not again.was_stopped
    before = len(smtp_server.handler.messages)
    run_until(group_home, resumed_at, datetime(2026, 11, 18, tzinfo=UTC))
    to_grace = sorted(k for e, k in received(smtp_server, before) if e == GRACE)
    assert to_grace == [("partner_check", 2), ("reminder", 0), ("weekly", 3), ("weekly", 4)]
    assert ledger(group_home).messages[f"weekly:1:{GRACE}"].state == "skipped"
