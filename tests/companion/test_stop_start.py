"""STOP means stop, START resumes (issue 14): the phrasings members use, in English and German,
at the start of the cleaned reply; the STOP address wins over the automatic-reply filter;
the confirmation says how to resume; and STOP pauses practice emails, not the meeting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion.inbound.member_requests import MemberRequest, member_request
from plg_tui.core.group_lifecycle import apply_reschedule, end_group, plan_reschedule
from plg_tui.core.groups import open_for_operations
from plg_tui.vocabulary import SessionKind
from tests.companion.team_month import ledger, record_pairs, run_at
from tests.companion.test_every_email import ADA, ingest, reply

STOP, START = MemberRequest.STOP, MemberRequest.START
WEEK1 = datetime(2026, 10, 21, 8, tzinfo=UTC)  # Ada's (Berlin) week 1 went at 07:00 UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stop", STOP),
        ("STOP", STOP),
        ("Stop.", STOP),
        ("Stop!\n\nSent from my iPhone", STOP),
        ("unsubscribe", STOP),
        ("Unsubscribe me from these emails, thanks", STOP),
        ("Please stop sending me these.", STOP),
        ("please stop sending me these emails", STOP),
        ("Stop sending me emails", STOP),
        ("No more emails", STOP),
        ("no more emails please", STOP),
        ("I don't want these emails anymore.", STOP),
        ("remove me", STOP),
        ("Remove me from this list.", STOP),
        ("opt out", STOP),
        ("Hi,\nplease unsubscribe me\n\nthanks, Ada", STOP),
        ("abmelden", STOP),
        ("Bitte abmelden.", STOP),
        ("Bitte keine E-Mails mehr", STOP),
        ("bitte keine E-Mails mehr!", STOP),
        ("austragen", STOP),
        ("Hallo Team,\nbitte austragen. Danke", STOP),
        ("Ich möchte mich abmelden", STOP),
        ("Stopp", STOP),
        ("désabonner", STOP),
        ("START", START),
        ("start", START),
        ("Start again, please", START),
        ("resume", START),
        ("subscribe me again", START),
        ("Bitte wieder anmelden", START),
        # a journal entry that mentions stopping is an entry
        ("Stop me if I'm wrong, but this week I tried asking first.", None),
        ("I want to stop interrupting people in meetings.", None),
        ("Stopped by my manager's desk today and asked for feedback.", None),
        ("Don't stop the prompts, they help.", None),
        ("This week I learned to stop and listen. No more emails to the team at night!", None),
        ("Starting this week I will ask more questions.", None),
        ("Unsubscribing from my bad habits is hard.", None),
        ("", None),
    ],
)
def test_stop_and_start_phrasings(text: str, expected: MemberRequest | None) -> None:
    assert member_request(text) == expected


def test_a_stop_hidden_in_a_long_first_sentence_or_huge_text_is_not_a_request() -> None:
    assert member_request("stop " * 100) is None
    assert member_request("x" * (1 << 20)) is None
    assert member_request("\x1b[31mstop\x1b[0m") is None  # escape sequences are not words


def weekly_to_ada(home: Path, smtp_server):
    record_pairs(home)
    assert run_at(home, WEEK1).exit_code == 0
    return next(
        m
        for m in smtp_server.handler.parsed()
        if str(m["Subject"]).startswith("Week") and ADA in str(m["To"])
    )


def test_a_german_stop_pauses_and_the_confirmation_says_how_to_resume(group_home, smtp_server):
    weekly = weekly_to_ada(group_home, smtp_server)
    smtp_server.handler.messages.clear()
    assert ingest(group_home, reply(weekly, "Bitte keine E-Mails mehr", at=WEEK1), smtp_server) == (
        "stopped"
    )
    assert ledger(group_home).member(ADA).opted_out
    [confirmation] = smtp_server.handler.parsed()
    body = " ".join(confirmation.get_body(("plain",)).get_content().split())
    assert "Reply START" in body
    assert "plg-companion resume-emails" in body


def test_start_resumes_and_is_confirmed_and_a_later_stop_is_confirmed_again(
    group_home, smtp_server
):
    weekly = weekly_to_ada(group_home, smtp_server)
    smtp_server.handler.messages.clear()
    for text, action, opted_out in (
        ("STOP", "stopped", True),
        ("Start", "started", False),
        ("unsubscribe", "stopped", True),
    ):
        assert ingest(group_home, reply(weekly, text, at=WEEK1), smtp_server) == action
        assert ledger(group_home).member(ADA).opted_out is opted_out
    subjects = [str(m["Subject"]).split(":")[0] for m in smtp_server.handler.parsed()]
    assert subjects == ["Paused", "Resumed", "Paused"]
    assert not [e for e in ledger(group_home).messages.values() if e.kind == "ack"]  # no entries


def test_a_second_stop_is_not_confirmed_twice(group_home, smtp_server):
    weekly = weekly_to_ada(group_home, smtp_server)
    smtp_server.handler.messages.clear()
    for text in ("STOP", "no more emails"):
        assert ingest(group_home, reply(weekly, text, at=WEEK1), smtp_server) == "stopped"
    assert len(smtp_server.handler.messages) == 1


def test_the_stop_address_wins_over_the_automatic_reply_filter(group_home, smtp_server):
    weekly = weekly_to_ada(group_home, smtp_server)
    unsubscribe = str(weekly["List-Unsubscribe"]).split("<mailto:", 1)[1].split("?", 1)[0]
    # what a mail client's unsubscribe button sends: automatic-looking, to the STOP address
    raw = (
        f"From: {ADA}\r\nTo: {unsubscribe}\r\nSubject: STOP\r\n"
        "Auto-Submitted: auto-generated\r\nPrecedence: bulk\r\n"
        "Message-ID: <one-click@mail.example.net>\r\nDate: Wed, 21 Oct 2026 08:00:00 +0000\r\n"
        "\r\nThis message was automatically generated by Gmail.\r\n"
    ).encode()
    assert ingest(group_home, raw, smtp_server) == "stopped"
    assert ledger(group_home).member(ADA).opted_out
    # the same automatic message to the journal address is still dropped
    other = raw.replace(unsubscribe.encode(), str(weekly["Reply-To"]).encode())
    other = other.replace(b"one-click", b"two-click")
    assert ingest(group_home, other, smtp_server) == "dropped"


def test_stop_pauses_practice_emails_not_the_meeting(group_home, smtp_server):
    weekly = weekly_to_ada(group_home, smtp_server)
    assert ingest(group_home, reply(weekly, "STOP", at=WEEK1), smtp_server) == "stopped"
    smtp_server.handler.messages.clear()
    # week 2 is skipped; the session-2 reminder (Monday 16 November, 09:00 Berlin) still goes
    for now in (datetime(2026, 10, 28, 8, tzinfo=UTC), datetime(2026, 11, 16, 8, tzinfo=UTC)):
        run_at(group_home, now)
    to_ada = [str(m["Subject"]) for m in smtp_server.handler.parsed() if ADA in str(m["To"])]
    assert len(to_ada) == 1
    assert ledger(group_home).messages["reminder:0:" + ADA].state == "sent"
    assert ledger(group_home).messages["weekly:2:" + ADA].error == "opted out"
    # moving session 2 sends her the updated invitation, ending the group its cancellation
    moved_at = datetime(2026, 11, 16, 9, tzinfo=UTC)
    vault = open_for_operations(group_home, "team")
    vault.update_info(session1_held=True)
    change = plan_reschedule(vault.info(), {SessionKind.TWO: "2026-11-18T15:00"}, None, moved_at)
    apply_reschedule(vault, change)
    vault.close()
    run_at(group_home, moved_at)
    vault = open_for_operations(group_home, "team")
    end_group(vault, moved_at)
    vault.close()
    run_at(group_home, moved_at.replace(hour=10))
    after = [str(m["Subject"]) for m in smtp_server.handler.parsed() if ADA in str(m["To"])][1:]
    assert [subject.split(":")[0] for subject in after] == ["Updated invitation", "Cancelled"]


def test_the_one_click_url_token_unsubscribes_through_the_command(group_home, smtp_server, capsys):
    from companion.cli import main

    toml = (group_home / "plg.toml").read_text()
    url = "https://plg.example.org/unsubscribe"
    (group_home / "plg.toml").write_text(
        toml.replace("[email]\n", f'[email]\nunsubscribe_url = "{url}"\n', 1)
    )
    weekly = weekly_to_ada(group_home, smtp_server)
    smtp_server.handler.messages.clear()
    link = str(weekly["List-Unsubscribe"]).split(f"<{url}?token=", 1)[1].split(">", 1)[0]
    args = ["--home", str(group_home), "unsubscribe", "--now", WEEK1.isoformat()]
    assert main([*args, link]) == 0
    assert "team: stopped" in capsys.readouterr().out
    assert ledger(group_home).member(ADA).opted_out
    assert [str(m["Subject"]).split(":")[0] for m in smtp_server.handler.parsed()] == ["Paused"]
    assert main([*args, link]) == 0  # clicked twice: one confirmation
    assert len(smtp_server.handler.messages) == 1
    forged = link[:-1] + ("0" if link[-1] != "0" else "1")
    assert main([*args, forged]) == 1
    assert main([*args, "../../etc/passwd"]) == 1
