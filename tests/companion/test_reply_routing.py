"""Issue 9 item 8: tokens only in Reply-To, expiring; replies found by thread; bounces believed
only when they quote a Message-ID we sent to that recipient at our bounce address; DMARC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from companion.inbound.ingester import Ingester
from companion.outbound.ledger import Ledger
from companion.tokens import bounce_token, find_tokens, plus_address
from plg_tui.vault.keys import load_operations_keys
from tests.companion.team_month import ledger, record_pairs, run_at

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

ADA = "ada@example.org"
GRACE = "grace@example.org"
NOW = datetime(2026, 12, 8, 18, 45, tzinfo=UTC)
AFTER_WINDOW = datetime(2027, 1, 29, 0, 5, tzinfo=UTC)  # session 2 (29 Dec) + 30 days, passed


def without_token(raw: bytes, token: str) -> bytes:
    """The reply as a client that answered our From address sends it: no token anywhere."""
    return raw.replace(f"journal+{token}@".encode(), b"plg@")


def ledger_state(inbound: Inbound) -> tuple[dict, dict]:
    read = Ledger.read_only(inbound.home, inbound.keys)
    return read.members, read.messages


# -- replies without a token ------------------------------------------------------------------
def test_a_reply_with_only_in_reply_to_routes_to_the_member_and_week(inbound: Inbound) -> None:
    inbound.record_sent(ADA, 3)
    inbound.record_sent(GRACE, 3)
    raw = without_token(inbound.render("gmail_reply.eml", week=3), inbound.token(ADA, 3))
    raw = raw.replace(f"References: <{inbound.message_id(ADA, 3)}>\n".encode(), b"")
    assert find_tokens(raw.decode()) == []
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.member, outcome.week) == ("placed", ADA, 3)
    assert "missed deadlines" in inbound.texts()[0]


def test_a_reply_found_by_references_alone_is_placed(inbound: Inbound) -> None:
    inbound.record_sent(ADA, 4)
    ours = inbound.message_id(ADA, 4)
    raw = without_token(inbound.render("gmail_reply.eml", week=4), inbound.token(ADA, 4))
    raw = raw.replace(f"In-Reply-To: <{ours}>\n".encode(), b"").replace(
        f"References: <{ours}>".encode(), f"References: <older@x.test> <{ours}>".encode()
    )
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.member, outcome.week) == ("placed", ADA, 4)


def test_a_thread_reply_from_someone_else_is_quarantined(inbound: Inbound) -> None:
    inbound.record_sent(ADA, 2)
    raw = without_token(inbound.render("gmail_reply.eml", sender=GRACE), inbound.token())
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.reason) == ("quarantined", "sender is not the member")
    assert inbound.entries() == []


def test_a_reply_to_a_message_id_we_never_sent_is_not_placed(inbound: Inbound) -> None:
    raw = without_token(inbound.render("gmail_reply.eml"), inbound.token())
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.reason) == ("quarantined", "no reply token")


def test_a_damaged_ledger_of_another_group_does_not_stop_thread_routing(
    inbound: Inbound, make_group
) -> None:
    make_group("other").close()
    (inbound.home / "groups" / "other" / "ledger.db").write_bytes(b"not a ledger")
    inbound.record_sent(ADA, 2)
    raw = without_token(inbound.render("gmail_reply.eml"), inbound.token())
    lines: list[str] = []
    outcome = inbound.ingester(log=lines.append).receive(raw)
    assert (outcome.action, outcome.slug, outcome.member) == ("placed", "team", ADA)
    assert any("'other'" in line for line in lines), lines


# -- expiry -----------------------------------------------------------------------------------
def test_an_expired_token_is_refused_and_the_reply_kept_in_quarantine(inbound: Inbound) -> None:
    raw = inbound.render("gmail_reply.eml")
    on_last_day = inbound.ingester(now=AFTER_WINDOW - timedelta(minutes=10)).receive(raw)
    assert on_last_day.action == "placed"
    late = raw.replace(b"<CAHx3kq5B1vP0oTm9bq2", b"<late-CAHx3kq5B1vP0oTm9bq2")
    outcome = inbound.ingester(now=AFTER_WINDOW).receive(late)
    assert (outcome.action, outcome.reason) == ("quarantined", "reply window has closed")
    assert len(inbound.entries()) == 1  # only the one on time
    [kept] = inbound.texts("quarantine")
    assert "missed deadlines" in kept  # nothing is lost: the group can still read it


def test_a_token_from_an_earlier_cycle_is_expired_even_for_the_same_week(inbound: Inbound) -> None:
    old = inbound.token(ADA, 2, until=date(2026, 11, 30))
    outcome = inbound.ingester().receive(inbound.render("gmail_reply.eml", token=old))
    assert (outcome.action, outcome.reason) == ("quarantined", "reply window has closed")


def test_a_thread_reply_after_the_window_is_refused(inbound: Inbound) -> None:
    inbound.record_sent(ADA, 2, until=NOW.date() - timedelta(days=1))
    raw = without_token(inbound.render("gmail_reply.eml"), inbound.token())
    outcome = inbound.ingester().receive(raw)
    assert (outcome.action, outcome.reason) == ("quarantined", "reply window has closed")


def test_unsubscribing_works_after_the_window(inbound: Inbound) -> None:
    outcome = inbound.ingester(now=AFTER_WINDOW).receive(inbound.render("list_unsubscribe.eml"))
    assert (outcome.action, outcome.member) == ("stopped", ADA)


# -- bounces ----------------------------------------------------------------------------------
def test_a_valid_bounce_still_marks_the_member(inbound: Inbound) -> None:
    inbound.record_sent(ADA, 2)
    ingester = inbound.ingester()
    outcome = ingester.receive(inbound.render("postfix_bounce.eml"))
    assert (outcome.action, outcome.member, outcome.reason) == ("bounced", ADA, "delivery failed")
    ingester.commit()
    assert Ledger.read_only(inbound.home, inbound.keys).member(ADA).bouncing is True


def test_a_bounce_quoting_the_whole_original_message_is_believed(inbound: Inbound) -> None:
    inbound.record_sent(ADA, 2)
    raw = inbound.render("postfix_bounce.eml").replace(
        b"Content-Type: text/rfc822-headers", b"Content-Type: message/rfc822"
    )
    assert inbound.ingester().receive(raw).action == "bounced"


def forged_bounces(inbound: Inbound) -> dict[str, bytes]:
    genuine = inbound.render("postfix_bounce.eml")
    ada_id = inbound.message_id(ADA, 2).encode()
    return {
        # quotes our real token in the Reply-To (all a member's forward shows) but an unknown id
        "unknown message": genuine.replace(ada_id, b"guessed-123@example.org"),
        # the Message-ID of our email to Grace, reported as Ada's failure
        "other recipient": genuine.replace(ada_id, inbound.message_id(GRACE, 2).encode()),
        # sent to the journal address, not the envelope sender our mail went out with
        "wrong address": genuine.replace(
            b"To: plg@example.org", b"To: journal@example.org"
        ).replace(b"Delivered-To: plg@example.org", b"Delivered-To: journal@example.org"),
    }


def test_a_forged_bounce_changes_nothing(inbound: Inbound) -> None:
    inbound.record_sent(ADA, 2)
    inbound.record_sent(GRACE, 2)
    before = ledger_state(inbound)
    reasons = {}
    for what, raw in forged_bounces(inbound).items():
        ingester = inbound.ingester()
        outcome = ingester.receive(raw)
        ingester.commit()
        reasons[what] = (outcome.action, outcome.reason)
    assert reasons == {
        "unknown message": ("dropped", "bounce for no message we sent"),
        "other recipient": ("dropped", "bounce recipient is not the member"),
        "wrong address": ("dropped", "bounce did not arrive at the bounce address"),
    }
    assert ledger_state(inbound) == before
    read = Ledger.read_only(inbound.home, inbound.keys)
    assert read.may_send_to(ADA)
    assert read.may_send_to(GRACE)


# -- DMARC ------------------------------------------------------------------------------------
def test_a_dmarc_failure_quarantines_a_reply_found_by_thread(inbound: Inbound) -> None:
    inbound.record_sent(ADA, 2)
    raw = without_token(inbound.render("gmail_reply.eml"), inbound.token())
    outcome = inbound.ingester().receive(raw.replace(b"dmarc=pass", b"dmarc=fail"))
    assert (outcome.action, outcome.reason) == ("quarantined", "sender authentication failed")
    assert inbound.entries() == []


def test_only_the_topmost_authentication_results_counts(inbound: Inbound) -> None:
    raw = inbound.render("gmail_reply.eml")
    # a sender can add headers below ours, never above: theirs are not believed either way
    below = raw.replace(
        b"MIME-Version: 1.0",
        b"Authentication-Results: mx.example.org; dmarc=fail header.from=example.org\n"
        b"MIME-Version: 1.0",
        1,
    )
    assert inbound.ingester().receive(below).action == "placed"
    commented = raw.replace(b"dmarc=pass", b"dmarc=fail (p=reject) dkim=pass", 1)
    assert inbound.ingester().receive(commented).reason == "sender authentication failed"
    in_comment = raw.replace(b"dmarc=pass", b"dmarc=pass (upstream said dmarc=fail)", 1)
    in_comment = in_comment.replace(b"<CAHx3kq5", b"<other-CAHx3kq5")
    assert inbound.ingester().receive(in_comment).action == "placed"
    nested = raw.replace(b"dmarc=pass", b"dmarc=pass (x (y) dmarc=fail)", 1)
    nested = nested.replace(b"<CAHx3kq5", b"<nested-CAHx3kq5")
    assert inbound.ingester().receive(nested).action == "placed"


# -- sending and receiving together -----------------------------------------------------------
def test_what_we_send_is_found_again_by_its_message_id(group_home: Path, smtp_server) -> None:
    record_pairs(group_home)
    run_at(group_home, datetime(2026, 10, 28, 12, tzinfo=UTC))
    sent = [m for m in smtp_server.handler.parsed() if str(m["Subject"]).startswith("Week 2")]
    original = next(m for m in sent if "ada@example.org" in str(m["To"]))
    assert find_tokens(str(original["Message-ID"])) == []
    record = next(
        r for r in ledger(group_home).messages.values() if r.message_id == original["Message-ID"]
    )
    # session 2 is 17 November 2026: replies until 30 days after it
    # the envelope sender is the message's own bounce address on the reply domain (VERP)
    keys = load_operations_keys(group_home, "team")
    verp = plus_address("journal@example.org", bounce_token(keys, record.message_id))
    assert (record.reply_until, record.return_path) == ("2026-12-17", verp)
    reply = (
        f"From: Ada <ada@example.org>\nTo: plg@example.org\nSubject: Re: week 2\n"
        f"Message-ID: <r1@example.org>\nIn-Reply-To: {original['Message-ID']}\n\n"
        "I tried the feedback frame twice this week.\n"
    ).encode()
    at = datetime(2026, 10, 29, 8, tzinfo=UTC)
    outcome = Ingester(group_home, now=at, acknowledge=False, log=lambda line: None).receive(reply)
    assert (outcome.action, outcome.member, outcome.week) == ("placed", ADA, 2)


def test_an_answer_to_an_invitation_is_never_placed_as_a_journal_entry(
    fresh_group_home: Path,
    smtp_server,
) -> None:
    run_at(fresh_group_home, datetime(2026, 10, 18, 6, tzinfo=UTC))
    invitation = next(
        m
        for m in smtp_server.handler.parsed()
        if str(m["Subject"]).startswith("Invitation") and "ada@example.org" in str(m["To"])
    )
    reply = (
        f"From: Ada <ada@example.org>\nTo: plg@example.org\nSubject: Accepted: session 1\n"
        f"Message-ID: <r2@example.org>\nIn-Reply-To: {invitation['Message-ID']}\n\n"
        "I will be there; here is what I think of my manager.\n"
    ).encode()
    at = datetime(2026, 10, 18, 8, tzinfo=UTC)
    ingester = Ingester(fresh_group_home, now=at, acknowledge=False, log=lambda line: None)
    assert ingester.receive(reply).action != "placed"
