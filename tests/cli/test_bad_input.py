"""Broken input a champion might produce: each gives a clear error naming the file, setting or
line, exits non-zero, prints no traceback and changes no file under the data home."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import all_bytes_under
from tests.dates import SESSION1, SESSION2, session_dates

BIN = Path(sys.executable).parent
EMAIL_TOML = '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'


def create(module: str = "giving-feedback", session1: str = SESSION1) -> tuple[str, ...]:
    return ("group", "create", "new", "--roster", "{roster}", "--module", module,
            "--session1", session1, "--session2", SESSION2,
            "--timezone", "Europe/Berlin")  # fmt: skip


def write_toml(text: str) -> Callable[[Path], None]:
    def setup(home: Path) -> None:
        (home / "plg.toml").write_text(text, encoding="utf-8")

    return setup


def remove_group_db(home: Path) -> None:
    (home / "groups" / "team" / "group.db").unlink()


def open_key_file(home: Path) -> None:
    (home / "keys" / "team.key").chmod(0o644)


def nothing(home: Path) -> None:
    return None


@dataclass(frozen=True)
class Case:
    setup: Callable[[Path], None]
    program: str
    args: tuple[str, ...]
    code: int
    says: str  # the error line must contain this
    stdin: bytes = b""


CASES = {
    "plg.toml syntax error (companion)": Case(
        write_toml('[smtp\nhost = "x"\n'), "plg-companion", ("run",), 2, "plg.toml: Expected ']'"
    ),
    "plg.toml syntax error (session app)": Case(
        write_toml("[keys\n"), "plg", ("session", "team"), 1, "(at line 1, column 6)"
    ),
    "smtp port is a string": Case(
        write_toml(EMAIL_TOML + '[smtp]\nhost = "localhost"\nport = "25"\n'),
        "plg-companion",
        ("run",),
        2,
        "plg.toml [smtp] port: must be a whole number",
    ),
    "smtp port out of range": Case(
        write_toml(EMAIL_TOML + '[smtp]\nhost = "localhost"\nport = 99999\n'),
        "plg-companion",
        ("send",),
        2,
        "[smtp] port: must be between 1 and 65535, not 99999",
    ),
    "imap port is a string": Case(
        write_toml(EMAIL_TOML + '[imap]\nhost = "localhost"\nport = "x"\n'),
        "plg-companion",
        ("ingest",),
        2,
        "plg.toml [imap] port",
    ),
    "module that does not exist": Case(
        nothing,
        "plg",
        create(module="no-such-module"),
        1,
        "no module 'no-such-module'; known modules: ",
    ),
    "session date that is not ISO": Case(
        nothing,
        "plg",
        create(session1="tomorrow"),
        1,
        "--session1: 'tomorrow' is not a date",
    ),
    "session 1 in the past": Case(
        nothing,
        "plg",
        create(session1=session_dates(days_ahead=-2)[0]),
        1,
        "is in the past: no invitation or reminder for it can go out (add --allow-past",
    ),
    "--now that is not ISO": Case(
        write_toml(EMAIL_TOML), "plg-companion", ("run", "--now", "yesterday"), 2, "--now 'yester"
    ),
    "--now that is not ISO, message on stdin from an MTA": Case(
        write_toml(EMAIL_TOML),
        "plg-companion",
        ("ingest", "-", "--now", "yesterday"),
        75,
        "--now 'yesterday': use ISO 8601",
        stdin=b"From: someone@example.org\n\nhello\n",
    ),
    "group.db missing (plg)": Case(
        remove_group_db, "plg", ("group", "show", "team"), 1, "team/group.db is missing"
    ),
    "group.db missing (companion)": Case(
        remove_group_db,
        "plg-companion",
        ("preview", "team", "--member", "ada@example.org", "--kind", "weekly"),
        1,
        "team/group.db is missing",
    ),  # fmt: skip
    "key file readable by others (plg)": Case(
        open_key_file, "plg", ("group", "show", "team"), 1, "permissions 644 let others read it"
    ),
    "key file readable by others (dry run)": Case(
        open_key_file,
        "plg-companion",
        ("run", "--dry-run", "--group", "team"),
        1,
        "run: chmod 600",
    ),
    "group that does not exist (dry run)": Case(
        write_toml(EMAIL_TOML),
        "plg-companion",
        ("send", "--dry-run", "--group", "nope"),
        1,
        "no group 'nope'",
    ),
    "unknown --kind": Case(
        nothing,
        "plg-companion",
        ("preview", "team", "--member", "ada@example.org", "--kind", "digest"),
        2,
        "argument --kind: invalid choice: 'digest'",
    ),
    "data home that is a file": Case(
        nothing,
        "plg-companion",
        ("--home", "{roster}", "status"),
        75,
        "roster.csv/plg.toml: Not a directory",
    ),
}


def snapshot(home: Path) -> dict[Path, bytes]:
    return {p: data for p, data in all_bytes_under(home) if not p.name.endswith(".lock")}


def run(
    program: str, args: list[str], stdin: bytes, passphrase: str = "correct horse battery"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / program), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PLG_PASSPHRASE": passphrase},
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_clear_line(name: str, make_group, data_home: Path, roster_file: Path):
    case = CASES[name]
    make_group("team").close()
    (data_home / "plg.toml").write_text(EMAIL_TOML, encoding="utf-8")
    case.setup(data_home)
    before = snapshot(data_home)
    args = [a.replace("{roster}", str(roster_file)) for a in case.args]
    done = run(case.program, args, case.stdin)
    err = done.stderr.decode()
    assert done.returncode == case.code, err
    assert "Traceback" not in err + done.stdout.decode()
    lines = [line for line in err.splitlines() if line.strip()]
    error_lines = [line for line in lines if case.says in line]
    assert error_lines, err
    assert error_lines[0].startswith(f"{case.program}"), err
    assert snapshot(data_home) == before
    assert not (data_home / "groups" / "new").exists()


def test_excel_roster_with_bom_semicolons_and_an_empty_trailing_column_works(
    data_home: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "excel.csv"
    rows = [
        "name;email;title;level;reports_to;department;timezone;",
        "Ada Lovelace;ada@example.org;EM;5;cto@example.org;Eng;Europe/London;",
        "Grace Hopper;grace@example.org;EM;5;cto@example.org;Eng;America/New_York;",
        "Linus Park;linus@example.org;QA;4;vpq@example.org;Q;;",
    ]
    roster.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode() + b"\r\n")
    args = [a.replace("{roster}", str(roster)) for a in create()]
    done = run("plg", args, b"", passphrase="orbit cactus velvet plume")
    assert done.returncode == 0, done.stderr
    shown = run("plg", ["group", "show", "new"], b"")
    assert b"Ada Lovelace <ada@example.org>" in shown.stdout
    assert b"Linus Park <linus@example.org>" in shown.stdout
