"""A mistyped manager email is warned about by `plg group create --roster` and
`plg pool import`, run as the real program: accepted (exit 0), the warning on stderr."""

from __future__ import annotations

from tests.cli.test_group_cli import create, run
from tests.core.test_reporting_lines import HEADER, HELGA, IVO, MARCO, marco_helga_warning


def test_group_create_warns_about_a_mistyped_manager_email(tmp_path, isolated_environment):
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([HEADER, MARCO, HELGA, IVO]) + "\n")
    result = create(roster, "ops")
    assert result.returncode == 0, result.stderr
    assert f"plg: warning: {marco_helga_warning(str(roster))}" in result.stderr.splitlines()
    assert "matches no one" not in result.stdout


def test_group_create_is_silent_about_a_manager_outside(tmp_path, isolated_environment):
    roster = tmp_path / "roster.csv"
    far = HELGA.replace("marco.conti@acme.example", "m.c@holding.example")
    roster.write_text("\n".join([HEADER, MARCO, far, IVO]) + "\n")
    result = create(roster, "ops")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_pool_import_warns_about_a_mistyped_manager_email(tmp_path):
    pool = tmp_path / "pool.csv"
    pool.write_text("\n".join([HEADER, MARCO.replace("Europe/Rome", "EST"), HELGA, IVO]) + "\n")
    result = run("--home", str(tmp_path / "h"), "pool", "import", "q1", str(pool))
    assert result.returncode == 0, result.stderr
    assert "3 candidates imported" in result.stdout
    warnings = result.stderr.splitlines()
    assert f"plg: warning: {marco_helga_warning(str(pool))}" in warnings
    assert f"plg: warning: {pool} line 2 (Marco Conti): time zone 'EST' is an abbreviation" in (
        result.stderr
    )
    assert "warning" not in result.stdout


def test_add_member_warns_about_a_mistyped_manager_email(roster_file, isolated_environment):
    assert create(roster_file).returncode == 0
    added = run("group", "add-member", "team", "--name", "Nia Okafor",
                "--email", "nia@example.org", "--level", "5",
                "--reports-to", "ada@exmaple.org")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert (
        "plg: warning: --reports-to ada@exmaple.org matches no member of the group; did you "
        "mean ada@example.org (Ada Lovelace)?"
    ) in added.stderr
