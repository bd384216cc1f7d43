"""Issue 14, "partners actually meet": one introduction to the pair or trio (each copy at its
recipient's own hour, through a real SMTP server), replies to it that reach us become a hint
and never a journal entry, and the midway partner check is counted in status and report."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from pathlib import Path

from companion.cli.status import group_status_lines
from companion.inbound.ingester import Ingester
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.schedule import ScheduleSettings
from plg_tui.cli.report_gather import programme_report
from plg_tui.core.modules import load_module
from plg_tui.core.report_csv import render_csv
from plg_tui.core.report_html import render_html
from plg_tui.core.report_text import render_text
from plg_tui.core.settings import load_settings
from plg_tui.vault.keys import load_operations_keys
from plg_tui.vault.paths import DataHome
from tests.companion.list_header_checks import header_problems, raw_header
from tests.companion.team_month import ledger, record_pairs, run_at

ADA, GRACE = "ada@example.org", "grace@example.org"
LINUS, MEI, TOMAS = "linus@example.org", "mei@example.org", "tomas@example.org"
TRIO = {LINUS, MEI, TOMAS}


def run_hourly(home: Path, start: datetime, end: datetime) -> None:
    now = start
    while now < end:
        assert run_at(home, now).exit_code == 0
        now += timedelta(hours=1)


def addresses(message: EmailMessage, header: str) -> set[str]:
    return {addr.lower() for _, addr in getaddresses([str(message[header] or "")])}


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def introductions(smtp_server) -> dict[str, tuple[EmailMessage, datetime]]:
    found = {}
    for received in smtp_server.handler.messages:
        message = received.message
        if "practice partners" in str(message["Subject"]):
            assert len(received.rcpt_tos) == 1  # each copy is delivered to one partner
            found[received.rcpt_tos[0]] = (message, message["Date"].datetime)
    return found


def test_the_trio_gets_one_message_each_copy_at_its_own_allowed_hour(group_home, smtp_server):
    record_pairs(group_home)
    run_hourly(
        group_home, datetime(2026, 10, 20, 15, tzinfo=UTC), datetime(2026, 10, 21, 4, 1, tzinfo=UTC)
    )
    intros = introductions(smtp_server)
    assert set(intros) == {ADA, GRACE, LINUS, MEI, TOMAS}
    trio_ids = {str(intros[m][0]["Message-ID"]) for m in TRIO}
    pair_ids = {str(intros[m][0]["Message-ID"]) for m in (ADA, GRACE)}
    assert len(trio_ids) == 1
    assert len(pair_ids) == 1
    assert trio_ids != pair_ids
    # 17:00 in Berlin and 11:00 in New York on the day; Tokyo's is held to 8:00 next morning
    assert intros[TOMAS][1] == intros[MEI][1] == datetime(2026, 10, 20, 15, tzinfo=UTC)
    assert intros[LINUS][1] == datetime(2026, 10, 20, 23, tzinfo=UTC)
    for member in TRIO:
        message = intros[member][0]
        assert addresses(message, "To") == TRIO
        assert addresses(message, "Reply-To") == TRIO - {member}  # the partners, not us
    # the ledger keeps each copy once, every copy under the one Message-ID
    records = ledger(group_home).messages
    assert {records[f"pairing:0:{m}"].message_id for m in TRIO} == trio_ids
    run_hourly(
        group_home,
        datetime(2026, 10, 21, 4, 1, tzinfo=UTC),
        datetime(2026, 10, 21, 6, 1, tzinfo=UTC),
    )
    assert len(introductions(smtp_server)) == 5


def test_the_introduction_says_who_books_when_to_meet_and_the_first_question(
    group_home, smtp_server
):
    record_pairs(group_home)
    run_hourly(
        group_home,
        datetime(2026, 10, 20, 15, tzinfo=UTC),
        datetime(2026, 10, 21, 13, 1, tzinfo=UTC),
    )
    week1 = load_module("giving-feedback", group_home).weeks[0]
    pair = " ".join(text_of(introductions(smtp_server)[GRACE][0]).split())
    assert pair.startswith("Ada books your first call")  # the preview line comes first
    assert "Hello Ada and Grace," in pair
    assert "Ada books it (the first of you by first name, alphabetically)" in pair
    assert "- Ada: 15:00-17:00 Berlin time - Grace: 9:00-11:00 New York time" in pair
    assert " ".join(week1.checkin.split()) in pair
    assert "America/New_York" not in pair
    assert "Europe/Berlin" not in pair
    trio = " ".join(text_of(introductions(smtp_server)[MEI][0]).split())
    assert "Hello Linus, Mei and Tomás," in trio
    assert "Linus books it" in trio
    assert "do not overlap" in trio
    assert "Tokyo time" in trio
    # week 1's email does not repeat the question the introduction asked
    weekly = [
        r.message
        for r in smtp_server.handler.messages
        if r.rcpt_tos == [GRACE] and str(r.message["Subject"]).startswith("Week 1 of 4")
    ]
    assert len(weekly) == 1
    assert " ".join(week1.checkin.split()) not in " ".join(text_of(weekly[0]).split())


def reply(original: EmailMessage, sender: str, text: str, *, to_sender_address: bool) -> bytes:
    """A member's reply as a mail client writes it: to Reply-To, or (a client that ignores
    it, or a person who picked the wrong address) to our From with the partners in Cc."""
    message = EmailMessage()
    message["From"] = sender
    if to_sender_address:
        message["To"] = str(original["From"])
        message["Cc"] = ", ".join(sorted(addresses(original, "Reply-To")))
    else:
        message["To"] = str(original["Reply-To"])
    message["Subject"] = "Re: " + str(original["Subject"])
    message["Date"] = "Tue, 20 Oct 2026 18:00:00 +0000"
    message["Message-ID"] = make_msgid(domain="mail.example.net")
    message["In-Reply-To"] = str(original["Message-ID"])
    message["References"] = str(original["Message-ID"])
    quoted = "\n".join("> " + line for line in text_of(original).splitlines())
    message.set_content(f"{text}\n\nOn Tue, 20 Oct 2026, Peer Learning wrote:\n{quoted}\n")
    return bytes(message)


def ingest(home: Path, raw: bytes, now: datetime, smtp_server) -> str:
    ingester = Ingester(home, now=now)
    outcome = ingester.receive(raw)
    ingester.commit()
    email = load_outbound_settings(load_settings(home)).email
    ingester.send_notices(email, smtp_server.settings())
    return f"{outcome.action}: {outcome.reason}"


def test_a_reply_to_the_introduction_reaches_the_partner_and_never_the_journal(
    group_home, smtp_server
):
    record_pairs(group_home)
    run_hourly(
        group_home, datetime(2026, 10, 20, 15, tzinfo=UTC), datetime(2026, 10, 20, 16, tzinfo=UTC)
    )
    intro = introductions(smtp_server)[GRACE][0]
    words = "Thursday 16:00 my time works MARKER-INTRO-REPLY"
    # Reply goes to the partner alone: nothing of it reaches the companion
    normal = message_from_bytes(
        reply(intro, GRACE, words, to_sender_address=False), policy=policy.default
    )
    assert addresses(normal, "To") | addresses(normal, "Cc") == {ADA}
    seen = len(smtp_server.handler.messages)
    now = datetime(2026, 10, 20, 18, tzinfo=UTC)
    stray = reply(intro, GRACE, words, to_sender_address=True)
    assert ingest(group_home, stray, now, smtp_server) == (
        "dropped: reply to the partner introduction"
    )
    inbox = DataHome(group_home).group("team").inbox
    assert not inbox.exists() or list(inbox.iterdir()) == []
    hints = smtp_server.handler.messages[seen:]
    assert [h.rcpt_tos for h in hints] == [[GRACE]]
    # built like every other email, and threaded under the stray reply
    keys = load_operations_keys(group_home, "team")
    assert header_problems(hints[0].data, hints[0].mail_from, GRACE, keys) == []
    assert raw_header(hints[0].data, "In-Reply-To") == raw_header(stray, "Message-ID")
    hint = " ".join(text_of(hints[0].message).split())
    assert "Nothing of it was kept" in hint
    assert "Ada Lovelace <ada@example.org>" in hint
    assert b"MARKER-INTRO-REPLY" not in hints[0].data
    # a second stray reply: still no entry, and no second hint
    assert ingest(group_home, stray.replace(b"16:00", b"17:00"), now, smtp_server).startswith(
        "dropped"
    )
    assert len(smtp_server.handler.messages) == seen + 1


def partner_checks(smtp_server) -> dict[str, EmailMessage]:
    return {
        r.rcpt_tos[0]: r.message
        for r in smtp_server.handler.messages
        if str(r.message["Subject"]).endswith("met yet?")
    }


def test_the_midway_partner_check_is_counted_in_status_and_report(group_home, smtp_server):
    record_pairs(group_home)
    # three days after week 2's email is Saturday 31 October: the check goes on Monday 2 November
    run_hourly(
        group_home, datetime(2026, 11, 2, 0, tzinfo=UTC), datetime(2026, 11, 3, 0, tzinfo=UTC)
    )
    checks = partner_checks(smtp_server)
    assert set(checks) == {ADA, GRACE, LINUS, MEI, TOMAS}
    assert str(checks[ADA]["Subject"]) == "Have you and Grace met yet?"
    assert str(checks[MEI]["Subject"]) == "Have you, Linus and Tomás met yet?"
    now = datetime(2026, 11, 3, 10, tzinfo=UTC)
    answers = {
        ADA: "Yes! Tuesday, it was great. MARKER-MET",
        GRACE: "ja, letzte Woche",
        LINUS: "Not yet, next week",
        MEI: "noch nicht",
    }
    for member, words in answers.items():
        raw = reply(checks[member], member, words, to_sender_address=False)
        assert ingest(group_home, raw, now, smtp_server) == "counted: partner check answer"
    unclear = reply(checks[TOMAS], TOMAS, "Maybe, ask me later", to_sender_address=False)
    assert ingest(group_home, unclear, now, smtp_server).startswith("quarantined: answer to")
    inbox = DataHome(group_home).group("team").inbox
    assert not inbox.exists() or list(inbox.iterdir()) == []

    status = "\n".join(group_status_lines(group_home, "team", now, ScheduleSettings()))
    assert "partners met: 2 yes, 2 not yet, 1 no answer" in status
    report = programme_report(group_home, now=now)
    text = render_text(report)
    assert "partners met   2 met, 2 not yet, 1 no answer (5 asked)" in text
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert [(r["partners_met"], r["partners_not_yet"]) for r in rows] == [("2", "2")] * 2
    html = render_html(report)
    assert "2 met, 2 not yet, 1 no answer (5 asked)" in html
    for shown in (status, text, html):
        assert "MARKER" not in shown
        assert "Tuesday" not in shown
        assert "Ada" not in shown


def test_previewing_an_introduction_before_pairs_exist_says_what_to_do(group_home, capsys) -> None:
    from companion.cli import main

    code = main(
        ["--home", str(group_home), "preview", "team", "--member", GRACE, "--kind", "pairing"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "no practice partner recorded yet (plg group pairs team)" in err
    assert "Traceback" not in err
    record_pairs(group_home)
    assert (
        main(["--home", str(group_home), "preview", "team", "--member", GRACE, "--kind", "pairing"])
        == 0
    )
    shown = capsys.readouterr().out
    assert "To: Ada Lovelace <ada@example.org>, Grace Hopper <grace@example.org>" in shown
    assert "Reply-To: Ada Lovelace <ada@example.org>" in shown
