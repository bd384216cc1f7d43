"""`plg group next`, run as the real program: when it is allowed, what it keeps and changes,
what `group show`, `notes` and `journal` then show, and that --dry-run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from plg_tui.vault.group import GroupVault
from plg_tui.vault.keys import load_operations_keys, unlock
from plg_tui.vault.staging import release_in_use
from tests.cli.test_group_cli import PASS, run
from tests.dates import session_dates

A, B, C, D = "ada@example.org", "bruno@example.org", "chiara@example.org", "dev@example.org"
ROSTER = (
    "name,email,level,reports_to,timezone\n"
    f"Ada Lovelace,{A},5,,Europe/Berlin\n"
    f"Bruno Alves,{B},5,,Europe/Berlin\n"
    f"Chiara Rossi,{C},5,,Europe/Rome\n"
    f"Dev Patel,{D},5,,Asia/Kolkata\n"
)
PAST1, PAST2 = session_dates(days_ahead=-10)
NEXT1, NEXT2 = session_dates(days_ahead=30)


@pytest.fixture
def group(tmp_path: Path, isolated_environment: Path) -> Path:
    """A group whose session 1 was ten days ago, with partners A+B and C+D."""
    roster = tmp_path / "four.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    made = run(
        "group", "create", "team", "--module", "giving-feedback", "--roster", str(roster),
        "--session1", PAST1, "--session2", PAST2, "--timezone", "Europe/Berlin", "--allow-past",
        env={"PLG_PASSPHRASE": PASS},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert run("group", "pairs", "team", "--set", f"{A}:{B},{C}:{D}").returncode == 0
    return isolated_environment


def operations(home: Path) -> GroupVault:
    return GroupVault(home, load_operations_keys(home, "team"))


def next_cycle(*extra: str, module: str = "delegating", dates=(NEXT1, NEXT2)):
    return run("group", "next", "team", "--module", module,
               "--session1", dates[0], "--session2", dates[1], *extra)  # fmt: skip


def group_files(home: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()
    }


def test_next_is_refused_before_session_1_and_allowed_once_it_was_held(
    tmp_path: Path, isolated_environment: Path
):
    roster = tmp_path / "four.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    first, second = session_dates(days_ahead=5)
    run("group", "create", "team", "--module", "giving-feedback", "--roster", str(roster),
        "--session1", first, "--session2", second, "--timezone", "Europe/Berlin",
        env={"PLG_PASSPHRASE": PASS})  # fmt: skip
    later1, later2 = session_dates(days_ahead=60)
    refused = next_cycle(dates=(later1, later2))
    assert refused.returncode == 1
    assert "the next cycle can start once its session 1 is held" in refused.stderr
    assert f"or from {first} (Europe/Berlin) on" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "cycle     1\n" in run("group", "show", "team").stdout

    vault = operations(isolated_environment)
    vault.update_info(session1_held=True)  # the session app closed session 1 early
    vault.close()
    # session 2 of cycle 1 is still ahead: dropped, and its invitation is to be withdrawn
    dropped = f"session 2 of cycle 1 ({second}) was not held yet: it is dropped"
    cancelled = "the companion cancels its calendar invitation for every member who was sent it"
    dry = next_cycle("--dry-run", dates=(later1, later2))
    assert dropped in dry.stderr
    assert cancelled in dry.stderr
    allowed = next_cycle(dates=(later1, later2))
    assert allowed.returncode == 0, allowed.stderr
    assert "'team' started cycle 2:" in allowed.stdout
    assert dropped in allowed.stderr
    assert cancelled in allowed.stderr


def test_next_starts_a_new_cycle_keeping_the_group_and_avoiding_old_partners(group: Path):
    vault = operations(group)
    vault.update_info(session1_held=True, session2_held=True,
                      next_topic_votes={"delegating": 3, "one-on-ones": 1})  # fmt: skip
    vault.record_facilitation(A, "1")
    vault.close()
    before = run("group", "show", "team").stdout
    assert "vote      next topic, at session 2 of cycle 1: delegating 3, one-on-ones 1" in before

    done = next_cycle("--seed", "1")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "module delegating — " in out
    assert "kept: 4 members, facilitator rotation, ground rules, parking lot" in out
    assert f"session 1 {NEXT1}, session 2 {NEXT2} (Europe/Berlin)" in out
    assert "practice month" in out
    assert "reminder" in out
    assert "plg notes team --cycle 1" in out

    vault = operations(group)
    info = vault.info()
    assert (info.cycle, info.module, info.session1_held, info.session2_held) == (
        2, "delegating", False, False,
    )  # fmt: skip
    assert len(vault.members()) == 4
    assert vault.facilitations() == [(vault.facilitations()[0][0], A)]
    pairs = vault.current_pairs()
    vault.close()
    assert pairs is not None
    together = [set(g) for g in pairs]
    assert {A, B} not in together
    assert {C, D} not in together
    shown = run("group", "show", "team").stdout
    assert "cycle     2 (earlier: 1 giving-feedback)" in shown
    assert "vote      next topic, at session 2 of cycle 1: delegating 3" in shown
    assert "module    delegating" in shown


def test_dry_run_changes_nothing_and_says_what_would_happen(group: Path):
    files = group_files(group)
    dry = next_cycle("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run: nothing changed. 'team' would start cycle 2:" in dry.stdout
    assert group_files(group) == files
    assert "cycle     1\n" in run("group", "show", "team").stdout


def test_bad_input_names_the_problem_and_writes_nothing(group: Path):
    files = group_files(group)
    bad = run("group", "next", "team", "--module", "no-such-module",
              "--session1", "2026-13-01T10:00", "--session2", NEXT2,
              "--trust", NEXT2)  # fmt: skip
    assert bad.returncode == 1
    assert "--module:" in bad.stderr
    assert "--session1: '2026-13-01T10:00' is not a date like 2026-11-03T14:00" in bad.stderr
    assert "Traceback" not in bad.stderr
    gap = next_cycle(dates=(NEXT1, session_dates(days_ahead=31)[0]))
    assert gap.returncode == 1
    assert "days after session 1; it must be" in gap.stderr
    past = next_cycle(dates=session_dates(days_ahead=-2))
    assert "is in the past" in past.stderr
    trust = next_cycle("--trust", NEXT2)
    assert f"--trust {NEXT2} must be before --session1 {NEXT1}" in trust.stderr
    for name in ("../team", "Team\x1b[31m"):
        odd = run("group", "next", name, "--module", "delegating",
                  "--session1", NEXT1, "--session2", NEXT2)  # fmt: skip
        assert odd.returncode != 0
        assert "\x1b" not in odd.stderr
        assert "Traceback" not in odd.stderr
    assert group_files(group) == files


def test_repeating_a_module_or_ignoring_the_vote_is_warned_about(group: Path):
    vault = operations(group)
    vault.update_info(session2_held=True, next_topic_votes={"one-on-ones": 2})
    vault.close()
    again = next_cycle("--dry-run", module="giving-feedback")
    assert again.returncode == 0, again.stderr
    assert "module giving-feedback was already the group's module in cycle 1" in again.stderr
    assert "the group's session-2 vote favoured one-on-ones (2 votes)" in again.stderr


def test_earlier_cycle_notes_and_journal_stay_readable_and_apart(group: Path, tmp_path: Path):
    from plg_tui.vault.group import write_sealed_entry
    from plg_tui.vault.paths import INBOX

    vault = GroupVault(group, unlock(group, "team", PASS))
    vault.add_item("challenge", "cycle one challenge", member=A, session="1")
    vault.add_item("ground_rules", "cameras on", session="1")
    vault.add_item("parking", "budget talk later", session="2")
    write_sealed_entry(group, vault.keys, INBOX, "e1", {"member": A, "week": 1, "cycle": 1},
                       "cycle one journal")  # fmt: skip
    vault.close()
    release_in_use()
    assert next_cycle().returncode == 0
    vault = GroupVault(group, unlock(group, "team", PASS))
    vault.add_item("challenge", "cycle two challenge", member=A, session="1")
    vault.close()
    release_in_use()
    secret = tmp_path / "pass"
    secret.write_text(PASS + "\n")

    current = run("notes", "team", "--passphrase-file", str(secret))
    assert current.returncode == 0, current.stderr
    assert "cycle two challenge" in current.stdout
    assert "cycle one challenge" not in current.stdout
    assert "Carried from cycle 1" in current.stdout
    assert "cameras on" in current.stdout
    assert "budget talk later" in current.stdout

    earlier = run("notes", "team", "--cycle", "1", "--passphrase-file", str(secret))
    assert earlier.returncode == 0, earlier.stderr
    assert "cycle one challenge" in earlier.stdout
    assert "cycle two challenge" not in earlier.stdout

    journal = run("journal", "team", "--passphrase-file", str(secret))
    assert "No journal entries yet." in journal.stdout
    old_journal = run("journal", "team", "--cycle", "1", "--passphrase-file", str(secret))
    assert "cycle one journal" in old_journal.stdout
    too_far = run("notes", "team", "--cycle", "3", "--passphrase-file", str(secret))
    assert too_far.returncode == 1
    assert "--cycle 3: the group has cycles 1 to 2" in too_far.stderr


def test_report_shows_the_cycle_and_earlier_modules(group: Path):
    assert "cycle " not in run("report", "team").stdout
    assert next_cycle().returncode == 0
    text = run("report", "team")
    assert text.returncode == 0, text.stderr
    assert "team — " in text.stdout
    assert "cycle          2 (earlier modules: giving-feedback)" in text.stdout
    csv = run("report", "team", "--format", "csv").stdout.splitlines()
    header, row = csv[0].split(","), csv[1].split(",")
    assert row[header.index("cycle")] == "2"
    assert row[header.index("earlier_modules")] == "giving-feedback"
    assert row[header.index("module")] == "delegating"
