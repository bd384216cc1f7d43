"""`plg journal`: the group reads its journal with the passphrase, oldest entry first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from plg_tui.cli import main

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

NOW = datetime(2026, 12, 8, 18, 45, tzinfo=UTC)


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text("correct horse battery\n")
    return path


def fill_journal(inbound: Inbound) -> None:
    # received in this order: iPhone (week 2), Gmail from Grace (week 3), Thunderbird (week 2)
    inbound.ingester(now=NOW).receive(inbound.render("iphone_reply.eml"))
    grace = inbound.render("gmail_reply.eml", member="grace@example.org", week=3)
    inbound.ingester(now=NOW + timedelta(days=1)).receive(grace)
    inbound.ingester(now=NOW + timedelta(days=2)).receive(
        inbound.render("thunderbird_signature.eml")
    )


def test_entries_print_oldest_first_with_week_member_and_local_time(
    inbound: Inbound, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_journal(inbound)
    assert main(["journal", "team", "--passphrase-file", str(passphrase_file)]) == 0
    out = capsys.readouterr().out
    first = out.index("Week 2 · Ada Lovelace <ada@example.org> · 2026-12-08 19:45")
    second = out.index("Week 3 · Grace Hopper <grace@example.org> · 2026-12-09 19:45")
    third = out.index("Week 2 · Ada Lovelace <ada@example.org> · 2026-12-10 19:45")
    assert first < second < third
    assert "let Priya finish" in out[first:second]
    assert "I finally had the conversation with Sam" in out[second:third]
    assert "1. I give feedback faster when I write it down first." in out[third:]
    assert "wrote:" not in out
    assert "Sent from my iPhone" not in out


def test_member_filter(
    inbound: Inbound, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_journal(inbound)
    argv = ["journal", "team", "--member", "Grace@Example.org"]
    assert main([*argv, "--passphrase-file", str(passphrase_file)]) == 0
    out = capsys.readouterr().out
    assert "Grace Hopper" in out
    assert "Ada Lovelace" not in out
    assert "Priya" not in out


def test_a_wrong_passphrase_prints_nothing_of_the_journal(
    inbound: Inbound, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_journal(inbound)
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all\n")
    assert main(["journal", "team", "--passphrase-file", str(wrong)]) == 1
    captured = capsys.readouterr()
    assert "wrong passphrase" in captured.err
    assert "Priya" not in captured.out + captured.err


def test_empty_journal_unknown_member_unknown_group(
    inbound: Inbound, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pp = ["--passphrase-file", str(passphrase_file)]
    assert main(["journal", "team", *pp]) == 0
    assert "No journal entries yet." in capsys.readouterr().out
    assert main(["journal", "team", "--member", "nobody@example.org", *pp]) == 1
    assert "not a member of 'team'" in capsys.readouterr().err
    assert main(["journal", "nosuch", *pp]) == 1
    assert "no group 'nosuch'" in capsys.readouterr().err


def test_the_passphrase_comes_from_the_environment_too(
    inbound: Inbound, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_journal(inbound)
    monkeypatch.setenv("PLG_PASSPHRASE", "correct horse battery")
    assert main(["journal", "team"]) == 0
    assert capsys.readouterr().out.count("Ada Lovelace <ada@example.org>") == 2


def test_a_batch_received_at_once_is_ordered_by_when_it_was_written(
    inbound: Inbound, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingester = inbound.ingester(now=NOW)
    # Thunderbird reply dated 11 Dec, Gmail reply dated 8 Dec: both read in one run
    ingester.receive(inbound.render("thunderbird_signature.eml"))
    ingester.receive(inbound.render("gmail_reply.eml"))
    assert [e["written"] for e in inbound.entries()] != ["", ""]
    assert main(["journal", "team", "--passphrase-file", str(passphrase_file)]) == 0
    out = capsys.readouterr().out
    assert out.index("I finally had the conversation") < out.index("Two things I noticed")
