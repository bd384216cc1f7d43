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


def create(
    module: str = "giving-feedback",
    session1: str = SESSION1,
    roster: str = "{roster}",
    more: tuple[str, ...] = (),
) -> tuple[str, ...]:
    return ("group", "create", "new", "--roster", roster, "--module", module,
            "--session1", session1, "--session2", SESSION2,
            "--timezone", "Europe/Berlin", *more)  # fmt: skip


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


def team_keys(home: Path):
    from plg_tui.vault.keys import unlock

    return unlock(home, "team", "correct horse battery")


def journal_with(damage: Callable[[Path, object], None]) -> Callable[[Path], None]:
    """Two good journal entries and a third one that `damage` breaks."""

    def setup(home: Path) -> None:
        from plg_tui.vault.group import write_sealed_entry
        from plg_tui.vault.paths import INBOX

        keys = team_keys(home)
        for entry_id, member, week in (("a1", "ada", 1), ("g2", "grace", 2), ("m3", "mei", 3)):
            meta = {"member": f"{member}@example.org", "week": week, "received": f"2026-12-0{week}"}
            write_sealed_entry(home, keys, INBOX, entry_id, meta, f"JOURNAL-OK-{member}")
        damage(home / "groups" / "team" / INBOX / "g2.entry", keys)

    return setup


def flip_last_byte(path: Path, _keys: object) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


def reseal_with_garbage(path: Path, keys) -> None:
    """Someone with the operations key rewrites the entry: its sealed text is not sealed."""
    import json

    from plg_tui.vault import crypto
    from plg_tui.vault.storage import decode_file, encode_file

    label = f"inbox/{path.stem}"
    meta = json.loads(decode_file(path, keys.ops_key, path.read_bytes(), keys.group_id, label))
    meta["sealed"] = crypto.b64e(b"\x01" + b"x" * 80)
    header = {"group": keys.group_id, "file": label}
    path.write_bytes(encode_file(keys.ops_key, header, json.dumps(meta).encode()))


def big_roster(home: Path) -> None:
    from tests.conftest import ROSTER_HEADER, ROSTER_ROWS

    rows = ROSTER_ROWS.splitlines(keepends=True)
    long_title = 'Linus Park,linus@example.org,"' + "x" * (200 * 1024) + '",4,,QA,\n'
    text = ROSTER_HEADER + rows[0] + rows[1] + long_title + "".join(rows[3:])
    (home.parent / "big.csv").write_text(text, encoding="utf-8")


def stored_call_link(link: str) -> Callable[[Path], None]:
    """A call link written into group.db by someone with the operations key."""

    def setup(home: Path) -> None:
        from plg_tui.core.groups import open_for_operations

        vault = open_for_operations(home, "team")
        vault.update_info(call_link=link)
        vault.close()

    return setup


@dataclass(frozen=True)
class Case:
    setup: Callable[[Path], None]
    program: str
    args: tuple[str, ...]
    code: int
    says: str  # the error line must contain this
    stdin: bytes = b""
    shows: tuple[str, ...] = ()  # standard output must contain each of these


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
    ),
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
    "journal entry damaged on disk": Case(
        journal_with(flip_last_byte),
        "plg",
        ("journal", "team"),
        1,
        "g2.entry is damaged or was modified outside plg",
        shows=("JOURNAL-OK-ada", "JOURNAL-OK-mei"),
    ),
    "journal entry whose sealed text was replaced": Case(
        journal_with(reseal_with_garbage),
        "plg",
        ("journal", "team"),
        1,
        "g2.entry: its sealed text does not open with this group's key",
        shows=("JOURNAL-OK-ada", "JOURNAL-OK-mei"),
    ),
    "roster with a field over 128 KiB": Case(
        big_roster,
        "plg",
        create(roster="{tmp}/big.csv"),
        1,
        "big.csv line 4: field 'title' is too long (over 128 KiB); is this the right file?",
    ),
    "--call-link with CR/LF": Case(
        nothing,
        "plg",
        create(more=("--call-link", "https://meet.example.org/x\r\nBcc: victim@example.net")),
        1,
        "--call-link contains a line break",
    ),
    "--call-link with a lone LF": Case(
        nothing,
        "plg",
        create(more=("--call-link", "https://meet.example.org/x\nX-Evil: 1")),
        1,
        "--call-link contains a line break",
    ),
    "--call-link that is not a web link": Case(
        nothing, "plg", create(more=("--call-link", "meet.example.org/x")), 1, "--call-link must"
    ),
    "call link with CR/LF in group.db (companion)": Case(
        stored_call_link("https://meet.example.org/x\r\nBcc: victim@example.net"),
        "plg-companion",
        ("send", "--dry-run", "--group", "team", "--now", SESSION2),
        1,
        "team/group.db: the call link contains a line break",
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
    args = [
        a.replace("{roster}", str(roster_file)).replace("{tmp}", str(data_home.parent))
        for a in case.args
    ]
    done = run(case.program, args, case.stdin)
    err = done.stderr.decode()
    assert done.returncode == case.code, err
    assert all(text in done.stdout.decode() for text in case.shows), done.stdout
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
