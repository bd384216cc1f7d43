"""Issue 14, "every email is a good email": subjects name the tip, a preview line leads each
email, prompts fit their timing, the footer uses "-- ", and times read "9:00 New York time"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from companion.inbound.partner_check import partner_check_answer
from companion.mailtext.clean import clean_reply
from companion.outbound.introduction import booking_order
from companion.outbound.ledger_records import PartnerCheckAnswer
from companion.outbound.local_time import local_datetime_text, working_overlap, zone_label
from companion.outbound.tip_title import TITLE_MAX, derived_title, tip_title
from plg_tui.core.module_checks import check_file
from plg_tui.core.module_model import Week
from plg_tui.core.modules import bundled_modules_dir, load_module, load_module_file
from tests.companion.team_month import record_pairs, run_at

GRACE = "grace@example.org"


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("America/New_York", "New York time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("Asia/Ho_Chi_Minh", "Ho Chi Minh time"),
        ("Europe/Berlin", "Berlin time"),
        ("Etc/UTC", "UTC"),
        ("UTC", "UTC"),
        ("Etc/GMT", "UTC"),
        ("Etc/GMT+5", "UTC-5"),
        ("Etc/GMT-14", "UTC+14"),
    ],
)
def test_time_zones_read_as_places(zone: str, label: str) -> None:
    assert zone_label(zone) == label


def test_a_session_time_reads_naturally() -> None:
    when = datetime(2026, 11, 17, 14, tzinfo=UTC)
    assert local_datetime_text(when, "America/New_York") == (
        "Tuesday 17 November 2026 at 9:00 New York time"
    )
    assert local_datetime_text(when, "Etc/UTC") == "Tuesday 17 November 2026 at 14:00 UTC"


def test_working_hours_overlap_across_zones_and_days() -> None:
    day = date(2026, 10, 21)
    start, end = working_overlap(["Europe/Berlin", "America/New_York"], day) or (None, None)
    assert (start, end) == (
        datetime(2026, 10, 21, 13, tzinfo=UTC),
        datetime(2026, 10, 21, 15, tzinfo=UTC),
    )
    assert working_overlap(["Asia/Tokyo", "America/New_York", "Europe/Berlin"], day) is None
    assert working_overlap(["Europe/Berlin", "Europe/Berlin"], day) is not None


def test_the_first_name_alphabetically_books() -> None:
    partners = [("t@x.org", "Tomás Ruiz", "Europe/Berlin"), ("l@x.org", "linus park", "Asia/Tokyo")]
    assert booking_order(partners)[0][0] == "l@x.org"


@pytest.mark.parametrize(
    ("reply", "answer"),
    [
        ("Yes", PartnerCheckAnswer.MET),
        ("yes!! on Monday", PartnerCheckAnswer.MET),
        ("  > Yeah we did", PartnerCheckAnswer.MET),
        ("Ja, letzte Woche", PartnerCheckAnswer.MET),
        ("no", PartnerCheckAnswer.NOT_YET),
        ("Not yet.", PartnerCheckAnswer.NOT_YET),
        ("nein", PartnerCheckAnswer.NOT_YET),
        ("Noch nicht, aber bald", PartnerCheckAnswer.NOT_YET),
        ("Nope", PartnerCheckAnswer.NOT_YET),
        ("Maybe", None),
        ("Nobody told me", None),
        ("Yesterday I was ill", None),
        ("", None),
    ],
)
def test_partner_check_answers_in_english_and_german(reply: str, answer) -> None:
    assert partner_check_answer(reply) == answer


def test_tip_titles_are_short_and_come_from_the_module_when_given() -> None:
    long_tip = (
        "Try 'What do you think?' this week, sincerely, every time someone asks what to do. "
        "Then wait."
    )
    assert derived_title(long_tip) == "Try 'What do you think?' this week"
    assert derived_title("Close the loop. Ask how it went.") == "Close the loop"
    one_long_clause = "word " * 40
    assert len(derived_title(one_long_clause)) <= TITLE_MAX + 1
    assert tip_title(Week("Tip text here.", "p", "c", title="Ask, then wait")) == "Ask, then wait"
    for module in ("giving-feedback", "delegating", "one-on-ones"):
        for week in load_module(module).weeks:
            assert 0 < len(tip_title(week)) <= TITLE_MAX + 1


def test_the_week_title_is_optional_and_checked(tmp_path: Path) -> None:
    source = (bundled_modules_dir() / "delegating.toml").read_text(encoding="utf-8")
    titled = source.replace("[[weeks]]\n", '[[weeks]]\ntitle = "The delegation audit"\n', 1)
    path = tmp_path / "delegating.toml"
    path.write_text(titled, encoding="utf-8")
    assert check_file(path) == []
    assert load_module_file(path).weeks[0].title == "The delegation audit"
    path.write_text(titled.replace("The delegation audit", "x" * 61), encoding="utf-8")
    [problem] = check_file(path)
    assert problem.field == "weeks[1].title"
    assert "at most 60" in problem.message


def weekly_emails(group_home, smtp_server, member: str):
    record_pairs(group_home)
    for day in (21, 28):
        assert run_at(group_home, datetime(2026, 10, day, 14, tzinfo=UTC)).exit_code == 0
    return [
        r.message
        for r in smtp_server.handler.messages
        if r.rcpt_tos == [member] and str(r.message["Subject"]).startswith("Week ")
    ]


def test_weekly_subject_names_the_tip_and_the_email_opens_with_a_preview(
    group_home, smtp_server
) -> None:
    week1, week2 = weekly_emails(group_home, smtp_server, GRACE)
    weeks = load_module("giving-feedback", group_home).weeks
    assert str(week1["Subject"]) == f"Week 1 of 4: {tip_title(weeks[0])}"
    assert str(week2["Subject"]) == f"Week 2 of 4: {tip_title(weeks[1])}"
    text = week2.get_body(preferencelist=("plain",)).get_content()
    html = week2.get_body(preferencelist=("html",)).get_content()
    preview = text.splitlines()[0]
    assert preview.startswith("A tip for the week ahead")
    assert "Hello" not in preview
    hidden = re.search(r'<div style="display:none[^>]*>([^<]*)</div>', html)
    assert hidden is not None
    assert hidden.group(1) == preview
    assert html.index(preview) < html.index("Hello Grace")
    # prompts fit their timing: week 1 looks at the first days, later weeks at the week past
    first = " ".join(week1.get_body(preferencelist=("plain",)).get_content().split())
    assert "Think of the days since session 1 and the commitment you made there." in first
    assert "Think of the week just past." in " ".join(text.split())
    assert "FOR THE WEEK AHEAD\n" in text.replace("\r\n", "\n")


def test_the_footer_uses_the_signature_separator_and_our_cleaner_drops_it_when_quoted(
    group_home, smtp_server
) -> None:
    [week1, _] = weekly_emails(group_home, smtp_server, GRACE)
    text = week1.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "\n-- \nSent by your peer learning group's companion." in text
    assert "\n--\n" not in text
    assert "New York time" in text
    assert "America/New_York" not in text
    # a client that quotes our footer without the attribution line: the cleaner still stops
    quoted = "\n".join("> " + line for line in text.splitlines()[-3:])
    cleaned, _ = clean_reply(f"My answer for the week.\n\n{quoted}\n")
    assert cleaned == "My answer for the week."
    signed = clean_reply("My answer.\n-- \nGrace Hopper\nVP Engineering\n")[0]
    assert signed == "My answer."


def test_every_plain_text_footer_uses_the_standard_separator() -> None:
    """A footer separated by anything but "-- " is kept by mail clients when quoting."""
    from companion.outbound.compose import TEMPLATES_DIR

    for template in sorted(TEMPLATES_DIR.glob("*.txt")):
        lines = template.read_text(encoding="utf-8").splitlines()
        dashes = [line for line in lines if line.rstrip() == "--"]
        assert not dashes or "-- " in lines, f"{template.name}: the footer separator is '-- '"
