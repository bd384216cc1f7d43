"""A reply that holds only the quoted email is no journal entry: the member is told."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from companion.inbound.notices import build_notice
from companion.inbound.routing import GroupDirectory
from companion.outbound.ledger import Ledger
from companion.settings import load_email_settings

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

ADA = "ada@example.org"


def _notices(inbound: Inbound) -> list[tuple[str, str, int, str]]:
    ledger = Ledger.read_only(inbound.home, inbound.keys)
    return sorted((m.kind, m.member, m.week, m.state) for m in ledger.messages.values())


def test_a_quote_only_reply_stores_nothing_and_queues_a_no_new_text_notice(
    inbound: Inbound,
) -> None:
    ingester = inbound.ingester(acknowledge=True)
    raw = inbound.render("only_quote_reply.eml")
    outcome = ingester.receive(raw)
    ingester.receive(raw)  # the same reply again: still one notice
    ingester.commit()
    assert (outcome.action, outcome.reason) == ("dropped", "empty reply")
    assert inbound.entries() == []
    assert _notices(inbound) == [("no_text", ADA, 2, "deferred")]


def test_each_quote_only_reply_gets_its_own_notice_and_entries_still_get_acks(
    inbound: Inbound,
) -> None:
    ingester = inbound.ingester(acknowledge=True)
    ingester.receive(inbound.render("only_quote_reply.eml"))
    ingester.receive(inbound.render("only_quote_reply.eml", week=3))
    ingester.receive(inbound.render("gmail_reply.eml"))
    ingester.commit()
    assert _notices(inbound) == [
        ("ack", ADA, 2, "deferred"),
        ("no_text", ADA, 2, "deferred"),
        ("no_text", ADA, 3, "deferred"),
    ]


def test_no_notice_for_a_member_who_paused_emails(inbound: Inbound) -> None:
    ingester = inbound.ingester(acknowledge=True)
    ingester.receive(inbound.render("stop_reply.eml"))
    ingester.commit()
    ingester.receive(inbound.render("only_quote_reply.eml"))
    ingester.commit()
    assert [kind for kind, *_ in _notices(inbound)] == ["stop_confirm"]


def test_the_notice_says_no_new_text_was_found(inbound: Inbound) -> None:
    ingester = inbound.ingester(acknowledge=True)
    ingester.receive(inbound.render("only_quote_reply.eml"))
    ingester.commit()
    (record,) = Ledger.read_only(inbound.home, inbound.keys).messages.values()
    group = GroupDirectory(inbound.home, lambda line: None).group(inbound.keys.slug)
    assert group is not None
    email = load_email_settings(
        {"email": {"from": "Peer Learning <plg@example.org>", "reply_to": "journal@example.org"}}
    )
    message = build_notice(group, record, email, datetime(2026, 12, 8, 19, tzinfo=UTC)).as_email()
    assert message["To"].addresses[0].addr_spec == ADA
    assert "no new text" in str(message["Subject"])
    body = message.get_body(("plain",))
    assert body is not None
    assert "We found no new text in your reply" in body.get_content()
