"""`plg form --create`: the formed groups created through `plg group create`'s path, all or
none, never over an existing group."""

from __future__ import annotations

import pytest

from plg_tui.core.formation.create import PlannedGroup, create_all
from plg_tui.core.groups import GroupError, GroupSpec
from plg_tui.core.home import init_home
from plg_tui.vault.paths import DataHome
from tests.cli.test_form_cli import import_pool
from tests.cli.test_group_cli import PASS, run
from tests.dates import SESSION1, SESSION2

pytest.importorskip("ortools")
DAY = SESSION1[:10]
SECOND = "amber glacier lantern meadow"


def form_and_create(tmp_path, home, *extra, lines=(PASS, SECOND), out="out"):
    passphrases = tmp_path / "passphrases.txt"
    passphrases.write_text("".join(f"{line}\n" for line in lines))
    return run(
        "--home", home, "form", "q1", "--min", "3", "--out", str(tmp_path / out), "--create",
        "--session1-window", DAY, "--passphrase-file", str(passphrases), *extra,
    )  # fmt: skip


def test_create_makes_every_formed_group_with_its_own_passphrase(tmp_path):
    home = import_pool(tmp_path)
    result = form_and_create(tmp_path, home)
    assert result.returncode == 0, result.stderr
    assert "created group 'q1-g01'" in result.stdout
    assert "created group 'q1-g02'" in result.stdout
    first = run("--home", home, "group", "show", "q1-g01")
    assert first.returncode == 0, first.stderr
    assert f"session 1 {DAY}" in result.stdout
    opened = run("--home", home, "group", "repair-keys", "q1-g02", env={"PLG_PASSPHRASE": SECOND})
    assert opened.returncode == 0, opened.stderr
    wrong = run("--home", home, "group", "repair-keys", "q1-g02", env={"PLG_PASSPHRASE": PASS})
    assert wrong.returncode != 0


def test_an_existing_group_name_refuses_everything(tmp_path):
    home = import_pool(tmp_path)
    roster = tmp_path / "one.csv"
    roster.write_text(
        "name,email,title,level,reports_to,department,timezone\n"
        + "".join(f"P{k},p{k}@example.org,EM,4,,Eng,Europe/Berlin\n" for k in range(4))
    )
    taken = run(
        "--home", home, "group", "create", "q1-g02", "--module", "delegating", "--roster",
        str(roster), "--session1", SESSION1, "--session2", SESSION2, "--timezone",
        "Europe/Berlin", env={"PLG_PASSPHRASE": PASS},
    )  # fmt: skip
    assert taken.returncode == 0, taken.stderr
    result = form_and_create(tmp_path, home)
    assert result.returncode != 0
    assert "group 'q1-g02' already exists; nothing was created" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    assert "q1-g01" not in run("--home", home, "group", "list").stdout


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((PASS,), "1 lines for 2 groups"),
        ((PASS, "short"), "line 2: the passphrase has 5 characters"),
    ],
)
def test_a_passphrase_file_that_does_not_fit_creates_nothing(tmp_path, lines, message):
    home = import_pool(tmp_path)
    result = form_and_create(tmp_path, home, lines=lines)
    assert result.returncode != 0
    assert message in result.stderr
    assert lines[-1] not in result.stderr  # a passphrase is never echoed
    assert "q1-g" not in run("--home", home, "group", "list").stdout


def test_a_day_in_the_past_creates_nothing_and_writes_nothing(tmp_path):
    home = import_pool(tmp_path)
    passphrases = tmp_path / "passphrases.txt"
    passphrases.write_text(f"{PASS}\n{SECOND}\n")
    result = run(
        "--home", home, "form", "q1", "--min", "3", "--out", str(tmp_path / "out"), "--create",
        "--session1-window", "2020-03-02", "--passphrase-file", str(passphrases),
    )  # fmt: skip
    assert result.returncode != 0
    assert "q1-g01: --session1 2020-03-02T" in result.stderr
    assert "is in the past" in result.stderr
    assert not (tmp_path / "out").exists()
    assert "q1-g" not in run("--home", home, "group", "list").stdout


def test_create_needs_a_day_and_a_folder(tmp_path):
    home = import_pool(tmp_path)
    result = run("--home", home, "form", "q1", "--create")
    assert result.returncode != 0
    assert "--create needs --out DIR and --session1-window DAY" in result.stderr
    result = run(
        "--home", home, "form", "q1", "--create", "--out", str(tmp_path / "o"),
        "--session1-window", "next tuesday",
    )  # fmt: skip
    assert result.returncode != 0
    assert "give the day of the first sessions as YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_group_that_fails_removes_those_created_before_it(tmp_path):
    home = tmp_path / "home"
    good = tmp_path / "good.csv"
    good.write_text(
        "name,email,title,level,reports_to,department,timezone\n"
        + "".join(f"P{k},p{k}@example.org,EM,4,,Eng,Europe/Berlin\n" for k in range(4))
    )
    specs = [
        GroupSpec(slug, "delegating", roster, SESSION1, SESSION2, "Europe/Berlin")
        for slug, roster in (("first", good), ("second", tmp_path / "missing.csv"))
    ]
    init_home(home)
    with pytest.raises(GroupError, match=r"missing\.csv"):
        create_all(home, [PlannedGroup(s, 4) for s in specs], [PASS, SECOND], warn=print)
    assert not DataHome(home).group("first").folder.exists()
    assert not DataHome(home).group("first").key_file.exists()
