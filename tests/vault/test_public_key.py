"""Item 3 of issue 9: the group public key cannot be swapped, and item 14's Argon2 bounds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plg_tui.vault import crypto
from plg_tui.vault.errors import DamagedFile, KeyFileAltered
from plg_tui.vault.group import GroupVault
from plg_tui.vault.keyring import _checksum_key
from plg_tui.vault.keys import load_operations_keys, unlock
from plg_tui.vault.paths import DataHome
from plg_tui.vault.sealed import item_context
from plg_tui.vault.storage import encode_file, read_header

PASS = "correct horse battery"


def rewrite_keyring_header(home: Path, change) -> None:
    """What an attacker can do: the keyring's outer layer is only a checksum of its header."""
    path = DataHome(home).group("team").keyring
    header, associated, body = read_header(path, path.read_bytes())
    plain = crypto.aes_decrypt(_checksum_key(header), body, associated)
    change(header)
    path.write_bytes(encode_file(_checksum_key(header), header, plain))


def swap_keyfile_public_key(home: Path, public_key: bytes, *, recompute_check: bool) -> None:
    path = DataHome(home).group("team").key_file
    data = json.loads(path.read_bytes())
    data["public_key"] = crypto.b64e(public_key)
    if recompute_check:  # someone holding the operations key can do this
        from plg_tui.vault.keys import _keyfile_check

        ops = crypto.b64d(data["ops_key"])
        data["check"] = crypto.b64e(_keyfile_check(ops, data["group"], public_key))
    path.write_text(json.dumps(data))


def test_a_swapped_keyring_header_public_key_is_ignored(make_group, data_home):
    make_group().close()
    real = unlock(data_home, "team", PASS)
    attacker_private, attacker_public = crypto.new_keypair()
    rewrite_keyring_header(
        data_home, lambda header: header.update(public_key=crypto.b64e(attacker_public))
    )

    keys = unlock(data_home, "team", PASS)
    assert keys.public_key == real.public_key
    vault = GroupVault(data_home, keys)
    item_id = vault.add_item("challenge", "what only the group may read")
    [item] = vault.items("challenge")
    assert item.id == item_id
    assert vault.open_item(item).text == "what only the group may read"
    with pytest.raises(crypto.DecryptError):
        crypto.open_sealed(
            attacker_private,
            item_context(keys.group_id, item.to_record()),
            crypto.b64d(item.sealed),
        )
    vault.close()


def test_a_naively_swapped_key_file_is_refused_by_the_companion_path(make_group, data_home):
    make_group().close()
    _, attacker_public = crypto.new_keypair()
    swap_keyfile_public_key(data_home, attacker_public, recompute_check=False)
    with pytest.raises(KeyFileAltered, match=r"keys/team\.key was altered or damaged"):
        load_operations_keys(data_home, "team")


def test_unlock_reports_a_key_file_swapped_by_the_operations_key_holder(make_group, data_home):
    make_group().close()
    _, attacker_public = crypto.new_keypair()
    swap_keyfile_public_key(data_home, attacker_public, recompute_check=True)
    path = DataHome(data_home).group("team").key_file
    os.utime(path, (1_700_000_000, 1_700_000_000))  # 2023-11-14 22:13 UTC
    # the companion cannot tell (its check was recomputed), so the next unlock must
    assert load_operations_keys(data_home, "team").public_key == attacker_public
    with pytest.raises(KeyFileAltered) as caught:
        unlock(data_home, "team", PASS)
    message = str(caught.value)
    assert "keys/team.key was altered: items written since 2023-11-14 22:13 UTC" in message
    assert "may be readable by someone else" in message
    assert "plg group repair-keys team" in message


PLG = shutil.which("plg", path=str(Path(sys.executable).parent)) or "plg"


def plg(home: Path, *args: str, passphrase: str = PASS) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PLG, "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PLG_PASSPHRASE": passphrase},
    )


def test_repair_keys_rewrites_the_key_file_from_the_keyring(make_group, data_home):
    make_group().close()
    real = unlock(data_home, "team", PASS)
    _, attacker_public = crypto.new_keypair()
    swap_keyfile_public_key(data_home, attacker_public, recompute_check=True)

    wrong = plg(data_home, "group", "repair-keys", "team", passphrase="not the passphrase")
    assert wrong.returncode == 1
    assert "wrong passphrase" in wrong.stderr
    assert load_operations_keys(data_home, "team").public_key == attacker_public

    done = plg(data_home, "group", "repair-keys", "team")
    assert done.returncode == 0, done.stderr
    assert "rewrote keys/team.key" in done.stdout
    assert load_operations_keys(data_home, "team").public_key == real.public_key
    assert unlock(data_home, "team", PASS).public_key == real.public_key
    data = json.loads(DataHome(data_home).group("team").key_file.read_text())
    assert crypto.b64d(data["public_key"]) == real.public_key  # still inspectable JSON


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("memory_kib", 1 << 40, "memory_kib"),
        ("iterations", 10**9, "iterations"),
        ("lanes", 1 << 24, "lanes"),
        ("lanes", "4", "lanes"),
        ("memory_kib", True, "memory_kib"),
        ("salt", crypto.b64e(b"x" * 4096), "salt of 4096 bytes"),
        ("salt", crypto.b64e(b""), "salt of 0 bytes"),
    ],
)
def test_argon2_parameters_from_a_header_are_bounded(make_group, data_home, field, value, reason):
    make_group().close()

    def change(header: dict) -> None:
        if field == "salt":
            header["salt"] = value
        else:
            header["kdf"][field] = value

    rewrite_keyring_header(data_home, change)
    with pytest.raises(DamagedFile, match=reason) as caught:
        unlock(data_home, "team", PASS)
    assert str(DataHome(data_home).group("team").keyring) in str(caught.value)


def test_a_key_file_from_before_the_check_is_refused_until_an_unlock_adds_it(make_group, data_home):
    make_group().close()
    path = DataHome(data_home).group("team").key_file
    data = json.loads(path.read_text())
    del data["check"]
    path.write_text(json.dumps({**data, "version": 1}))
    with pytest.raises(KeyFileAltered, match="older plg and carries no check"):
        load_operations_keys(data_home, "team")
    unlock(data_home, "team", PASS)  # its public key matches the keyring's: the check is added
    assert (
        load_operations_keys(data_home, "team").public_key
        == unlock(data_home, "team", PASS).public_key
    )
