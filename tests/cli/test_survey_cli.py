"""`plg survey results/status` on a pool whose answers are already in (no mail needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from plg_tui.core.pool import SurveyAnswer, import_pool
from plg_tui.core.survey import SurveySettings, save_survey
from plg_tui.vault.pool_store import answers_for_update, pool_keys
from plg_tui.vocabulary import SurveyState
from tests.cli.test_group_cli import run

CSV = """name,email,title,level,reports_to,department,timezone
Ada <b>Lovelace</b>,ada@example.org,EM,3,ceo@example.org,Eng,Europe/London
Bob Byte,bob@example.org,Ops Lead,4,ada@example.org,Ops,Asia/Tokyo
"""
TOPICS = ("giving-feedback", "delegating", "one-on-ones")


def answered_pool(tmp_path: Path) -> Path:
    home = tmp_path / "h"
    (tmp_path / "pool.csv").write_text(CSV)
    import_pool(home, "q1", tmp_path / "pool.csv")
    closes = (datetime.now(UTC) + timedelta(days=10)).date()
    save_survey(home, "q1", SurveySettings(TOPICS, closes))
    with answers_for_update(home, pool_keys(home, "q1")) as tables:
        tables["answers"] = {
            "ada@example.org": SurveyAnswer(
                "ada@example.org", SurveyState.ANSWERED, ("delegating", "giving-feedback")
            ).as_record(),
            "bob@example.org": SurveyAnswer(
                "bob@example.org", SurveyState.ANSWERED, ("delegating",)
            ).as_record(),
        }
    return home


def test_results_are_tab_separated_columns(tmp_path):
    home = answered_pool(tmp_path)
    result = run("--home", str(home), "survey", "results", "q1")
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()[:4]]
    assert rows[0] == ["first", "score", "topic"]
    assert rows[1][:2] == ["2", "6"]
    assert rows[1][2].startswith("delegating — ")
    assert rows[2][:2] == ["0", "2"]
    assert rows[2][2].startswith("giving-feedback — ")


def test_names_are_shown_with_names_only_and_as_plain_text(tmp_path):
    home = answered_pool(tmp_path)
    named = run("--home", str(home), "survey", "results", "q1", "--names")
    shown = run("--home", str(home), "pool", "show", "q1")
    assert "Ada <b>Lovelace</b>" in shown.stdout
    assert "Lovelace" not in run("--home", str(home), "survey", "results", "q1").stdout
    delegating = named.stdout.splitlines()[1].split("\t")
    assert delegating[3] == "Ada <b>Lovelace</b>, Bob Byte"
