"""The two layers of the vault: round trips, and each error a person can meet."""

from __future__ import annotations

import errno
import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from plg_tui.vault import crypto
from plg_tui.vault.crypto import DecryptError, SealContext
from plg_tui.vault.errors import (
    DamagedFile,
    DiskWriteError,
    KeyFileError,
    UnknownFormat,
    WrongPassphrase,
)
from plg_tui.vault.group import GroupVault
from plg_tui.vault.keys import change_passphrase, load_operations_keys, unlock
from plg_tui.vault.paths import DataHome
from plg_tui.vault.sealed import item_context
from plg_tui.vault.storage import MAGIC, EncryptedStorage

PASS = "correct horse battery"


def snapshot(home: Path) -> dict[str, bytes]:
    return {
        str(p): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def test_round_trip_operations_and_sealed(make_group, data_home):
    vault = make_group()
    item = vault.add_item("challenge", "I avoid telling Sam his code reviews hurt", member="ada@x")
    vault.close()

    keys = unlock(data_home, "team", PASS)
    reopened = GroupVault(data_home, keys)
    assert reopened.info().module == "giving-feedback"
    assert {m.email for m in reopened.members()} >= {"ada@example.org", "grace@example.org"}
    [stored] = reopened.items("challenge")
    assert stored.id == item
    assert reopened.open_item(stored).text == "I avoid telling Sam his code reviews hurt"


def test_operations_key_alone_cannot_open_sealed_items(make_group, data_home):
    vault = make_group()
    vault.add_item("note", "only the group may read this")
    vault.close()
    ops = GroupVault(data_home, load_operations_keys(data_home, "team"))
    [item] = ops.items("note")
    with pytest.raises(PermissionError):
        ops.open_item(item)
    # Nor does treating the operations key itself as the private key work.
    blob = crypto.b64d(item.sealed)
    with pytest.raises(DecryptError):
        crypto.open_sealed(
            ops.keys.ops_key, item_context(ops.keys.group_id, item.to_record()), blob
        )


def test_sealed_item_is_bound_to_group_and_item_id(make_group, data_home):
    vault = make_group()
    keys = unlock(data_home, "team", PASS)
    context = SealContext(keys.group_id, "item-1", "note")
    blob = keys.seal(context, "text")
    assert keys.open(context, blob) == "text"
    with pytest.raises(DecryptError):
        keys.open(replace(context, item_id="item-2"), blob)
    with pytest.raises(DecryptError):
        keys.open(replace(context, group_id="another-group"), blob)
    vault.close()


def test_wrong_passphrase_is_its_own_error_and_writes_nothing(make_group, data_home):
    make_group().close()
    before = snapshot(data_home)
    with pytest.raises(WrongPassphrase, match="wrong passphrase for group 'team'"):
        unlock(data_home, "team", "not the passphrase")
    with pytest.raises(WrongPassphrase):
        change_passphrase(data_home, "team", "not the passphrase", "a brand new passphrase")
    assert snapshot(data_home) == before


def test_passphrase_change_keeps_data(make_group, data_home, cheap_kdf):
    vault = make_group()
    vault.add_item("note", "kept across passphrase change")
    vault.close()
    change_passphrase(data_home, "team", PASS, "another long passphrase", cheap_kdf)
    with pytest.raises(WrongPassphrase):
        unlock(data_home, "team", PASS)
    keys = unlock(data_home, "team", "another long passphrase")
    reopened = GroupVault(data_home, keys)
    assert reopened.open_item(reopened.items("note")[0]).text == "kept across passphrase change"


@pytest.mark.parametrize("target", ["group.db", "keyring"])
def test_damaged_file_names_the_file(make_group, data_home, target):
    make_group().close()
    path = data_home / "groups" / "team" / target
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0x01
    path.write_bytes(bytes(raw))
    before = snapshot(data_home)
    with pytest.raises(DamagedFile) as caught:
        GroupVault(data_home, unlock(data_home, "team", PASS)).info()
    assert str(path) in str(caught.value)
    assert "damaged or was modified" in str(caught.value)
    assert snapshot(data_home) == before


def test_header_is_bound_as_associated_data(make_group, data_home):
    make_group().close()
    path = data_home / "groups" / "team" / "group.db"
    raw = path.read_bytes()
    tampered = raw.replace(b'"file":"group.db"', b'"file":"group.dc"')
    assert tampered != raw
    path.write_bytes(tampered)
    with pytest.raises(DamagedFile):
        GroupVault(data_home, load_operations_keys(data_home, "team")).info()


def test_unknown_format_version(make_group, data_home):
    make_group().close()
    path = data_home / "groups" / "team" / "group.db"
    raw = bytearray(path.read_bytes())
    assert raw[:4] == MAGIC
    raw[4] = 9
    path.write_bytes(bytes(raw))
    with pytest.raises(UnknownFormat, match="format version 9"):
        GroupVault(data_home, load_operations_keys(data_home, "team")).info()


def test_key_file_missing_or_loose(make_group, data_home):
    make_group().close()
    path = DataHome(data_home).group("team").key_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o640)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_operations_keys(data_home, "team")
    os.chmod(path, 0o604)
    with pytest.raises(KeyFileError):
        load_operations_keys(data_home, "team")
    path.unlink()
    with pytest.raises(KeyFileError, match="missing"):
        load_operations_keys(data_home, "team")


def test_every_write_uses_a_fresh_nonce(tmp_path):
    key = crypto.random_key()
    storage = EncryptedStorage(tmp_path / "x.db", key, "g", "x.db")
    storage.write({"t": {"1": {"a": 1}}})
    first = (tmp_path / "x.db").read_bytes()
    storage.write({"t": {"1": {"a": 1}}})
    second = (tmp_path / "x.db").read_bytes()
    assert first != second
    assert storage.read() == {"t": {"1": {"a": 1}}}


def test_disk_full_leaves_previous_vault_intact(tmp_path, monkeypatch):
    key = crypto.random_key()
    storage = EncryptedStorage(tmp_path / "x.db", key, "g", "x.db")
    storage.write({"t": {"1": {"v": "old"}}})
    real_write = os.write

    def full_disk(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(DiskWriteError, match="previous version is intact"):
        storage.write({"t": {"1": {"v": "new"}}})
    monkeypatch.setattr(os, "write", real_write)
    fresh = EncryptedStorage(tmp_path / "x.db", key, "g", "x.db")
    assert fresh.read() == {"t": {"1": {"v": "old"}}}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_keyring_holds_argon2id_parameters(make_group, data_home, cheap_kdf):
    make_group().close()
    raw = DataHome(data_home).group("team").keyring.read_bytes()
    header_len = int.from_bytes(raw[5:7], "big")
    header = json.loads(raw[7 : 7 + header_len])
    assert header["kdf"] == {"name": "argon2id", **cheap_kdf.to_dict()}
