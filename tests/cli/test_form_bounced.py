"""`plg form` places a candidate whose survey email bounced (the address may be fixed later)
but warns before the table and in groups.md, naming them and their group."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.outbound.ledger import Ledger
from companion.outbound.survey_send import pool_ledger_files
from plg_tui.vault.pool_store import pool_keys
from tests.cli.test_form_cli import import_pool
from tests.cli.test_group_cli import run

pytest.importorskip("ortools")


def mark_bouncing(home: Path, *emails: str) -> None:
    """What the survey's bounce handling records when a delivery report comes back."""
    keys, files = pool_keys(home, "q1"), pool_ledger_files(home, "q1")
    with Ledger.locked(home, keys, timeout=5, files=files) as ledger:
        for email in emails:
            ledger.set_member(email, bouncing=True, bounce_reason="5.1.1")
        ledger.save()


def test_bounced_candidate_is_placed_with_a_warning(tmp_path):
    home = import_pool(tmp_path)
    mark_bouncing(Path(home), "ana@example.org")
    out = tmp_path / "out"
    result = run("--home", home, "form", "q1", "--min", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    warning = lines.index("warning: 1 placed candidate's email bounced in the survey:")
    [ana] = [line for line in lines if line.startswith("    Ana Ops <ana@example.org> (g0")]
    group = ana.strip()[-4:-1]
    assert lines[warning + 1] == ana
    assert lines[warning + 2] == (
        "fix the address in the pool CSV, plg pool import, then plg form again"
    )
    first_group = next(i for i, line in enumerate(lines) if line.startswith("g01  "))
    assert warning < first_group  # the champion reads it before the table
    assert "7 of 10 candidates placed" in result.stdout  # not excluded
    [roster] = out.glob(f"{group}-*.csv")
    assert "ana@example.org" in roster.read_text()
    markdown = (out / "groups.md").read_text()
    assert "1 placed candidate's email bounced in the survey" in markdown
    assert f"- Ana Ops <ana@example.org> ({group})" in markdown
    assert markdown.index("bounced") < markdown.index("## g01")


def test_two_bounced_in_the_plural_and_none_without_a_survey(tmp_path):
    home = import_pool(tmp_path)
    quiet = run("--home", home, "form", "q1", "--min", "3")
    assert quiet.returncode == 0, quiet.stderr
    assert "bounced" not in quiet.stdout  # no survey sent: no ledger, no warning
    mark_bouncing(Path(home), "ana@example.org", "bo@example.org", "nia@example.org")
    result = run("--home", home, "form", "q1", "--min", "3")
    # Nia declined and is not placed: only the placed are warned about
    assert "warning: 2 placed candidates' email bounced in the survey:" in result.stdout
    assert "Nia Never <nia@example.org> (g" not in result.stdout
