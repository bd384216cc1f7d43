"""`plg pool import/show/list/purge`, run as the real program."""

from __future__ import annotations

from tests.cli.test_group_cli import run

CSV = """name,email,title,level,reports_to,department,timezone,topics,available
Ada Lovelace,ada@example.org,EM,3,ceo@example.org,Eng,Europe/London,giving-feedback|delegating,yes
Bob Byte,bob@example.org,Ops Lead,4,ada@example.org,Ops,Asia/Tokyo,,no
"""


def test_import_show_list_purge(tmp_path):
    home = str(tmp_path / "h")
    (tmp_path / "pool.csv").write_text(CSV)
    result = run("--home", home, "pool", "import", "q1", str(tmp_path / "pool.csv"))
    assert result.returncode == 0, result.stderr
    assert "2 candidates imported (1 available)" in result.stdout
    shown = run("--home", home, "pool", "show", "q1")
    assert "Ada Lovelace" in shown.stdout
    assert "giving-feedback,delegating" in shown.stdout
    assert "unavailable" in shown.stdout
    listed = run("--home", home, "pool", "list")
    assert listed.stdout.startswith("q1\t2 candidates\t1 available")
    refused = run("--home", home, "pool", "purge", "q1")
    assert refused.returncode == 1
    assert "--yes" in refused.stderr
    purged = run("--home", home, "pool", "purge", "q1", "--yes")
    assert purged.returncode == 0, purged.stderr
    assert "no pools" in run("--home", home, "pool", "list").stdout


def test_bad_csv_is_refused_without_traceback_and_writes_nothing(tmp_path):
    home = tmp_path / "h"
    (tmp_path / "pool.csv").write_text(CSV.replace("delegating", "delegatoin"))
    result = run("--home", str(home), "pool", "import", "q1", str(tmp_path / "pool.csv"))
    assert result.returncode == 1
    assert "line 2: field 'topics': 'delegatoin' is not a module id" in result.stderr
    assert "did you mean 'delegating'?" in result.stderr
    assert "(person: Ada Lovelace)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (home / "pools").exists() or not any((home / "pools").rglob("*.db"))


def test_unknown_pool_is_a_clear_error(tmp_path):
    result = run("--home", str(tmp_path / "h"), "pool", "show", "nope")
    assert result.returncode == 1
    assert "no pool 'nope'" in result.stderr
