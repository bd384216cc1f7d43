"""`plg form`, run as the real program on an imported pool, and its rosters fed to
`plg group create` unchanged."""

from __future__ import annotations

import sys

import pytest

from plg_tui.cli import main
from tests.cli.test_group_cli import PASS, run
from tests.dates import SESSION1, SESSION2

pytest.importorskip("ortools")

HEADER = "name,email,title,level,reports_to,department,timezone,topics,available\n"
ROWS = [
    # a director, two of their managers (one a skip-level report), and peers in Europe
    "Dana Director,dana@example.org,Director,4,vp@example.org,Eng,Europe/Berlin,delegating,yes",
    "Mo Manager,mo@example.org,EM,4,dana@example.org,Eng,Europe/Berlin,delegating,yes",
    "Sam Skip,sam@example.org,EM,4,mo@example.org,Eng,Europe/London,delegating,yes",
    "Ana Ops,ana@example.org,Ops Lead,4,coo@example.org,Ops,Europe/Madrid,"
    "delegating|giving-feedback,yes",
    "Bo Sales,bo@example.org,Sales Lead,5,cso@example.org,Sales,Europe/Paris,giving-feedback,yes",
    "Cy Fin,cy@example.org,Controller,4,cfo@example.org,Finance,Europe/Rome,delegating,yes",
    "Di People,di@example.org,HRBP,5,chro@example.org,People,Europe/Vienna,giving-feedback,yes",
    "Ed Support,ed@example.org,Support Lead,4,cso@example.org,Support,Europe/Dublin,,yes",
    # twelve hours away from everyone else, and one who declined
    "Kiri Far,kiri@example.org,EM,4,cto@example.org,Eng,Pacific/Auckland,delegating,yes",
    "Nia Never,nia@example.org,EM,4,cto@example.org,Eng,Europe/Berlin,delegating,no",
]


def import_pool(tmp_path, rows=ROWS):
    home = str(tmp_path / "home")
    (tmp_path / "pool.csv").write_text(HEADER + "\n".join(rows) + "\n")
    done = run("--home", home, "pool", "import", "q1", str(tmp_path / "pool.csv"))
    assert done.returncode == 0, done.stderr
    return home


def test_form_writes_rosters_that_group_create_accepts_unchanged(tmp_path):
    home = import_pool(tmp_path)
    out = tmp_path / "out"
    result = run("--home", home, "form", "q1", "--min", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "proven optimal" in result.stdout
    assert "7 of 10 candidates placed" in result.stdout
    assert "Kiri Far <kiri@example.org>: time window" in result.stdout
    assert "Nia Never <nia@example.org>: not available" in result.stdout
    rosters = sorted(out.glob("g*.csv"))
    assert [p.name for p in rosters] == ["g01-delegating.csv", "g02-giving-feedback.csv"]
    assert (out / "groups.md").read_text().startswith("# Groups")
    for number, roster in enumerate(rosters, 1):
        module = roster.stem.split("-", 1)[1]
        created = run(
            "--home", home, "group", "create", f"team{number}", "--module", module,
            "--roster", str(roster), "--session1", SESSION1, "--session2", SESSION2,
            "--timezone", "Europe/Berlin", env={"PLG_PASSPHRASE": PASS},
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
    emails = [
        {line.split(",")[1] for line in roster.read_text().splitlines()[1:]} for roster in rosters
    ]
    # the chain dana -> mo -> sam: one of the three stays out (an optimal tie), the other two
    # sit apart
    chain = {"dana@example.org", "mo@example.org", "sam@example.org"}
    assert [len(chain & group) for group in emails] == [1, 1]


def test_the_same_seed_gives_the_same_groups(tmp_path):
    home = import_pool(tmp_path)
    first = run("--home", home, "form", "q1", "--min", "3", "--seed", "7")
    second = run("--home", home, "form", "q1", "--min", "3", "--seed", "7")
    assert first.returncode == 0, first.stderr

    def groups(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("proven")]

    assert groups(first.stdout) == groups(second.stdout)


def test_explain_says_why_someone_is_placed_or_not(tmp_path):
    home = import_pool(tmp_path)
    placed = run("--home", home, "form", "q1", "--min", "3", "--explain", "ana@example.org")
    assert placed.returncode == 0, placed.stderr
    assert "wished for: 1. delegating, 2. giving-feedback" in placed.stdout
    assert "common window in January" in placed.stdout
    assert "common window in July" in placed.stdout
    assert "same-department pair(s) in this group" in placed.stdout  # not the whole plan's
    far = run("--home", home, "form", "q1", "--min", "3", "--explain", "Kiri Far")
    assert "not placed: time window" in far.stdout
    declined = run("--home", home, "form", "q1", "--explain", "nia@example.org")
    assert "not available" in declined.stdout
    nobody = run("--home", home, "form", "q1", "--explain", "who@example.org")
    assert nobody.returncode == 1
    assert "no candidate with that email or name" in nobody.stderr


def test_without_ortools_form_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    home = import_pool(tmp_path)
    # None in sys.modules makes `import ortools...` raise ImportError, as when not installed
    for name in [m for m in sys.modules if m.startswith("ortools")] + ["ortools"]:
        monkeypatch.setitem(sys.modules, name, None)
    code = main(["--home", home, "form", "q1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "pip install 'plg[formation]'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--min", "2"], "a group has 3 to 6 members"),
        (["--max", "7"], "a group has 3 to 6 members"),
        (["--hours", "9-18"], "--hours '9-18': give the working day as HH:MM-HH:MM"),
        (["--hours", "18:00-09:00"], "--hours: the end must be after the start"),
        (["--min-overlap", "12"], "--min-overlap: must be between"),
        (["--modules", "no-such-module"], "--modules: no module 'no-such-module'"),
        (["--time-limit", "0"], "--time-limit 0: must be more than 0 seconds"),
        (["--groups", "0"], "--groups 0: must be 1 or more"),
    ],
)
def test_bad_options_are_clear_errors(tmp_path, args, message):
    home = import_pool(tmp_path)
    result = run("--home", home, "form", "q1", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_pool_and_a_used_out_folder_are_refused(tmp_path):
    home = import_pool(tmp_path)
    missing = run("--home", home, "form", "nope")
    assert missing.returncode == 1
    assert "no pool 'nope'" in missing.stderr
    bad_name = run("--home", home, "form", "../x")
    assert bad_name.returncode == 1
    assert "Traceback" not in bad_name.stderr
    out = tmp_path / "out"
    assert run("--home", home, "form", "q1", "--min", "3", "--out", str(out)).returncode == 0
    again = run("--home", home, "form", "q1", "--min", "3", "--out", str(out))
    assert again.returncode == 1
    assert "already holds a formation" in again.stderr
