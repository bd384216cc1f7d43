"""The champion's commands, run as the real `plg` program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dates import SESSION1, SESSION2, session_dates

PLG = shutil.which("plg", path=str(Path(sys.executable).parent)) or "plg"
# a new passphrase must be worth ~50 bits: four random words (see core/passphrase_strength)
PASS = "violet tundra pencil harbour"


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [PLG, *args], capture_output=True, text=True, env=full_env, input=stdin, timeout=60
    )


def create(roster: Path, slug: str = "team", *extra: str, passphrase: str = PASS):
    return run(
        "group", "create", slug, "--module", "giving-feedback", "--roster", str(roster),
        "--session1", SESSION1, "--session2", SESSION2,
        "--timezone", "Europe/Berlin", *extra,
        env={"PLG_PASSPHRASE": passphrase},
    )  # fmt: skip


def test_init_creates_home_and_commented_settings(tmp_path):
    home = tmp_path / "h"
    result = run("--home", str(home), "init")
    assert result.returncode == 0, result.stderr
    settings = (home / "plg.toml").read_text()
    assert "[smtp]" in settings
    assert "# host" in settings
    assert (home / "groups").is_dir()
    assert (home / "keys").is_dir()


def test_home_falls_back_to_env(isolated_environment):
    assert run("init").returncode == 0
    assert (isolated_environment / "plg.toml").exists()


def test_create_list_show(roster_file, isolated_environment):
    result = create(roster_file)
    assert result.returncode == 0, result.stderr
    assert "created group 'team' with 5 members" in result.stdout
    listed = run("group", "list")
    assert listed.stdout.startswith("team\tgiving-feedback\t5 members")
    shown = run("group", "show", "team")
    assert "Tomás Ruiz <tomas@example.org>" in shown.stdout
    assert "stage     before session 1" in shown.stdout
    assert PASS not in shown.stdout + listed.stdout


def test_broken_roster_creates_nothing(tmp_path, isolated_environment):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,email,level,reports_to\nA,a@example.org,5,\nB,b@example.org,5,a@example.org\n"
    )
    result = create(bad)
    assert result.returncode != 0
    assert "bad.csv line 3: B reports to A (line 2)" in result.stderr
    assert "a group has 3 to 6 members" not in result.stderr or "this roster has 2" in result.stderr
    assert not (isolated_environment / "groups" / "team").exists()
    assert not list((isolated_environment / "keys").glob("*.key"))


def test_gap_rule_and_override(roster_file):
    result = run(
        "group", "create", "g", "--module", "giving-feedback", "--roster", str(roster_file),
        "--session1", SESSION1, "--session2", session_dates(gap_days=9)[1],
        env={"PLG_PASSPHRASE": PASS},
    )  # fmt: skip
    assert result.returncode != 0
    assert "--allow-gap" in result.stderr


def test_allow_past_records_a_group_that_already_met(roster_file, isolated_environment):
    first, second = session_dates(days_ahead=-3)
    result = run(
        "group", "create", "met", "--module", "giving-feedback", "--roster", str(roster_file),
        "--session1", first, "--session2", second, "--allow-past",
        env={"PLG_PASSPHRASE": PASS},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "stage     practice month, week 1" in run("group", "show", "met").stdout


def test_short_passphrase_refused(roster_file, isolated_environment):
    result = create(roster_file, passphrase="short")
    assert result.returncode != 0
    assert "at least 10" in result.stderr
    assert not (isolated_environment / "groups" / "team").exists()


def test_no_passphrase_without_terminal(roster_file):
    result = run(
        "group", "create", "team", "--module", "giving-feedback", "--roster", str(roster_file),
        "--session1", SESSION1, "--session2", SESSION2,
    )  # fmt: skip
    assert result.returncode != 0
    assert "--passphrase-file" in result.stderr


def test_passwd_with_files(roster_file, tmp_path):
    assert create(roster_file).returncode == 0
    old, new, wrong = tmp_path / "old", tmp_path / "new", tmp_path / "wrong"
    old.write_text(PASS + "\n")
    new.write_text("maple orbit cactus velvet\n")
    wrong.write_text("not it at all\n")
    bad = run("group", "passwd", "team", "--passphrase-file", str(wrong),
              "--new-passphrase-file", str(new))  # fmt: skip
    assert bad.returncode != 0
    assert "wrong passphrase" in bad.stderr
    good = run("group", "passwd", "team", "--passphrase-file", str(old),
               "--new-passphrase-file", str(new))  # fmt: skip
    assert good.returncode == 0, good.stderr


def test_purge_needs_yes_and_shreds(roster_file, isolated_environment):
    assert create(roster_file).returncode == 0
    refused = run("group", "purge", "team")
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert (isolated_environment / "groups" / "team").exists()
    assert run("group", "purge", "team", "--yes").returncode == 0
    assert not (isolated_environment / "groups" / "team").exists()
    assert not (isolated_environment / "keys" / "team.key").exists()
    assert "no group 'team'" in run("group", "show", "team").stderr


def test_pairs_auto_and_set(roster_file):
    assert create(roster_file).returncode == 0
    auto = run("group", "pairs", "team", "--auto", "--seed", "1")
    assert auto.returncode == 0, auto.stderr
    assert auto.stdout.count(" + ") == 3  # two pairs and a trio for five
    spec = "ada@example.org:grace@example.org,linus@example.org:mei@example.org:tomas@example.org"
    assert run("group", "pairs", "team", "--set", spec).returncode == 0
    shown = run("group", "show", "team").stdout
    assert "Ada Lovelace + Grace Hopper" in shown
    missing = run("group", "pairs", "team", "--set", "ada@example.org:grace@example.org")
    assert missing.returncode != 0


@pytest.mark.parametrize("args", [["modules", "list"], ["modules", "check"]])
def test_modules_commands(args):
    result = run(*args)
    assert result.returncode == 0, result.stderr


def test_modules_list_one_per_line_id_first():
    lines = run("modules", "list").stdout.splitlines()
    assert len(lines) >= 12
    ids = [line.split("\t")[0] for line in lines]
    assert "giving-feedback" in ids
    assert "delegating" in ids
    assert all(" " not in i for i in ids)


def test_modules_check_reports_problems(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('id = "broken"\ntitle = "x"\n')
    result = run("modules", "check", str(bad))
    assert result.returncode == 1
    assert "broken.toml" in result.stdout


def test_damaged_file_and_loose_key_are_clear_errors(roster_file, isolated_environment):
    assert create(roster_file).returncode == 0
    key = isolated_environment / "keys" / "team.key"
    key.chmod(0o644)
    loose = run("group", "show", "team")
    assert loose.returncode != 0
    assert f"key file {key}: permissions 644" in loose.stderr
    assert loose.stderr.count("\n") == 1
    key.chmod(0o600)
    db = isolated_environment / "groups" / "team" / "group.db"
    sealed = db.read_bytes()
    db.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 0x01]))
    damaged = run("group", "show", "team")
    assert damaged.returncode != 0
    assert f"{db} is damaged or was modified" in damaged.stderr
    assert "Traceback" not in damaged.stderr


def _spawn_in_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run `plg` on a pseudo-terminal, typing each answer at each passphrase prompt."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:
        os.execv(PLG, [PLG, *args])
    output = b""
    pending = list(answers)
    answered = 0
    while True:
        ready, _, _ = select.select([fd], [], [], 20)
        if not ready:
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        # answer each prompt once it is fully shown (getpass flushes input typed earlier)
        if pending and output.lower().count(b"passphrase: ") > answered:
            answered += 1
            os.write(fd, (pending.pop(0) + "\n").encode())
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


CREATE_ARGS = [
    "group", "create", "team", "--module", "giving-feedback",
    "--session1", SESSION1, "--session2", SESSION2,
]  # fmt: skip


def test_interactive_prompt_asks_twice(roster_file, isolated_environment):
    args = [*CREATE_ARGS, "--roster", str(roster_file)]
    code, out = _spawn_in_terminal(
        args, ["typed quartz lantern mango", "typed quartz lantern mango"]
    )
    assert code == 0, out
    assert "Repeat the passphrase" in out
    assert "typed quartz lantern mango" not in out  # not echoed
    env = {
        "PLG_PASSPHRASE": "typed quartz lantern mango",
        "PLG_NEW_PASSPHRASE": "another plume zebra quilt!",
    }
    result = run("group", "passwd", "team", env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (["", ""], "the passphrase is empty"),
        (["short", "short"], "use at least 10"),
        (
            ["first quartz lantern mango", "second quartz lantern mango"],
            "the two passphrases differ",
        ),
    ],
)
def test_interactive_prompt_refuses(roster_file, isolated_environment, answers, message):
    code, out = _spawn_in_terminal([*CREATE_ARGS, "--roster", str(roster_file)], answers)
    assert code != 0
    assert message in out
    assert not (isolated_environment / "groups" / "team").exists()


def test_a_group_folder_that_cannot_be_opened_is_listed_not_hidden(
    roster_file, isolated_environment
):
    assert create(roster_file).returncode == 0
    (isolated_environment / "groups" / "team" / "group.db").unlink()
    listed = run("group", "list")
    assert listed.stdout.startswith("team\tcannot open: ")
    assert "group.db" in listed.stdout
    assert "missing" in listed.stdout


def test_unknown_module_names_the_option_and_the_known_ids(roster_file):
    result = run(
        "group", "create", "team", "--module", "nope", "--roster", str(roster_file),
        "--session1", SESSION1, "--session2", SESSION2,
        env={"PLG_PASSPHRASE": PASS},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("plg: error: --module: no module 'nope'; known modules: ")


def test_a_guessable_passphrase_is_refused_at_create_and_passwd(roster_file, isolated_environment):
    weak = create(roster_file, passphrase="correct horse battery")
    assert weak.returncode != 0
    assert "too easy to guess" in weak.stderr
    assert "four or more random words" in weak.stderr
    assert "Traceback" not in weak.stderr
    assert not (isolated_environment / "groups" / "team").exists()
    assert create(roster_file).returncode == 0
    env = {"PLG_PASSPHRASE": PASS, "PLG_NEW_PASSPHRASE": "Password2024!"}
    refused = run("group", "passwd", "team", env=env)
    assert refused.returncode != 0
    assert "one of the commonest passwords" in refused.stderr
    # the old passphrase still opens the group; unlocking never judges strength
    env = {"PLG_PASSPHRASE": PASS, "PLG_NEW_PASSPHRASE": "maple orbit cactus velvet"}
    assert run("group", "passwd", "team", env=env).returncode == 0
