"""`plg group remove-member` / `add-member`, `plg-companion resume-emails` and the roster's
warnings, run as the real programs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from companion.outbound.ledger import Ledger
from plg_tui.vault.errors import WrongPassphrase
from plg_tui.vault.group import GroupVault
from plg_tui.vault.keys import load_operations_keys, unlock
from plg_tui.vault.staging import release_in_use
from tests.cli.test_group_cli import PASS, create, run

COMPANION = shutil.which("plg-companion", path=str(Path(sys.executable).parent)) or "plg-companion"
NEW = "maple orbit cactus velvet"
ADA, GRACE = "ada@example.org", "grace@example.org"


def companion(*args: str):
    return subprocess.run([COMPANION, *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def passphrase_files(tmp_path: Path) -> tuple[str, str]:
    old, new = tmp_path / "old", tmp_path / "new"
    old.write_text(PASS + "\n")
    new.write_text(NEW + "\n")
    return str(old), str(new)


def test_remove_member_rekeys_and_says_what_happens_next(
    roster_file, isolated_environment, passphrase_files
):
    home = isolated_environment
    assert create(roster_file).returncode == 0, "create"
    vault = GroupVault(home, unlock(home, "team", PASS))
    vault.add_item("challenge", "said before Ada left", member=GRACE)
    vault.close()
    release_in_use()  # this test process holds the group's keys no longer
    old, new = passphrase_files

    dry = run("group", "remove-member", "team", ADA, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run, nothing changed: would remove Ada Lovelace <ada@example.org>" in dry.stdout
    assert "Ada gets one last email per session still ahead, a calendar cancellation" in dry.stdout
    unlock(home, "team", PASS)  # the dry run asked for nothing and changed nothing
    release_in_use()

    stranger = run("group", "remove-member", "team", "zoe@example.org",
                   "--passphrase-file", old, "--new-passphrase-file", new)  # fmt: skip
    assert stranger.returncode == 1
    assert "'zoe@example.org' is not a member of 'team'" in stranger.stderr

    done = run("group", "remove-member", "team", ADA,
               "--passphrase-file", old, "--new-passphrase-file", new)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "removed Ada Lovelace <ada@example.org> from 'team'; 4 members remain" in done.stdout
    assert "the group is re-keyed with a new passphrase" in done.stdout
    assert "Traceback" not in done.stderr
    with pytest.raises(WrongPassphrase):
        unlock(home, "team", PASS)
    vault = GroupVault(home, unlock(home, "team", NEW))
    assert [vault.open_item(i).text for i in vault.items()] == ["said before Ada left"]
    assert ADA not in {m.email for m in vault.members()}
    vault.close()
    assert "Ada Lovelace" not in run("group", "show", "team").stdout


def test_a_group_below_three_is_flagged_not_deleted(tmp_path, passphrase_files):
    roster = tmp_path / "three.csv"
    roster.write_text(
        "name,email,level,reports_to,timezone\n"
        "Ada Lovelace,ada@example.org,5,,Europe/Berlin\n"
        "Grace Hopper,grace@example.org,5,,Europe/Berlin\n"
        "Linus Park,linus@example.org,5,,Europe/Berlin\n"
    )
    assert create(roster).returncode == 0
    old, new = passphrase_files
    done = run("group", "remove-member", "team", ADA,
               "--passphrase-file", old, "--new-passphrase-file", new)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "FLAG: only 2 members, below the minimum of 3" in done.stdout
    shown = run("group", "show", "team")
    assert "FLAG: only 2 members, below the minimum of 3" in shown.stdout
    assert "Grace Hopper" in shown.stdout


def test_add_member_names_the_rule_and_people_and_the_welcome(roster_file, isolated_environment):
    assert create(roster_file).returncode == 0
    refused = run("group", "add-member", "team", "--name", "Boss Person",
                  "--email", "boss@example.org", "--level", "9",
                  "--reports-to", ADA)  # fmt: skip
    assert refused.returncode == 1
    assert "no reporting lines: Boss Person <boss@example.org> reports to Ada Lovelace" in (
        refused.stderr
    )
    assert "level spread: levels must be at most 1 apart, but Linus Park is level 4" in (
        refused.stderr
    )
    dry = run("group", "add-member", "team", "--name", "Nia Okafor",
              "--email", "nia@example.org", "--level", "5", "--dry-run")  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "dry run, nothing changed: would add Nia Okafor" in dry.stdout
    assert "nia@example.org" not in run("group", "show", "team").stdout
    added = run("group", "add-member", "team", "--name", "Nia Okafor",
                "--email", "nia@example.org", "--level", "5",
                "--timezone", "EST")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "added Nia Okafor <nia@example.org> to 'team' (6 members)" in added.stdout
    assert "a welcome email to Nia" in added.stdout
    assert "asked to agree to the confidentiality promise" in added.stdout
    assert "'EST' is an abbreviation" in added.stderr
    assert "Nia Okafor <nia@example.org>" in run("group", "show", "team").stdout


def test_roster_without_timezone_or_reports_to_columns_is_accepted_with_warnings(tmp_path):
    roster = tmp_path / "plain.csv"
    roster.write_text(
        "name,email,level\nAda Lovelace,ada@example.org,5\n"
        "Grace Hopper,grace@example.org,5\nLinus Park,linus@example.org,5\n"
    )
    result = create(roster)
    assert result.returncode == 0, result.stderr
    assert "no 'timezone' column: everyone gets the group's time zone (Europe/Berlin)" in (
        result.stderr
    )
    assert "no 'reports_to' column: reporting lines cannot be checked" in result.stderr


def test_est_style_zones_in_a_roster_are_warned_about(tmp_path):
    roster = tmp_path / "zones.csv"
    roster.write_text(
        "name,email,level,reports_to,timezone\n"
        "Ada Lovelace,ada@example.org,5,,EST\n"
        "Grace Hopper,grace@example.org,5,,US/Eastern\n"
        "Linus Park,linus@example.org,5,,America/New_York\n"
    )
    result = create(roster)
    assert result.returncode == 0, result.stderr
    assert f"{roster} line 2 (Ada Lovelace): time zone 'EST' is an abbreviation" in result.stderr
    assert f"{roster} line 3 (Grace Hopper): time zone 'US/Eastern' is a deprecated" in (
        result.stderr
    )
    assert "line 4" not in result.stderr
    assert "column" not in result.stderr


def test_resume_emails_both_ways(roster_file, isolated_environment):
    home = isolated_environment
    assert create(roster_file).returncode == 0
    not_stopped = companion("resume-emails", "team", GRACE)
    assert not_stopped.returncode == 0, not_stopped.stderr
    assert "Grace Hopper <grace@example.org> has not stopped emails" in not_stopped.stdout
    with Ledger.locked(home, load_operations_keys(home, "team")) as book:
        book.set_member(GRACE, opted_out=True, opted_out_at="2026-01-01T00:00:00+00:00")
        book.save()
    release_in_use()
    dry = companion("resume-emails", "team", GRACE, "--dry-run")
    assert "would resume emails to Grace Hopper" in dry.stdout
    resumed = companion("resume-emails", "team", GRACE)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed emails to Grace Hopper <grace@example.org>" in resumed.stdout
    assert "still ahead" in resumed.stdout
    assert Ledger.read_only(home, load_operations_keys(home, "team")).may_send_to(GRACE)
    stranger = companion("resume-emails", "team", "zoe@example.org")
    assert stranger.returncode == 1
    assert "'zoe@example.org' is not a member of 'team'" in stranger.stderr
