"""A candidate pool's files: its operations key and its two encrypted databases.

A pool holds names and addresses (personal data, not anyone's words), so it has only the
operations layer: a random key in `keys/pools/<name>.key` (mode 0600, like a group's key file)
that both `plg` and the unattended companion use, no passphrase. `pool.db` (candidates and the
survey's settings) is written by `plg`; `answers.db` (survey answers, unreadable replies) by
whoever ingests replies, under its exclusive lock with a re-read inside. The pool's survey
ledger (`ledger.db`, `ledger.wal`) is the companion's ledger, kept in the pool's folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from plg_tui.vault import crypto
from plg_tui.vault.atomic import atomic_write, exclusive_lock, remove_tree
from plg_tui.vault.errors import DamagedFile, KeyFileError, VaultError
from plg_tui.vault.generations import SEEN_LABEL, SeenGenerations
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.paths import ANSWERS_DB, POOL_DB, DataHome, PoolFiles, is_valid_slug
from plg_tui.vault.storage import EncryptedStorage, decode_generation

POOL_KEY_VERSION = 1
Tables = dict[str, dict[str, Any]]


class PoolNotFound(VaultError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"no pool '{name}' (see: plg pool list; create it with: plg pool import {name} FILE)"
        )


def pool_names(home: Path) -> list[str]:
    """Every pool with a key file, sorted (a folder breaking the name rule is never opened)."""
    folder = DataHome(home).pools_folder
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_dir() and is_valid_slug(p.name) and pool_exists(home, p.name)
    )


def pool_exists(home: Path, name: str) -> bool:
    return DataHome(home).pool(name).key_file.exists()


def pool_keys(home: Path, name: str, *, create: bool = False) -> GroupKeys:
    """The pool's keys as the companion's ledger and reply tokens use them (no public key:
    nothing of a pool is sealed). `create` makes them when the pool has none yet."""
    files = DataHome(home).pool(name)
    if not files.key_file.exists():
        if not create:
            raise PoolNotFound(name)
        _private_folders(home, files.keys_folder)
        with exclusive_lock(files.key_file):
            if not files.key_file.exists():
                data = {
                    "version": POOL_KEY_VERSION,
                    "pool": name,
                    "id": str(uuid.uuid4()),
                    "ops_key": crypto.b64e(crypto.random_key()),
                }
                files.seen.unlink(missing_ok=True)  # a purged namesake's, under another key
                atomic_write(files.key_file, json.dumps(data).encode(), mode=0o600)
    keys = _read_key_file(files)
    _check_key_opens_pool(files, keys)
    return keys


def _key_file_fix(name: str) -> str:
    return (
        f"put back pool '{name}'s own key file from a backup; if it is lost, the pool cannot "
        f"be opened: start it again with plg pool purge {name} --yes, then "
        f"plg pool import {name} FILE (its survey answers and emails' record are lost)"
    )


def _check_key_opens_pool(files: PoolFiles, keys: GroupKeys) -> None:
    """A key file swapped with another pool's, or altered, opens none of the pool's files;
    blame it, not the first file it fails to open. A file the key does not open while another
    opens is that file's own damage, reported when it is used."""
    labelled = [(files.seen, SEEN_LABEL), (files.pool_db, POOL_DB), (files.answers_db, ANSWERS_DB)]
    present = [(path, label) for path, label in labelled if path.exists()]
    for path, label in present:
        try:
            decode_generation(path, keys.ops_key, path.read_bytes(), keys.group_id, label)
            return
        except (DamagedFile, OSError):
            continue
    if present:
        raise KeyFileError(
            files.key_file,
            "does not open this pool's files (another pool's key file, or altered); "
            + _key_file_fix(files.name),
        )


def _read_key_file(files: PoolFiles) -> GroupKeys:
    path = files.key_file
    st = os.stat(path)
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            path,
            f"permissions {stat.S_IMODE(st.st_mode):o} let others read it; run: chmod 600 {path}",
        )
    fix = _key_file_fix(files.name)
    try:
        data = json.loads(path.read_bytes())
        owner = data.get("pool")
        if data.get("version") == POOL_KEY_VERSION and owner != files.name:
            named = (
                f"pool '{owner}'s" if isinstance(owner, str) and is_valid_slug(owner) else "another"
            )
            raise KeyFileError(path, f"is {named} key file, not pool '{files.name}'s; {fix}")
        if data.get("version") != POOL_KEY_VERSION:
            raise ValueError
        keys = GroupKeys(files.name, str(data["id"]), crypto.b64d(data["ops_key"]), b"")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyFileError(path, f"damaged (unreadable); {fix}") from None
    if len(keys.ops_key) != 32:
        raise KeyFileError(path, f"damaged (wrong key length); {fix}")
    return keys


def _private_folders(home: Path, folder: Path) -> None:
    """`folder` and its parents up to the data home, each made only for its owner."""
    root = Path(home)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    missing = [p for p in (folder, *folder.parents) if p != root and root in p.parents]
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def _seen(files: PoolFiles, keys: GroupKeys) -> SeenGenerations:
    return SeenGenerations(files.seen, keys.ops_key, keys.group_id)


def _storage(home: Path, keys: GroupKeys, label: str) -> EncryptedStorage:
    files = DataHome(home).pool(keys.slug)
    path = files.pool_db if label == POOL_DB else files.answers_db
    return EncryptedStorage(path, keys.ops_key, keys.group_id, label, _seen(files, keys))


def read_pool(home: Path, keys: GroupKeys) -> Tables:
    return _storage(home, keys, POOL_DB).read() or {}


def write_pool(home: Path, keys: GroupKeys, tables: Tables) -> None:
    """Replace pool.db as a whole (an import replaces the candidates; atomic)."""
    _private_folders(home, DataHome(home).pool(keys.slug).folder)
    _storage(home, keys, POOL_DB).write(tables)


def read_answers(home: Path, keys: GroupKeys) -> Tables:
    return _storage(home, keys, ANSWERS_DB).read() or {}


@contextlib.contextmanager
def answers_for_update(home: Path, keys: GroupKeys) -> Iterator[Tables]:
    """answers.db read under its exclusive lock; what the block leaves in it is written."""
    files = DataHome(home).pool(keys.slug)
    if not files.key_file.exists():  # purged while the caller read its mail: nothing to keep
        yield {}
        return
    _private_folders(home, files.folder)
    storage = _storage(home, keys, ANSWERS_DB)
    with exclusive_lock(files.answers_db):
        tables = storage.read() or {}
        yield tables
        if files.key_file.exists():  # a purge that won the race stays a purge
            storage.write(tables)


def ledger_files(home: Path, name: str) -> tuple[Path, Path, Path]:
    """(ledger.db, ledger.wal, the generation record) of the pool's survey ledger."""
    files = DataHome(home).pool(name)
    return files.ledger_db, files.ledger_wal, files.seen


def purge_pool(home: Path, name: str) -> bool:
    """Destroy the pool's key, then its files; False if there was no such pool."""
    from plg_tui.vault.keys import shred_file

    files = DataHome(home).pool(name)
    found = files.key_file.exists() or files.folder.exists()
    shred_file(files.key_file)
    shred_file(files.seen)
    for lock in files.keys_folder.glob(f"{name}.*.lock"):
        lock.unlink(missing_ok=True)
    remove_tree(files.folder)
    return found
