"""A reports_to that names no one in the file but nearly names someone who is there is warned
about (rosters, pools, add-member); one that names someone outside stays silent."""

from __future__ import annotations

import pytest

from plg_tui.core.pool import import_pool
from plg_tui.core.pool_csv import parse_pool, pool_warnings
from plg_tui.core.reporting_lines import edits_within, near_miss_warnings, newcomer_warnings
from plg_tui.core.roster import Member
from plg_tui.core.roster_warnings import roster_warnings

HEADER = "name,email,title,level,reports_to,department,timezone"
MARCO = "Marco Conti,marco.conti@acme.exmaple,Head of Ops,6,ceo@acme.example,Ops,Europe/Rome"
HELGA = "Helga Braun,helga.braun@acme.example,Ops Lead,5,marco.conti@acme.example,Ops,Europe/Berlin"
IVO = "Ivo Petrov,ivo.petrov@acme.example,Ops Lead,5,ceo@acme.example,Ops,Europe/Sofia"


def marco_helga_warning(source: str) -> str:
    return (
        f"{source} line 3 (Helga Braun): reports_to marco.conti@acme.example matches no one in "
        "this file; did you mean marco.conti@acme.exmaple (line 2, Marco Conti)? If so, fix one "
        "of the two, or the reporting-line rule cannot keep them apart."
    )


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("marco.conti@acme.example", "marco.conti@acme.exmaple", 1),  # neighbours swapped
        ("ab", "ba", 1),
        ("ada@example.org", "ada@example.org", 0),
        ("ada@example.org", "adda@exampel.org", 2),
        ("kitten", "sitting", None),  # three edits
        ("abc", "abxyz", None),  # lengths three apart
        ("abcdef", "badcfe", None),
    ],
)
def test_edits_within_two(a, b, edits):
    assert edits_within(a, b) == edits
    assert edits_within(b, a) == edits


def test_a_roster_with_a_mistyped_manager_email_is_warned_about(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([HEADER, MARCO, HELGA, IVO]) + "\n")
    assert roster_warnings(roster, "Europe/Berlin") == [marco_helga_warning(str(roster))]


def test_a_pool_import_with_a_mistyped_manager_email_is_warned_about(tmp_path):
    pool = tmp_path / "pool.csv"
    pool.write_text("\n".join([HEADER, MARCO, HELGA, IVO]) + "\n")
    heard: list[str] = []
    candidates = import_pool(tmp_path / "home", "q1", pool, warn=heard.append)
    assert len(candidates) == 3  # accepted: a warning, not an error
    assert heard == [marco_helga_warning(str(pool))]


def test_same_local_part_at_another_domain_is_a_near_miss():
    text = "\n".join(
        [HEADER, MARCO, HELGA.replace("marco.conti@acme.example", "marco.conti@acme-corp.com")]
    )
    rows = parse_pool(text, "p.csv", "UTC", set())
    (warning,) = pool_warnings(rows, "p.csv")
    assert "reports_to marco.conti@acme-corp.com matches no one" in warning
    assert "did you mean marco.conti@acme.exmaple (line 2, Marco Conti)?" in warning


def test_a_manager_outside_the_file_stays_silent(tmp_path):
    # another domain and another local part: someone outside, as issue 13 allows
    far = HELGA.replace("marco.conti@acme.example", "marco.c@holding.example")
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([HEADER, MARCO, far, IVO]) + "\n")
    assert roster_warnings(roster, "Europe/Berlin") == []
    rows = parse_pool(roster.read_text(), "p.csv", "UTC", set())
    assert pool_warnings(rows, "p.csv") == []


def test_a_manager_close_only_to_the_person_themselves_stays_silent():
    me = Member("Jo Li", "jo.li@acme.example", 4, reports_to="jo.lu@acme.example", line=2)
    assert near_miss_warnings([me], "p.csv") == []


def test_names_with_escape_sequences_are_printed_without_them():
    marco = Member("Marco \x1b]52;c;aGk=\x07Conti", "marco.conti@acme.exmaple", 6, line=2)
    helga = Member(
        "Helga \u202eBraun\x1b[2J",
        "helga@acme.example",
        5,
        reports_to="marco.conti@acme.example",
        line=3,
    )
    (warning,) = near_miss_warnings([marco, helga], "p.csv")
    assert "line 3 (Helga Braun[2J)" in warning  # what is left is harmless text
    assert "(line 2, Marco ]52;c;aGk=Conti)" in warning
    assert not any(ch in warning for ch in "\x1b\x07\u202e")


def test_pool_zone_warnings_name_the_line_and_the_person():
    rows = parse_pool(
        "\n".join([HEADER, MARCO.replace("Europe/Rome", "EST")]), "p.csv", "UTC", set()
    )
    (warning,) = pool_warnings(rows, "p.csv")
    assert warning.startswith("p.csv line 2 (Marco Conti): time zone 'EST' is an abbreviation")


def test_add_member_near_misses_both_ways():
    marco = Member("Marco Conti", "marco.conti@acme.example", 6, reports_to="ceo@acme.example")
    helga = Member("Helga Braun", "helga@acme.example", 5, reports_to="marco.conti@acme.exmaple")
    (warning,) = newcomer_warnings(helga, [marco])
    assert warning.startswith(
        "--reports-to marco.conti@acme.exmaple matches no member of the group; did you mean "
        "marco.conti@acme.example (Marco Conti)?"
    )
    newcomer = Member("Marco Conti", "marco.conti@acme.exmaple", 6)
    helga = Member("Helga Braun", "helga@acme.example", 5, reports_to="marco.conti@acme.example")
    (warning,) = newcomer_warnings(newcomer, [helga])
    assert warning.startswith(
        "Helga Braun's reports_to marco.conti@acme.example matches no member of the group; "
        "did you mean the newcomer, marco.conti@acme.exmaple?"
    )
    assert (
        newcomer_warnings(
            Member("Nia", "nia@acme.example", 5, reports_to="boss@acme.example"), [marco]
        )
        == []
    )


def test_long_local_parts_are_found_too():
    boss = "maximiliane.von-hohenberg-schoenau@acme.example"  # longer than SHORT_LOCAL
    people = [
        Member("Maxi von Hohenberg", boss, 6, line=2),
        Member("Nora Lind", "nora@acme.example", 5, reports_to=boss.replace("oe", "eo"), line=3),
        Member("Olaf Ek", "olaf@acme.example", 5, reports_to=boss.replace("-s", "-xs"), line=4),
    ]
    warnings = near_miss_warnings(people, "p.csv")
    assert [w.split(":")[0] for w in warnings] == [
        "p.csv line 3 (Nora Lind)",
        "p.csv line 4 (Olaf Ek)",
    ]
