"""`plg report`: counts per group and for the programme, in text, CSV and HTML, never words."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from companion.outbound.ledger import Ledger
from plg_tui.cli import main
from plg_tui.cli.report_gather import programme_report
from plg_tui.core.report import MIN_RATINGS_SHOWN, Rating, programme_totals
from plg_tui.core.report_text import bar
from plg_tui.vault.group import GroupVault
from tests.conftest import all_bytes_under

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

NOW = datetime(2026, 12, 8, 18, 45, tzinfo=UTC)
ADA, GRACE, LINUS, MEI, TOMAS = (
    "ada@example.org",
    "grace@example.org",
    "linus@example.org",
    "mei@example.org",
    "tomas@example.org",
)
MARKER = "QXREPORTMARKER"


def journal_reply(inbound: Inbound, member: str, week: int, message_id: str) -> bytes:
    return (
        f"From: Someone <{member}>\n"
        f"To: journal+{inbound.token(member, week)}@example.org\n"
        f"Subject: Re: week {week} {MARKER}\n"
        "Date: Wed, 9 Dec 2026 17:30:00 +0100\n"
        f"Message-ID: <{message_id}>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"{MARKER} I tried it with my team and {MARKER} it went well.\n"
    ).encode()


def session_state(present: list[str], facilitator: str) -> dict[str, object]:
    roster = [ADA, GRACE, LINUS, MEI, TOMAS]
    return {
        "present": {email: email in present for email in roster},
        "facilitator": facilitator,
        "facilitation_recorded": True,
    }


@pytest.fixture
def programme(inbound: Inbound) -> Inbound:
    """'team': session 1 held (4 of 5, Ada facilitated), a marker sealed in a session item and
    in two journal replies (Ada week 1 and 2, Grace week 2), 3 emails sent, Mei opted out."""
    vault = GroupVault(inbound.home, inbound.unlocked())  # the session app's keys
    vault.save_session_state("1", session_state([ADA, GRACE, LINUS, MEI], ADA))
    vault.update_info(session1_held=True)
    vault.add_item("challenge", f"{MARKER} my hardest conversation", member=ADA, session="1")
    vault.close()
    for member, week in ((ADA, 1), (ADA, 2), (GRACE, 2)):
        inbound.record_sent(member, week)
        inbound.ingester(now=NOW).receive(
            journal_reply(inbound, member, week, f"{member}-{week}@example.com")
        )
    with Ledger.locked(inbound.home, inbound.keys) as ledger:
        ledger.set_member(MEI, opted_out=True, opted_out_by="reply")
        ledger.save()
    assert len(inbound.entries()) == 3
    return inbound


def run_report(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["report", *argv]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_the_group_report_counts_sessions_attendance_mail_and_journal(programme: Inbound) -> None:
    report = programme_report(programme.home, names=False, now=NOW)
    (group,) = report.groups
    assert [s.label for s in group.sessions] == ["Session 1", "Session 2"]
    first, second = group.sessions
    assert (first.held, first.present, first.roster) == (True, 4, 5)
    assert first.present_names == ()
    assert first.facilitator == ""
    assert (second.held, second.present, second.planned) == (False, None, "2026-12-29T14:00")
    assert (group.sessions_held, group.sessions_planned) == (1, 2)
    assert (group.facilitations, group.facilitators) == (1, 1)
    assert (group.delivery.sent, group.delivery.opted_out, group.delivery.bounced) == (3, 1, 0)
    assert group.participation.members_replied == 2
    assert group.participation.replies_by_week == (1, 2, 0, 0)
    assert group.participation.weeks_with_replies == 2
    assert group.stage.startswith("practice month")
    assert report.totals.attended == 4
    assert report.totals.attendance_taken == 5


def test_names_only_when_asked(programme: Inbound, capsys: pytest.CaptureFixture[str]) -> None:
    assert "Linus Park" not in run_report(capsys)
    named = run_report(capsys, "--names")
    assert "present: Ada Lovelace, Grace Hopper, Linus Park, Mei Chen" in named
    assert "facilitated by Ada Lovelace" in named
    assert "Tomás Ruiz" not in named


@pytest.mark.parametrize("names", [[], ["--names"]])
@pytest.mark.parametrize("fmt", ["text", "csv", "html"])
def test_no_member_words_in_any_report(
    programme: Inbound,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    fmt: str,
    names: list[str],
) -> None:
    printed = run_report(capsys, "--format", fmt, *names)
    out = tmp_path / f"report.{fmt}"
    run_report(capsys, "--format", fmt, "--out", str(out), *names)
    assert out.read_text(encoding="utf-8") == printed
    assert "4 of 5" in printed or ",4," in printed
    assert MARKER not in printed
    for path, data in all_bytes_under(programme.home, tmp_path / "tmp", tmp_path / "user"):
        assert MARKER.encode() not in data, path


def test_rating_hidden_below_three_and_left_out_of_the_programme_total(
    make_group, capsys: pytest.CaptureFixture[str]
) -> None:
    for slug, count, total in (("few", 2, 4), ("many", 4, 18)):
        vault = make_group(slug)
        vault.update_info(session2_held=True, module_rating={"count": count, "sum": total})
        vault.close()
    text = run_report(capsys)
    assert "hidden: shown from 3 ratings up" in text
    assert "4.5 of 5 from 4 ratings" in text
    assert "2.0" not in text  # the hidden group's average, in no form
    rows = list(csv.DictReader(io.StringIO(run_report(capsys, "--format", "csv"))))
    by_scope = {(r["scope"], r["group"]): r for r in rows}
    assert by_scope["group", "few"]["rating_average"] == ""
    assert by_scope["group", "few"]["rating_count"] == ""
    assert by_scope["group", "many"]["rating_average"] == "4.50"
    assert by_scope["programme", "2 groups"]["rating_count"] == "4"


def test_the_programme_rating_sums_only_shown_groups() -> None:
    assert Rating(MIN_RATINGS_SHOWN - 1, 5).average is None
    assert programme_totals([]).rating is None


def test_outside_text_cannot_become_markup_formula_or_escape(
    make_group, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "hostile.csv"
    roster.write_text(
        "name,email,level,reports_to,timezone\n"
        '=HYPERLINK("http://x"),a@example.org,5,boss@example.org,UTC\n'
        "<script>alert(1)</script>,b@example.org,5,boss@example.org,UTC\n"
        "Eve,c@example.org,5,boss@example.org,UTC\n",
        encoding="utf-8",
    )
    vault = make_group("hostile", roster=roster)
    # the roster refuses control characters; a record written otherwise still cannot pass
    members = vault.members()
    vault.set_members([*members[:2], replace(members[2], name="Eve \x1b]52;c;Zm9v\x07")])
    vault.save_session_state(
        "1",
        {
            "present": {"a@example.org": True, "b@example.org": True, "c@example.org": True},
            "facilitator": "b@example.org",
            "facilitation_recorded": True,
        },
    )
    vault.update_info(session1_held=True)
    vault.close()
    html = run_report(capsys, "--format", "html", "--names")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;lt;" not in html  # escaped once, not twice
    text = run_report(capsys, "--names")
    assert "\x1b" not in text
    assert "\x07" not in text
    rows = list(csv.reader(io.StringIO(run_report(capsys, "--format", "csv", "--names"))))
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert any("'=HYPERLINK" in cell for row in rows for cell in row)


def test_unknown_group_and_bad_out_are_clear_errors(
    data_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "nosuch"]) == 1
    assert "no group 'nosuch'" in capsys.readouterr().err
    assert main(["report", "--out", str(tmp_path / "missing" / "r.html")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["report", "--out", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_empty_home_and_format_from_suffix(
    data_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "no groups yet" in run_report(capsys)
    out = tmp_path / "r.html"
    assert "wrote the html report" in run_report(capsys, "--out", str(out))
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_text_bars() -> None:
    assert bar(0, 0, 4) == "░░░░"
    assert bar(1, 100, 4) == "█░░░"
    assert bar(5, 5, 4) == "████"


def test_a_scheduled_trust_session_is_reported_as_planned(make_group, data_home: Path) -> None:
    vault = make_group("team")
    vault.update_info(trust="2026-11-10T15:00")
    vault.close()
    (group,) = programme_report(data_home, names=False, now=NOW).groups
    trust = group.sessions[0]
    assert (trust.label, trust.planned, trust.held) == (
        "Trust-building session",
        "2026-11-10T15:00",
        False,
    )
