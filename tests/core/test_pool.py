"""A pool of candidates: the roster's checks without a group's size and level rules, plus
topics and availability; stored encrypted; survey answers applied by load_candidates."""

from __future__ import annotations

import pytest

from plg_tui.core.pool import Candidate, import_pool, load_candidates
from plg_tui.core.pool_csv import parse_pool
from plg_tui.core.roster import RosterError
from plg_tui.vault.paths import BadPoolName, DataHome
from plg_tui.vault.pool_store import answers_for_update, pool_keys, purge_pool

HEADER = "name,email,title,level,reports_to,department,timezone,topics,available"
MODULES = {"giving-feedback", "delegating", "one-on-ones"}


def pool(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


ADA = (
    "Ada Lovelace,ada@example.org,EM,3,ceo@example.org,Eng,Europe/London,"
    "giving-feedback|delegating,yes"
)
BOB = "Bob Byte,bob@example.org,Ops Lead,6,ada@example.org,Ops,Asia/Tokyo,,no"
CY = "Cy Twombly,cy@example.org,,2,,,,,"


def test_any_size_any_levels_and_managers_outside_the_pool():
    rows = parse_pool(pool(ADA, BOB), "p.csv", "UTC", MODULES)
    assert [r.member.email for r in rows] == ["ada@example.org", "bob@example.org"]
    assert rows[0].topics == ("giving-feedback", "delegating")
    assert rows[0].member.reports_to == "ceo@example.org"  # not in the pool: fine
    assert [r.available for r in rows] == [True, False]


def test_topics_and_available_are_optional_columns():
    text = pool(CY.rsplit(",", 2)[0], header=HEADER.rsplit(",", 2)[0])
    (row,) = parse_pool(text, "p.csv", "Europe/Berlin", MODULES)
    assert row.topics == ()
    assert row.available
    assert row.member.timezone == "Europe/Berlin"


BAD = [
    ("unknown topic", pool(ADA.replace("delegating", "delegatoin")), "'delegatoin' is not"),
    ("topic twice", pool(ADA.replace("delegating", "giving-feedback")), "names a module twice"),
    ("available maybe", pool(BOB.replace(",no", ",maybe")), "'maybe' is not yes or no"),
    ("bad email", pool(CY.replace("cy@example.org", "cy@")), "'cy@' is not a valid email"),
    ("bad level", pool(CY.replace(",2,", ",two,")), "'two' is not a whole number"),
    ("bad zone", pool(CY.replace(",,,,", ",,,Mars/Base,")), "'Mars/Base' is not a known time zone"),
    ("duplicate", pool(ADA, ADA), "already used on line 2"),
    ("misspelt column", pool(CY, header=HEADER.replace("topics", "topcs")), "misspelt 'topics'"),
    ("no rows", pool(), "no candidates"),
    ("missing column", "name,email\nx,x@example.org\n", "missing column(s) level"),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_pools_name_file_line_and_person(case, text, expected):
    with pytest.raises(RosterError) as raised:
        parse_pool(text, "pool.csv", "UTC", MODULES)
    message = str(raised.value)
    assert expected in message
    assert "pool.csv" in message


def test_error_names_line_and_person():
    with pytest.raises(RosterError, match=r"pool.csv line 3: .*\(person: Bob Byte\)"):
        parse_pool(pool(ADA, BOB.replace(",no", ",perhaps")), "pool.csv", "UTC", MODULES)


def test_import_stores_encrypted_and_reimport_replaces(tmp_path):
    home = tmp_path / "home"
    csv_file = tmp_path / "pool.csv"
    csv_file.write_text(pool(ADA, BOB))
    import_pool(home, "q1", csv_file)
    files = DataHome(home).pool("q1")
    assert files.key_file.stat().st_mode & 0o077 == 0
    for path in files.folder.rglob("*"):
        raw = path.read_bytes()
        assert b"Lovelace" not in raw, path
        assert b"ada@example.org" not in raw, path
    csv_file.write_text(pool(CY))
    import_pool(home, "q1", csv_file)
    assert [c.email for c in load_candidates(DataHome(home), "q1")] == ["cy@example.org"]


def test_a_bad_reimport_keeps_the_old_pool(tmp_path):
    home = tmp_path / "home"
    csv_file = tmp_path / "pool.csv"
    csv_file.write_text(pool(ADA))
    import_pool(home, "q1", csv_file)
    csv_file.write_text(pool(ADA, "broken,line"))
    with pytest.raises(RosterError):
        import_pool(home, "q1", csv_file)
    assert [c.name for c in load_candidates(DataHome(home), "q1")] == ["Ada Lovelace"]


def test_survey_answers_override_topics_and_declines_make_unavailable(tmp_path):
    home = tmp_path / "home"
    csv_file = tmp_path / "pool.csv"
    csv_file.write_text(pool(ADA, BOB.replace(",no", ",yes"), CY))
    import_pool(home, "q1", csv_file)
    with answers_for_update(home, pool_keys(home, "q1")) as tables:
        tables["answers"] = {
            "1": {"email": "ada@example.org", "state": "answered", "choices": ["one-on-ones"]},
            "2": {"email": "bob@example.org", "state": "declined"},
            "3": {"email": "cy@example.org", "state": "unreadable"},
        }
    ada, bob, cy = load_candidates(DataHome(home), "q1")
    assert ada == Candidate(
        "Ada Lovelace", "ada@example.org", "EM", 3, "ceo@example.org", "Eng",
        "Europe/London", ("one-on-ones",), True,
    )  # fmt: skip
    assert not bob.available
    assert cy.topics == ()
    assert cy.available


@pytest.mark.parametrize("name", ["../x", "/abs", "Big", "a\nb", "", "x" * 49])
def test_bad_pool_names_are_refused(tmp_path, name):
    csv_file = tmp_path / "pool.csv"
    csv_file.write_text(pool(ADA))
    with pytest.raises(BadPoolName):
        import_pool(tmp_path / "home", name, csv_file)
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.db"))


def test_purge_destroys_key_and_files(tmp_path):
    home = tmp_path / "home"
    csv_file = tmp_path / "pool.csv"
    csv_file.write_text(pool(ADA))
    import_pool(home, "q1", csv_file)
    assert purge_pool(home, "q1")
    files = DataHome(home).pool("q1")
    assert not files.key_file.exists()
    assert not files.folder.exists()
    assert not list(files.keys_folder.iterdir())
