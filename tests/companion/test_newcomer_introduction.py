"""A newcomer joins a pair mid-month (issue 14, "Partners actually meet"): the partners they
join get the new pairing's introduction too, as one email with the newcomer's copy; nobody
else hears again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import getaddresses
from zoneinfo import ZoneInfo

from plg_tui.core.newcomer import Newcomer, add_member
from tests.companion.team_month import PAIRS, ZONES, ledger, record_pairs, run_at

ADA, GRACE, NIA = "ada@example.org", "grace@example.org", "nia@example.org"


def introductions(server, since: int):
    return [
        m
        for m in server.handler.messages[since:]
        if "practice partner" in str(m.message["Subject"])
    ]


def run_hourly(home, start: datetime, end: datetime) -> None:
    now = start
    while now < end:
        assert run_at(home, now).exit_code == 0
        now += timedelta(hours=1)


def test_partners_a_newcomer_joins_get_the_new_introduction_once(group_home, smtp_server):
    record_pairs(group_home)
    joined = datetime(2026, 11, 1, 10, tzinfo=UTC)  # after week 2's email
    run_hourly(group_home, datetime(2026, 10, 20, 12, tzinfo=UTC), joined)
    first = {m.rcpt_tos[0]: m.message for m in introductions(smtp_server, 0)}
    assert sorted(first) == sorted(ZONES)  # everyone had theirs
    before = len(smtp_server.handler.messages)

    added = add_member(
        group_home, "team", Newcomer("Nia Okafor", NIA, "5", timezone="Asia/Tokyo"), now=joined
    )
    assert added.partners == [ADA, GRACE]
    run_hourly(group_home, joined, datetime(2026, 11, 4, tzinfo=UTC))

    copies = introductions(smtp_server, before)
    # the trio hears once each; the other pair's introduction is unchanged, so it is not resent
    assert sorted(m.rcpt_tos[0] for m in copies) == [ADA, GRACE, NIA]
    trio = {ADA: "Ada Lovelace", GRACE: "Grace Hopper", NIA: "Nia Okafor"}
    assert len({m.message["Message-ID"] for m in copies}) == 1  # one email to the trio
    assert copies[0].message["Message-ID"] != first[ADA]["Message-ID"]  # a new pairing
    for copy in copies:
        to = sorted(address for _name, address in getaddresses([str(copy.message["To"])]))
        assert to == sorted(trio)
        reply_to = {a for _n, a in getaddresses([str(copy.message["Reply-To"])])}
        assert reply_to == set(trio) - set(copy.rcpt_tos)
        body = copy.message.get_body(preferencelist=("plain",)).get_content()
        assert all(name.split()[0] in body for name in trio.values())
        zone = ZoneInfo(ZONES.get(copy.rcpt_tos[0], "Asia/Tokyo"))
        sent = copy.message["Date"].datetime
        assert sent >= joined
        assert 8 <= sent.astimezone(zone).hour < 20  # the recipient's allowed hours

    book = ledger(group_home).messages
    for member in (ADA, GRACE):
        keys = [k for k, r in book.items() if r.kind == "pairing" and r.member == member]
        assert len(keys) == 2
        assert all(book[k].state == "sent" for k in keys)
    assert PAIRS[1][0] not in {m.rcpt_tos[0] for m in copies}
