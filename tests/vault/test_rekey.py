"""Item 5 of issue 9: `plg group passwd --rekey` replaces every key, all at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from companion.outbound.ledger import Ledger
from companion.tokens import make_token, parse_token, verify_token
from plg_tui.vault import crypto
from plg_tui.vault.errors import DamagedFile, WrongPassphrase
from plg_tui.vault.group import GroupVault, iter_entries, open_entry, write_sealed_entry
from plg_tui.vault.keyring import open_keyring
from plg_tui.vault.keys import load_operations_keys, unlock
from plg_tui.vault.paths import INBOX, QUARANTINE, DataHome
from plg_tui.vault.rekey import rekey
from plg_tui.vault.sealed import item_context
from plg_tui.vault.staging import release_in_use, staging_dir

OLD = "correct horse battery"
NEW = "plinth marmot quiver tundra solstice"
ADA = "ada@example.org"
MEMBERS = ["ada@example.org", "grace@example.org"]


def fill(home: Path) -> None:
    """A group with something in every file a re-key must carry over."""
    vault = GroupVault(home, unlock(home, "team", OLD))
    vault.add_item("challenge", "before the re-key", member=ADA)
    vault.close()
    ops = load_operations_keys(home, "team")
    write_sealed_entry(home, ops, INBOX, "e1", {"member": ADA, "week": 1}, "journal before")
    write_sealed_entry(home, ops, QUARANTINE, "q1", {"reason": "x"}, "quarantined before")
    with Ledger.locked(home, ops) as ledger:
        ledger.set_member(ADA, at="2026-12-02T09:00:00+00:00", opted_out=True)
        ledger.save()
        ledger.set_message("weekly:1:grace", at="2026-12-02T09:00:00+00:00", state="sent")


def contents(home: Path, passphrase: str) -> dict:
    """Everything the group holds, read the way plg and the companion read it."""
    ops = load_operations_keys(home, "team")
    keys = unlock(home, "team", passphrase)
    vault = GroupVault(home, keys)
    ledger = Ledger.read_only(home, ops)
    found = {
        "items": sorted(str(vault.open_item(i).text) for i in vault.items()),
        "inbox": [open_entry(keys, INBOX, e) for e in iter_entries(home, keys, INBOX)],
        "quarantine": [
            open_entry(keys, QUARANTINE, e) for e in iter_entries(home, keys, QUARANTINE)
        ],
        "stopped": not ledger.may_send_to(ADA),
        "sent": ledger.messages["weekly:1:grace"].state,
        "members": len(vault.members()),
    }
    vault.close()
    return found


BEFORE = {
    "items": ["before the re-key"],
    "inbox": ["journal before"],
    "quarantine": ["quarantined before"],
    "stopped": True,
    "sent": "sent",
    "members": 5,
}


def test_after_a_rekey_an_old_keyring_copy_opens_nothing_new(
    make_group, data_home, tmp_path, cheap_kdf
):
    make_group(passphrase=OLD).close()
    fill(data_home)
    old_ring = tmp_path / "old-keyring"
    shutil.copy2(DataHome(data_home).group("team").keyring, old_ring)
    token = make_token(load_operations_keys(data_home, "team"), ADA, 2, date(2027, 1, 31))

    rekey(data_home, "team", OLD, NEW, cheap_kdf)

    assert contents(data_home, NEW) == BEFORE
    with pytest.raises(WrongPassphrase):
        unlock(data_home, "team", OLD)
    vault = GroupVault(data_home, unlock(data_home, "team", NEW))
    item_id = vault.add_item("challenge", "after the re-key", member=ADA)
    [after] = [i for i in vault.items() if i.id == item_id]
    vault.close()
    ops = load_operations_keys(data_home, "team")
    write_sealed_entry(data_home, ops, INBOX, "e2", {"member": ADA, "week": 2}, "journal after")

    # someone kept the old keyring and knows the old passphrase
    shutil.copy2(old_ring, DataHome(data_home).group("team").keyring)
    stale = open_keyring(data_home, "team", OLD)
    with pytest.raises(crypto.DecryptError):
        stale.open(item_context(stale.group_id, after.to_record()), crypto.b64d(after.sealed))
    with pytest.raises(DamagedFile):  # nor any entry's metadata (new operations key)
        list(iter_entries(data_home, stale, INBOX))
    # a reply to an email sent before the re-key still routes
    parsed = parse_token(token)
    assert parsed is not None
    assert verify_token(ops, parsed, MEMBERS) == ADA


def plg(home: Path, *args: str) -> subprocess.CompletedProcess:
    program = shutil.which("plg", path=str(Path(sys.executable).parent)) or "plg"
    env = {**os.environ, "PLG_PASSPHRASE": OLD, "PLG_NEW_PASSPHRASE": NEW}
    return subprocess.run(
        [program, "--home", str(home), *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_passwd_says_what_it_does_not_protect_against_and_rekey_does(make_group, data_home):
    make_group(passphrase=OLD).close()
    plain = plg(data_home, "group", "passwd", "team")
    assert plain.returncode == 0, plain.stderr
    assert "copy of the old keyring and the" in plain.stdout
    assert "plg group passwd team --rekey" in plain.stdout

    third = "velvet oxbow canyon drizzle lantern"
    env_swap = {**os.environ, "PLG_PASSPHRASE": NEW, "PLG_NEW_PASSPHRASE": third}
    plg_command = shutil.which("plg", path=str(Path(sys.executable).parent)) or "plg"
    done = subprocess.run(
        [plg_command, "--home", str(data_home), "group", "passwd", "team", "--rekey"],
        capture_output=True,
        text=True,
        env=env_swap,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "re-keyed" in done.stdout
    assert unlock(data_home, "team", third).slug == "team"


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from plg_tui.vault.crypto import KdfParams
    from plg_tui.vault.rekey import rekey

    calls = 0
    def step(name):
        global calls
        calls += 1
        if calls == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)

    rekey(Path(sys.argv[1]), "team", {old!r}, {new!r}, KdfParams(1024, 1, 1), step=step)
    """
).format(old=OLD, new=NEW)


def test_a_kill_at_any_step_leaves_the_old_or_the_new_state(make_group, data_home, tmp_path):
    make_group(passphrase=OLD).close()
    fill(data_home)
    release_in_use()
    states = []
    for kill_at in range(1, 60):
        home = tmp_path / f"home-{kill_at}"
        shutil.copytree(data_home, home)
        done = subprocess.run(
            [sys.executable, "-c", KILLER, str(home), str(kill_at)], capture_output=True
        )
        assert done.returncode in (0, -signal.SIGKILL), done.stderr
        try:
            found, state = contents(home, OLD), "old"
        except WrongPassphrase:
            found, state = contents(home, NEW), "new"
        assert found == BEFORE, (kill_at, state)
        assert not staging_dir(home, "team").exists()
        states.append(state)
        release_in_use()
        if done.returncode == 0:
            break
    # killed before the commit: old; from the commit on: new; and never back
    assert states[0] == "old"
    assert states[-1] == "new"
    assert states == sorted(states, key=lambda s: s == "new")
    assert states.count("old") == 4  # started, databases, entries, keys staged
