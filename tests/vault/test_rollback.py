"""Item 7 of issue 9: an older copy of a database is refused, and `status` says so."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from companion.outbound.ledger import Ledger, ledger_path
from plg_tui.vault import crypto
from plg_tui.vault.errors import OlderThanSeen, VaultError
from plg_tui.vault.group import GroupVault
from plg_tui.vault.keys import load_operations_keys
from plg_tui.vault.storage import EncryptedStorage

ADA = "ada@example.org"


def stop(home: Path, member: str, at: str) -> None:
    keys = load_operations_keys(home, "team")
    with Ledger.locked(home, keys) as ledger:
        ledger.set_member(member, at=at, opted_out=True)
        ledger.save()


def test_an_old_ledger_copied_back_is_refused_and_status_says_so(make_group, data_home, tmp_path):
    make_group().close()
    keys = load_operations_keys(data_home, "team")
    with Ledger.locked(data_home, keys) as ledger:
        ledger.set_member("grace@example.org", at="2026-12-01T09:00:00+00:00", bouncing=False)
        ledger.save()
    path = ledger_path(data_home, "team")
    shutil.copy2(path, tmp_path / "old-ledger.db")
    stop(data_home, ADA, "2026-12-02T09:00:00+00:00")  # Ada replied STOP
    assert not Ledger.read_only(data_home, keys).may_send_to(ADA)

    shutil.copy2(tmp_path / "old-ledger.db", path)  # undo the STOP
    with pytest.raises(OlderThanSeen, match="this file is older than one already seen") as caught:
        Ledger.read_only(data_home, keys)
    assert str(path) in str(caught.value)
    with pytest.raises(OlderThanSeen), Ledger.locked(data_home, keys):
        pass

    status = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--home", str(data_home), "status", "team"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PLG_HOME": str(data_home)},
    )
    assert status.returncode == 1
    assert f"team: cannot open ({path}: this file is older than one already seen" in status.stdout


def test_an_old_group_db_and_a_removed_ledger_are_refused(make_group, data_home, tmp_path):
    vault = make_group()
    db = data_home / "groups" / "team" / "group.db"
    shutil.copy2(db, tmp_path / "old-group.db")
    vault.update_info(session2_held=True)
    vault.close()
    shutil.copy2(tmp_path / "old-group.db", db)
    with pytest.raises(OlderThanSeen, match="older than one already seen"):
        GroupVault(data_home, load_operations_keys(data_home, "team")).info()

    stop(data_home, ADA, "2026-12-02T09:00:00+00:00")
    ledger_path(data_home, "team").unlink()
    with pytest.raises(OlderThanSeen, match=r"ledger\.db is missing, though generation 1 of it"):
        Ledger.read_only(data_home, load_operations_keys(data_home, "team"))


def test_generations_grow_and_a_new_writer_continues_them(tmp_path):
    key = crypto.random_key()
    first = EncryptedStorage(tmp_path / "x.db", key, "g", "x.db")
    first.write({"t": {"1": {"n": 1}}})
    first.write({"t": {"1": {"n": 2}}})
    second = EncryptedStorage(tmp_path / "x.db", key, "g", "x.db")
    second.write({"t": {"1": {"n": 3}}})  # without reading first: still not a lower generation
    assert b'"generation":3' in (tmp_path / "x.db").read_bytes()
    assert first.read() == {"t": {"1": {"n": 3}}}


def test_a_writer_with_a_stale_key_does_not_overwrite(tmp_path):
    old, new = crypto.random_key(), crypto.random_key()
    stale = EncryptedStorage(tmp_path / "x.db", old, "g", "x.db")
    stale.write({"t": {"1": {"n": 1}}})
    EncryptedStorage(tmp_path / "y.db", new, "g", "x.db").write({"t": {"1": {"n": 2}}})
    os.replace(tmp_path / "y.db", tmp_path / "x.db")  # as a re-key puts its files in place
    with pytest.raises(VaultError):
        stale.write({"t": {"1": {"n": 3}}})
    assert EncryptedStorage(tmp_path / "x.db", new, "g", "x.db").read() == {"t": {"1": {"n": 2}}}
