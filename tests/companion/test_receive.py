"""The one inbound code path: real client messages end where they should."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from companion.inbound.inbound_message import MAX_TEXT_CHARS
from companion.inbound.outcome import IngestTemporaryError
from companion.outbound.ledger import Ledger
from plg_tui.vault.group import message_hash
from tests.conftest import all_bytes_under

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

ADA = "ada@example.org"
GRACE = "grace@example.org"
NOW = datetime(2026, 12, 8, 18, 45, tzinfo=UTC)  # the fixture's default received time

PLACED_SAMPLES = {
    "gmail_reply.eml": (
        "I finally had the conversation with Sam about the missed deadlines. I used the "
        "situation-behaviour-impact frame and it kept me from lecturing.\n\n"
        "What went well:\n"
        '- I described one concrete meeting instead of "always"\n'
        "- I asked what got in the way before suggesting anything\n\n"
        "Next time I want to pause longer after asking."
    ),
    "outlook_desktop.eml": (
        "Ich habe diese Woche zweimal Feedback gegeben. Beim zweiten Mal habe ich zuerst "
        "gefragt, wie Jürgen selbst die Präsentation sieht – das hat das Gespräch sofort "
        "entspannt.\n\nViele Grüße\nAda"
    ),
    "iphone_reply.eml": (
        "Short one from the train: I held back my opinion in the 1:1 and let Priya finish. "
        "It felt awkward but she came up with the fix herself."
    ),
    "thunderbird_signature.eml": (
        "Two things I noticed this week:\n\n"
        "1. I give feedback faster when I write it down first.\n"
        "2. I still avoid it with people senior to me -- working on that."
    ),
    "html_only_list.eml": (
        "Three things I tried:\n\n1. Ask first\n2. Be specific\n3. Follow up\n\n"
        "The follow-up is where I usually drop the ball."
    ),
    "with_attachment.eml": (
        "My notes from the feedback conversation are in the attached PDF; the short\n"
        "version: it went better than I feared.\n\n[1 attachment was not stored.]"
    ),
    "no_message_id.eml": "A reply from an old client that sets no Message-ID.",
}


@pytest.mark.parametrize("name", sorted(PLACED_SAMPLES))
def test_a_reply_from_a_real_client_lands_cleaned_and_sealed(inbound: Inbound, name: str) -> None:
    outcome = inbound.ingester().receive(inbound.render(name, crlf=name.startswith("outlook")))
    assert (outcome.action, outcome.slug, outcome.member, outcome.week) == (
        "placed",
        "team",
        ADA,
        2,
    )
    [entry] = inbound.entries()
    assert entry["member"] == ADA
    assert entry["week"] == 2
    assert entry["received"] == NOW.isoformat(timespec="seconds")
    assert entry["attachments"] == (1 if name == "with_attachment.eml" else 0)
    assert "sealed" in entry
    assert "text" not in entry
    assert inbound.texts() == [PLACED_SAMPLES[name]]
    assert inbound.quarantine() == []


def test_the_entry_records_the_hash_of_the_source_message_id(inbound: Inbound) -> None:
    inbound.ingester().receive(inbound.render("gmail_reply.eml"))
    [entry] = inbound.entries()
    assert entry["message_hash"] == message_hash("<CAHx3kq5B1vP0oTm9bq2+ZfW8xQ@mail.gmail.com>")
    # the id binds group and member as well (see test_sources: two members, one Message-ID)
    assert entry["id"] != entry["message_hash"]


def test_a_message_id_taken_by_a_stranger_cannot_push_a_quarantined_message_out(
    inbound: Inbound,
) -> None:
    """Quarantined items are named by their bytes: a forged message that copies another's
    Message-ID is kept beside it, never in its place (the original is deleted once stored)."""
    forged = inbound.render("gmail_reply.eml", token=inbound.forged_token())
    forged = forged.replace(b"Sam", b"Bob")
    genuine_without_token = inbound.render("gmail_reply.eml", sender=GRACE)
    ingester = inbound.ingester()
    assert ingester.receive(forged).action == "quarantined"
    assert ingester.receive(genuine_without_token).action == "quarantined"
    assert len(inbound.quarantine()) == 2
    # the same bytes read again (a run that died before deleting) are one item
    assert ingester.receive(forged).action == "quarantined"
    assert len(inbound.quarantine()) == 2


def test_the_companion_cannot_read_an_entry_and_no_file_holds_the_text(inbound: Inbound) -> None:
    inbound.ingester().receive(inbound.render("gmail_reply.eml"))
    [entry] = inbound.entries()
    with pytest.raises(PermissionError):
        inbound.keys.open(f"inbox/{entry['id']}", b"x")
    for path, data in all_bytes_under(inbound.home):
        assert b"missed deadlines" not in data, path
        assert "Jürgen".encode() not in data, path


@pytest.mark.parametrize(
    "name", ["exchange_out_of_office.eml", "gmail_vacation.eml", "no_headers_out_of_office.eml"]
)
def test_out_of_office_replies_are_dropped(inbound: Inbound, name: str) -> None:
    outcome = inbound.ingester().receive(inbound.render(name))
    assert outcome.action == "dropped"
    assert inbound.entries() == []
    assert inbound.quarantine() == []


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Precedence", "bulk"),
        ("Precedence", "junk"),
        ("Precedence", "list"),
        ("X-Autoreply", "yes"),
        ("Auto-Submitted", "auto-replied; owner-email=ada@example.org"),
    ],
)
def test_rfc3834_markers_drop_a_message(inbound: Inbound, header: str, value: str) -> None:
    raw = inbound.render("gmail_reply.eml").replace(
        b"MIME-Version: 1.0\n", f"MIME-Version: 1.0\n{header}: {value}\n".encode(), 1
    )
    assert inbound.ingester().receive(raw).action == "dropped"
    assert inbound.entries() == []


def test_auto_submitted_no_is_a_person_writing(inbound: Inbound) -> None:
    raw = inbound.render("gmail_reply.eml").replace(
        b"MIME-Version: 1.0\n", b"MIME-Version: 1.0\nAuto-Submitted: no\n", 1
    )
    assert inbound.ingester().receive(raw).action == "placed"


def test_an_empty_return_path_is_dropped(inbound: Inbound) -> None:
    raw = inbound.render("gmail_reply.eml").replace(
        f"Return-Path: <{ADA}>".encode(), b"Return-Path: <>", 1
    )
    assert inbound.ingester().receive(raw).action == "dropped"


def test_a_bounce_marks_the_member_bouncing(inbound: Inbound) -> None:
    inbound.record_sent()  # the report quotes the Message-ID of our email to Ada
    ingester = inbound.ingester()
    outcome = ingester.receive(inbound.render("postfix_bounce.eml"))
    assert (outcome.action, outcome.member) == ("bounced", ADA)
    ingester.commit()
    ledger = Ledger.read_only(inbound.home, inbound.keys)
    assert ledger.member(ADA).bouncing is True
    assert ledger.member(ADA).bounce_reason == "5.1.1"
    assert not ledger.may_send_to(ADA)
    assert ledger.may_send_to(GRACE)
    assert inbound.entries() == []
    assert inbound.quarantine() == []


def test_a_delay_notice_is_dropped_without_marking_anyone(inbound: Inbound) -> None:
    ingester = inbound.ingester()
    assert ingester.receive(inbound.render("postfix_delayed.eml")).action == "dropped"
    ingester.commit()
    assert Ledger.read_only(inbound.home, inbound.keys).may_send_to(ADA)


def test_a_bounce_naming_another_recipient_marks_nobody(inbound: Inbound) -> None:
    inbound.record_sent()
    raw = inbound.render("postfix_bounce.eml").replace(
        f"Final-Recipient: rfc822; {ADA}".encode(), b"Final-Recipient: rfc822; x@elsewhere.test"
    )
    ingester = inbound.ingester()
    assert ingester.receive(raw).action == "dropped"
    ingester.commit()
    assert Ledger.read_only(inbound.home, inbound.keys).may_send_to(ADA)


@pytest.mark.parametrize("name", ["stop_reply.eml", "list_unsubscribe.eml"])
def test_stop_pauses_the_member_and_queues_one_confirmation(inbound: Inbound, name: str) -> None:
    ingester = inbound.ingester()
    outcome = ingester.receive(inbound.render(name))
    assert (outcome.action, outcome.member) == ("stopped", ADA)
    ingester.commit()
    again = inbound.ingester(now=NOW + timedelta(hours=1))
    again.receive(inbound.render("stop_reply.eml"))
    again.receive(inbound.render("list_unsubscribe.eml"))
    again.commit()
    ledger = Ledger.read_only(inbound.home, inbound.keys)
    assert ledger.member(ADA).opted_out is True
    assert ledger.member(ADA).opted_out_at == NOW.isoformat(timespec="seconds")
    confirmations = [m for m in ledger.messages.values() if m.kind == "stop_confirm"]
    assert [(c.member, c.state) for c in confirmations] == [(ADA, "deferred")]
    assert inbound.entries() == []


def test_a_journal_entry_mentioning_stop_is_an_entry(inbound: Inbound) -> None:
    raw = inbound.render("no_message_id.eml").replace(
        b"A reply from an old client that sets no Message-ID.",
        b"I need to stop interrupting people in meetings.",
    )
    assert inbound.ingester().receive(raw).action == "placed"


def test_a_forged_token_goes_to_quarantine(inbound: Inbound) -> None:
    forged = inbound.forged_token()
    outcome = inbound.ingester().receive(inbound.render("gmail_reply.eml", token=forged))
    assert (outcome.action, outcome.reason) == ("quarantined", "reply token not valid")
    assert inbound.entries() == []
    [item] = inbound.quarantine()
    assert set(item) == {"reason", "date", "sender", "id", "sealed"}
    assert item["reason"] == "reply token not valid"
    assert item["sender"] == ADA
    # sealed like an entry: the group can look at what arrived, the companion cannot
    [text] = inbound.texts("quarantine")
    assert "missed deadlines" in text


def test_a_valid_token_with_another_members_address_goes_to_quarantine(inbound: Inbound) -> None:
    raw = inbound.render("gmail_reply.eml", member=ADA, sender=GRACE)
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.reason) == ("quarantined", "sender is not the member")
    assert inbound.entries() == []
    assert inbound.quarantine()[0]["sender"] == GRACE


def test_the_from_address_matches_case_insensitively(inbound: Inbound) -> None:
    raw = inbound.render("gmail_reply.eml", sender="Ada@Example.ORG")
    assert inbound.ingester().receive(raw).action == "placed"


def test_a_token_of_a_group_that_does_not_exist_is_dropped(inbound: Inbound) -> None:
    token = "nosuch" + inbound.token()[4:]
    raw = inbound.render("gmail_reply.eml", token=token, sender="stranger@elsewhere.test")
    assert inbound.ingester().receive(raw).action == "dropped"


def test_a_member_writing_without_a_token_is_quarantined_a_stranger_dropped(
    inbound: Inbound,
) -> None:
    raw = (
        b"From: Ada <ada@example.org>\nTo: journal@example.org\nSubject: hello\n"
        b"Message-ID: <new-thread-1@example.org>\n\nA fresh email, not a reply.\n"
    )
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.reason) == ("quarantined", "no reply token")
    stranger = raw.replace(b"ada@example.org", b"spam@elsewhere.test").replace(b"-1@", b"-2@")
    assert inbound.ingester().receive(stranger).action == "dropped"


def test_a_dmarc_failure_recorded_by_our_server_quarantines(inbound: Inbound) -> None:
    raw = inbound.render("gmail_reply.eml").replace(b"dmarc=pass", b"dmarc=fail")
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.reason) == ("quarantined", "sender authentication failed")


def test_the_same_message_twice_is_one_entry(inbound: Inbound) -> None:
    raw = inbound.render("gmail_reply.eml")
    first = inbound.ingester().receive(raw)
    # delivered again by another path: other trace headers, same Message-ID
    second = inbound.ingester(now=NOW + timedelta(minutes=5)).receive(b"X-Spam: no\n" + raw)
    assert (first.action, second.action) == ("placed", "duplicate")
    assert len(inbound.entries()) == 1


def test_without_message_id_the_same_content_and_date_is_one_entry(inbound: Inbound) -> None:
    raw = inbound.render("no_message_id.eml")
    actions = [inbound.ingester().receive(raw).action for _ in range(2)]
    later = raw.replace(b"08:00:00", b"08:05:00")
    actions.append(inbound.ingester().receive(later).action)
    assert actions == ["placed", "duplicate", "placed"]
    assert len(inbound.entries()) == 2


def test_two_replies_in_a_week_are_two_entries(inbound: Inbound) -> None:
    ingester = inbound.ingester()
    ingester.receive(inbound.render("gmail_reply.eml"))
    ingester.receive(inbound.render("iphone_reply.eml"))
    assert sorted(e["week"] for e in inbound.entries()) == [2, 2]


def test_a_message_over_one_mebibyte_is_quarantined(inbound: Inbound) -> None:
    raw = inbound.render("with_attachment.eml").replace(
        b"--mixed-boundary-42--", b"X" * (1024 * 1024) + b"\n--mixed-boundary-42--"
    )
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.reason) == ("quarantined", "message larger than 1 MiB")
    assert inbound.entries() == []


def test_a_long_reply_is_capped_with_a_note(inbound: Inbound) -> None:
    long_text = ("This is a long honest paragraph. " * 1000).encode()
    raw = inbound.render("no_message_id.eml").replace(
        b"A reply from an old client that sets no Message-ID.", long_text
    )
    assert inbound.ingester().receive(raw).action == "placed"
    [entry] = inbound.entries()
    [text] = inbound.texts()
    assert entry["truncated"] is True
    assert MAX_TEXT_CHARS < len(text) < MAX_TEXT_CHARS + 200
    assert text.endswith("[The rest of this reply was cut because it was too long.]")


def test_an_empty_reply_is_dropped(inbound: Inbound) -> None:
    raw = inbound.render("stop_reply.eml").replace(b"STOP\n", b"\n")
    assert inbound.ingester().receive(raw).action == "dropped"
    assert inbound.entries() == []


def test_a_reply_to_week_three_is_filed_under_week_three(inbound: Inbound) -> None:
    outcome = inbound.ingester().receive(inbound.render("gmail_reply.eml", week=3))
    assert outcome.week == 3
    assert inbound.entries()[0]["week"] == 3


def test_a_busy_ledger_is_a_temporary_failure_and_keeps_the_entry(inbound: Inbound) -> None:
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with Ledger.locked(inbound.home, inbound.keys):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(5)
        ingester = inbound.ingester(ledger_timeout=0.2)
        ingester.receive(inbound.render("stop_reply.eml"))
        with pytest.raises(IngestTemporaryError, match="busy"):
            ingester.commit()
    finally:
        release.set()
        holder.join()
    # the queued change survives and is applied by the next commit
    ingester.commit()
    assert Ledger.read_only(inbound.home, inbound.keys).member(ADA).opted_out is True


def test_acknowledgements_are_queued_once_per_entry(inbound: Inbound) -> None:
    ingester = inbound.ingester(acknowledge=True)
    raw = inbound.render("gmail_reply.eml")
    ingester.receive(raw)
    ingester.receive(raw)
    ingester.receive(inbound.render("iphone_reply.eml"))
    ingester.commit()
    acks = [
        m for m in Ledger.read_only(inbound.home, inbound.keys).messages.values() if m.kind == "ack"
    ]
    assert sorted((a.member, a.week, a.state) for a in acks) == [
        (ADA, 2, "deferred"),
        (ADA, 2, "deferred"),
    ]


def test_no_acknowledgement_for_a_member_who_paused_emails(inbound: Inbound) -> None:
    ingester = inbound.ingester(acknowledge=True)
    ingester.receive(inbound.render("stop_reply.eml"))
    ingester.commit()
    ingester.receive(inbound.render("gmail_reply.eml"))
    ingester.commit()
    kinds = [m.kind for m in Ledger.read_only(inbound.home, inbound.keys).messages.values()]
    assert kinds == ["stop_confirm"]
    assert len(inbound.entries()) == 1


def test_a_read_receipt_is_dropped(inbound: Inbound) -> None:
    raw = (
        f"From: Ada <{ADA}>\nTo: journal+{inbound.token()}@example.org\n"
        "Subject: Read: Week 2 of your practice month\nMessage-ID: <mdn-1@example.org>\n"
        "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=disposition-notification;"
        ' boundary="b"\n\n--b\nContent-Type: text/plain\n\nYour message was read.\n'
        "--b\nContent-Type: message/disposition-notification\n\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\n--b--\n"
    ).encode()
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.reason) == ("dropped", "delivery or read report")
    assert inbound.entries() == []
