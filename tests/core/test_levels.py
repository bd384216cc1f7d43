"""A management level is a whole number from 1 to 12, in a roster and in a pool alike (one
row reader): 0, 13, -3, a 30-digit number or other scripts' digits are refused, each naming
the file, the line and the person, and nothing of the file is kept."""

from __future__ import annotations

import pytest

from plg_tui.core.pool_csv import parse_pool
from plg_tui.core.roster import RosterError, parse_roster
from tests.cli.test_group_cli import run

HEADER = "name,email,title,level,reports_to,department,timezone\n"
OTHERS = (
    "Bob Byte,bob@example.org,EM,4,,Ops,Europe/London\n"
    "Cy Twombly,cy@example.org,EM,4,,Design,Europe/London\n"
)


def _rows(level: str) -> str:
    return HEADER + f"Ada Lovelace,ada@example.org,EM,{level},,Eng,Europe/Berlin\n" + OTHERS


@pytest.mark.parametrize(
    ("level", "problem"),
    [
        ("0", "'0' is outside 1 to 12"),
        ("13", "'13' is outside 1 to 12"),
        ("-3", "'-3' is outside 1 to 12"),
        ("9" * 30, "is outside 1 to 12"),
        ("\u0661\u0662", "is not a whole number"),
        ("1_0", "'1_0' is not a whole number"),
    ],
)
def test_a_level_outside_1_to_12_is_refused_in_rosters_and_pools(level, problem):
    where = "line 2: field 'level': "
    with pytest.raises(RosterError) as roster_error:
        parse_roster(_rows(level), "team.csv", "Europe/Berlin", allow_level_spread=True)
    with pytest.raises(RosterError) as pool_error:
        parse_pool(_rows(level), "pool.csv", "Europe/Berlin", set())
    for error, source in ((roster_error, "team.csv"), (pool_error, "pool.csv")):
        [message] = error.value.problems
        assert message.startswith(f"{source} {where}")
        assert problem in message
        assert message.endswith("(person: Ada Lovelace)")
        assert len(message) < 200


@pytest.mark.parametrize("level", ["1", "12", "04"])
def test_levels_1_to_12_are_read(level):
    [ada, *_] = parse_roster(_rows(level), "team.csv", "Europe/Berlin", allow_level_spread=True)
    assert ada.level == int(level)
    assert parse_pool(_rows(level), "pool.csv", "Europe/Berlin", set())[0].member.level == int(
        level
    )


def test_pool_import_refuses_a_level_of_0_and_keeps_nothing(tmp_path):
    home = tmp_path / "h"
    (tmp_path / "pool.csv").write_text(_rows("0"))
    result = run("--home", str(home), "pool", "import", "q1", str(tmp_path / "pool.csv"))
    assert result.returncode == 1
    assert "pool.csv line 2: field 'level': '0' is outside 1 to 12" in result.stderr
    assert "(person: Ada Lovelace)" in result.stderr
    assert "Traceback" not in result.stderr
    assert "no pools" in run("--home", str(home), "pool", "list").stdout
