"""Item 3 of issue 9: the companion seals nothing with a key file whose check fails; the
message stays in the mailbox and is ingested once `plg group repair-keys` has run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from plg_tui.vault import crypto
from plg_tui.vault.paths import DataHome

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

NOW = "2026-12-08T18:45:00+00:00"
PASS = "correct horse battery"
PLG = shutil.which("plg", path=str(Path(sys.executable).parent)) or "plg"


def run(program: list[str], home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*program, "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PLG_HOME": str(home), "PLG_PASSPHRASE": PASS},
    )


def companion(home: Path, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "companion.cli"], home, *args)


def test_a_swapped_key_file_seals_nothing_and_leaves_the_message(
    inbound: Inbound, tmp_path: Path
) -> None:
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    inbound.deliver(maildir, inbound.render("gmail_reply.eml"), "1700000000.M1P1.host")
    path = DataHome(inbound.home).group("team").key_file
    data = json.loads(path.read_text())
    _, attacker_public = crypto.new_keypair()
    data["public_key"] = crypto.b64e(attacker_public)
    path.write_text(json.dumps(data))

    done = companion(inbound.home, "ingest", "--maildir", str(maildir), "--now", NOW)
    assert done.returncode == 2, done.stderr
    assert "keys/team.key was altered or damaged" in done.stderr
    assert "plg group repair-keys team" in done.stderr
    assert os.listdir(maildir / "new") == ["1700000000.M1P1.host"]
    assert os.listdir(maildir / "cur") == []
    assert not (inbound.home / "groups" / "team" / "inbox").exists()

    repaired = run([PLG], inbound.home, "group", "repair-keys", "team")
    assert repaired.returncode == 0, repaired.stderr
    again = companion(inbound.home, "ingest", "--maildir", str(maildir), "--now", NOW)
    assert again.returncode == 0, again.stderr
    assert os.listdir(maildir / "new") == []
    assert len(inbound.texts()) == 1  # sealed to the group's real key: the group reads it
