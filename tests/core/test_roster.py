"""Every roster rule, table-driven, including what Excel produces."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from plg_tui.core.roster import RosterError, parse_roster, read_roster
from plg_tui.core.session_gap import check_session_gap

HEADER = "name,email,title,level,reports_to,department,timezone"
A = "Ada Lovelace,ada@example.org,EM,5,boss@example.org,Eng,Europe/London"
B = "Grace Hopper,grace@example.org,EM,5,boss@example.org,Eng,"
C = "Linus Park,linus@example.org,QA Lead,4,,QA,"
D = "Mei Chen,mei@example.org,Ops,5,,Ops,Asia/Kolkata"


def roster(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


VALID = [
    ("three members", roster(A, B, C), 3),
    ("six members", roster(A, B, C, D, *(f"P{i},p{i}@example.org,,5,,," for i in range(2))), 6),
    ("semicolons", roster(A, B, C).replace(",", ";"), 3),
    ("crlf line ends", roster(A, B, C).replace("\n", "\r\n"), 3),
    ("blank lines ignored", roster(A, "", B, ",,,,,,", C), 3),
    ("quoted comma in title", roster(A, B, 'Linus Park,linus@example.org,"QA, Lead",4,,QA,'), 3),
    ("upper-case email lowered", roster(A, B, C.replace("linus@", "LINUS@")), 3),
    ("level spread of one", roster(A, B, C), 3),
    ("non-ascii name", roster(A, B, "Zoë Ångström,zoe@example.org,,5,,,"), 3),
    ("reports to outsider", roster(A, B, C), 3),
]


@pytest.mark.parametrize(("case", "text", "count"), VALID, ids=[v[0] for v in VALID])
def test_valid_rosters(case, text, count):
    members = parse_roster(text, "r.csv", "Europe/Berlin")
    assert len(members) == count
    assert all(m.email == m.email.lower() for m in members)


def test_group_timezone_is_the_default():
    members = parse_roster(roster(A, B, C), "r.csv", "Europe/Berlin")
    assert [m.timezone for m in members] == ["Europe/London", "Europe/Berlin", "Europe/Berlin"]


@pytest.mark.parametrize(
    "encoding_case",
    ["utf-8", "utf-8-sig", "utf-8-sig;"],
)
def test_excel_exports(tmp_path, encoding_case):
    text = roster(A, B, "Zoë Ångström,zoe@example.org,,5,,,")
    if encoding_case.endswith(";"):
        text = text.replace(",", ";")
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding_case.rstrip(";")).replace(b"\n", b"\r\n"))
    members = read_roster(path, "UTC")
    assert members[0].name == "Ada Lovelace"
    assert members[2].name == "Zoë Ångström"


INVALID = [
    ("too few", roster(A, B), ["a group has 3 to 6 members; this roster has 2"]),
    (
        "too many",
        roster(A, B, C, D, *(f"P{i},p{i}@example.org,,5,,," for i in range(3))),
        ["this roster has 7"],
    ),
    (
        "duplicate email any case",
        roster(A, B, C, "Ada Again,ADA@example.org,,5,,,"),
        ["line 5: email ada@example.org is already used on line 2 (Ada Lovelace and Ada Again)"],
    ),
    ("bad email", roster(A, B, "Linus,linus-at-example.org,,5,,,"), ["line 4: field 'email'"]),
    ("empty email", roster(A, B, "Linus,,,5,,,"), ["line 4: field 'email' is empty"]),
    ("empty name", roster(A, B, ",l@example.org,,5,,,"), ["line 4: field 'name' is empty"]),
    ("level not a number", roster(A, B, "Linus,l@example.org,,senior,,,"), ["'senior'"]),
    (
        "direct report",
        roster(A, B, "Linus Park,linus@example.org,,5,ada@example.org,,"),
        ["line 4: Linus Park reports to Ada Lovelace (line 2)"],
    ),
    (
        "chain of reports",
        roster(
            "Ada Lovelace,ada@example.org,,5,grace@example.org,,",
            "Grace Hopper,grace@example.org,,5,linus@example.org,,",
            "Linus Park,linus@example.org,,5,,,",
        ),
        ["Ada Lovelace reports to Linus Park (line 4) through Grace Hopper"],
    ),
    (
        "levels too far apart",
        roster(A, B, "Linus Park,linus@example.org,,3,,,"),
        ["levels must be at most 1 apart", "--allow-level-spread"],
    ),
    (
        "CR in a name",
        roster(A, B, '"Linus\rPark",linus@example.org,,5,,,'),
        ["line 4: field 'name' contains a control character"],
    ),
    (
        "LF in a name",
        roster(A, B, '"Linus\nPark",linus@example.org,,5,,,'),
        ["line 4: field 'name' contains a control character"],
    ),
    (
        "NUL in an email",
        roster(A, B, "Linus,linus@exa\0mple.org,,5,,,"),
        ["line 4: field 'email' contains a control character"],
    ),
    ("unknown time zone", roster(A, B, "Linus,l@example.org,,5,,,Mars/Olympus"), ["Mars/Olympus"]),
    (
        "missing column",
        roster("Ada,ada@example.org", header="name,email"),
        ["line 1: missing column(s) level"],
    ),
    ("empty file", "", ["the file is empty"]),
]


@pytest.mark.parametrize(("case", "text", "expected"), INVALID, ids=[v[0] for v in INVALID])
def test_invalid_rosters(case, text, expected):
    with pytest.raises(RosterError) as caught:
        parse_roster(text, "r.csv", "UTC")
    message = str(caught.value)
    for fragment in expected:
        assert fragment in message


def test_level_spread_allowed_with_flag():
    text = roster(A, B, "Linus Park,linus@example.org,,3,,,")
    assert len(parse_roster(text, "r.csv", "UTC", allow_level_spread=True)) == 3


def test_every_problem_is_reported_at_once():
    text = roster(A, "Bad,not-an-email,,5,,,", "Worse,w@example.org,,high,,,")
    with pytest.raises(RosterError) as caught:
        parse_roster(text, "r.csv", "UTC")
    assert len(caught.value.problems) == 2
    assert "line 3" in caught.value.problems[0]
    assert "line 4" in caught.value.problems[1]


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(roster(A, B, "Zoë,z@example.org,,5,,,").encode("latin-1"))
    with pytest.raises(RosterError, match=r"not UTF-8.*CSV UTF-8"):
        read_roster(path, "UTC")


TZ = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("days", "allow", "ok"),
    [
        (21, False, True),
        (35, False, True),
        (20, False, False),
        (36, False, False),
        (14, True, True),
    ],
)
def test_session_gap(days, allow, ok):
    s1 = datetime(2026, 10, 6, 14, 0, tzinfo=TZ)
    s2 = datetime(2026, 10, 6 + days, 14, 0, tzinfo=TZ) if days < 25 else None
    from datetime import timedelta

    s2 = s1 + timedelta(days=days)
    assert (check_session_gap(s1, s2, allow) == []) is ok


BIG = "x" * (128 * 1024 + 1)


@pytest.mark.parametrize(
    ("case", "text", "expected"),
    [
        (
            "quoted title",
            roster(A, f'Linus,linus@example.org,"{BIG}",4,,QA,'),
            "line 3: field 'title'",
        ),
        (
            "unquoted department",
            roster(A, B, f"Linus,l@example.org,QA,4,,{BIG},"),
            "line 4: field 'department'",
        ),
        (
            "semicolons",
            roster(A, f"Linus;l@example.org;QA;4;;{BIG};").replace(",", ";"),
            "line 3: field 'department'",
        ),
        (
            "quoted over lines",
            roster(A, f'Linus,"l@example.org\n{BIG}",QA,4,,QA,'),
            "line 3: field 'email'",
        ),
        ("in the header", roster(A, B, C, header=HEADER + "," + BIG), "line 1: field 8"),
        ("one 1 MiB line", "x" * (1024 * 1024), "line 1: field 1"),
    ],
)
def test_a_field_over_128_kib_is_named_not_a_csv_error(case, text, expected):
    with pytest.raises(RosterError) as caught:
        parse_roster(text, "roster.csv", "UTC")
    message = str(caught.value)
    assert message == f"roster.csv {expected} is too long (over 128 KiB); is this the right file?"


def test_an_extra_column_from_hr_is_ignored_with_a_note():
    from plg_tui.core.roster_warnings import missing_column_warnings

    header = HEADER + ",employee_id,cost centre"
    rows = [f"{row},E{i},CC{i}" for i, row in enumerate((A, B, C))]
    members = parse_roster(roster(*rows, header=header), "r.csv", "Europe/Berlin")
    assert [m.email for m in members] == [
        "ada@example.org",
        "grace@example.org",
        "linus@example.org",
    ]
    (note,) = missing_column_warnings(header.split(","), "r.csv", "Europe/Berlin")
    assert "employee_id, cost centre ignored" in note


@pytest.mark.parametrize(("typo", "meant"), [("timzone", "timezone"), ("reports to", "reports_to")])
def test_a_misspelt_column_is_refused_naming_the_one_it_resembles(typo, meant):
    header = HEADER.replace(meant, typo)
    with pytest.raises(RosterError) as caught:
        parse_roster(roster(A, B, C, header=header), "r.csv", "Europe/Berlin")
    assert f"r.csv line 1: column '{typo}' looks like a misspelt '{meant}'" in str(caught.value)
