"""A group's key material.

- The operations key (random 256 bits) opens the group's .db files. It is stored twice:
  wrapped by the passphrase in `groups/<slug>/keyring` (for people), and plainly in
  `keys/<slug>.key`, mode 0600 (for the unattended companion).
- The X25519 private key opens sealed items. It is wrapped by the passphrase only, so the
  companion can seal a journal entry but never read one.
- The public key is derived from the private key whenever the passphrase is used, and a
  record of it is kept inside the passphrase-wrapped body; no plain copy is trusted. The key
  file's copy carries a check (HMAC under a subkey of the operations key) that the companion
  verifies before sealing anything, and every unlock compares it with the derived key. The
  check stops damage and naive edits; someone holding the operations key can recompute it,
  which the next unlock then reports (see KeyFileAltered).
"""

from __future__ import annotations

import hmac
import json
import os
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plg_tui.vault import crypto
from plg_tui.vault.atomic import atomic_write, exclusive_lock
from plg_tui.vault.crypto import KdfParams
from plg_tui.vault.errors import (
    KeyFileAltered,
    KeyFileError,
    UnknownFormat,
)
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.keyring import keyring_bytes, open_keyring
from plg_tui.vault.paths import DataHome
from plg_tui.vault.staging import finish_pending, hold_in_use

KEYFILE_VERSION = 2
_UNCHECKED_KEYFILE_VERSION = 1  # written before the check existed; upgraded by an unlock
DEFAULT_KDF = KdfParams()


def _keyfile_check(ops_key: bytes, group_id: str, public_key: bytes) -> bytes:
    check_key = crypto.hkdf_subkey(ops_key, "plg key file check v1")
    return crypto.hmac_sha256(check_key, b"plg-keyfile|" + group_id.encode() + b"|" + public_key)


def _write_keyfile(path: Path, keys: GroupKeys) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write(path, keyfile_bytes(keys), mode=0o600)


def keyfile_bytes(keys: GroupKeys) -> bytes:
    """The companion's copy of the keys: JSON, the public key readable by an operator."""
    data = {
        "version": KEYFILE_VERSION,
        "slug": keys.slug,
        "group": keys.group_id,
        "ops_key": crypto.b64e(keys.ops_key),
        "public_key": crypto.b64e(keys.public_key),
        "check": crypto.b64e(_keyfile_check(keys.ops_key, keys.group_id, keys.public_key)),
    }
    if keys.token_key is not None:
        data["token_key"] = crypto.b64e(keys.token_key)
    return json.dumps(data).encode()


def _read_keyfile(path: Path, slug: str) -> tuple[dict[str, Any], GroupKeys]:
    """(raw JSON, keys) of a key file; KeyFileError when unreadable."""
    try:
        data = json.loads(path.read_bytes())
        if data.get("version") not in (KEYFILE_VERSION, _UNCHECKED_KEYFILE_VERSION):
            raise UnknownFormat(path, data.get("version"))
        keys = GroupKeys(
            slug,
            data["group"],
            crypto.b64d(data["ops_key"]),
            crypto.b64d(data["public_key"]),
            token_key=crypto.b64d(data["token_key"]) if "token_key" in data else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyFileError(path, "damaged (unreadable)") from None
    if len(keys.ops_key) != 32 or len(keys.public_key) != 32 or len(keys.reply_secret) != 32:
        raise KeyFileError(path, "damaged (wrong key length)")
    return data, keys


def _check_matches(data: dict[str, Any], keys: GroupKeys) -> bool:
    try:
        check = crypto.b64d(data["check"])
    except (KeyError, ValueError, TypeError, AttributeError):
        return False
    return hmac.compare_digest(check, _keyfile_check(keys.ops_key, keys.group_id, keys.public_key))


def create_group_keys(
    home: Path, slug: str, passphrase: str, kdf: KdfParams = DEFAULT_KDF
) -> GroupKeys:
    private_key, public_key = crypto.new_keypair()
    keys = GroupKeys(slug, str(uuid.uuid4()), crypto.random_key(), public_key, private_key)
    files = DataHome(home).group(slug)
    files.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    files.seen.unlink(missing_ok=True)  # a purged namesake's, under another key
    atomic_write(files.keyring, keyring_bytes(keys, passphrase, kdf))
    _write_keyfile(files.key_file, keys)
    return keys


def _since(path: Path) -> str:
    changed = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return changed.strftime("%Y-%m-%d %H:%M UTC")


def _verify_keyfile(home: Path, keys: GroupKeys) -> None:
    """Refuse to go on when the companion's copy of the keys differs from the keyring's."""
    path = DataHome(home).group(keys.slug).key_file
    if not path.exists():
        return  # nothing can be sealed with a missing file; the companion reports it
    try:
        data, copy = _read_keyfile(path, keys.slug)
    except KeyFileError:
        raise KeyFileAltered(path, keys.slug, "is damaged") from None
    if copy.public_key != keys.public_key:
        raise KeyFileAltered(
            path,
            keys.slug,
            f"was altered: items written since {_since(path)} (its last change) "
            "may be readable by someone else",
        )
    if (copy.group_id, copy.ops_key, copy.reply_secret) != (
        keys.group_id,
        keys.ops_key,
        keys.reply_secret,
    ):
        raise KeyFileAltered(path, keys.slug, "was altered (it holds another group's keys)")
    if data.get("version") == _UNCHECKED_KEYFILE_VERSION:
        _write_keyfile(path, keys)  # the copy is right: add the check an older plg lacked
    elif not _check_matches(data, copy):
        raise KeyFileAltered(path, keys.slug, "is damaged (its check does not match)")


def unlock(home: Path, slug: str, passphrase: str) -> GroupKeys:
    """Open the group with its passphrase: both the operations key and the private key.

    Raises KeyFileAltered when keys/<slug>.key no longer matches the keyring.
    """
    hold_in_use(home, slug)
    finish_pending(home, slug)
    keys = open_keyring(home, slug, passphrase)
    _verify_keyfile(home, keys)
    return keys


def repair_keyfile(home: Path, slug: str, passphrase: str) -> GroupKeys:
    """Rewrite keys/<slug>.key from the keyring (the passphrase proves who asks)."""
    hold_in_use(home, slug)
    finish_pending(home, slug)
    with exclusive_lock(DataHome(home).group(slug).keyring):
        keys = open_keyring(home, slug, passphrase)
        _write_keyfile(DataHome(home).group(slug).key_file, keys)
    return keys


def load_operations_keys(home: Path, slug: str) -> GroupKeys:
    """The unattended path: the operations key from keys/<slug>.key, never the private key."""
    path = DataHome(home).group(slug).key_file
    hold_in_use(home, slug)
    finish_pending(home, slug)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise KeyFileError(
            path, "missing; the companion cannot open this group without it"
        ) from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            path,
            f"permissions {stat.S_IMODE(st.st_mode):o} let others read it; run: chmod 600 {path}",
        )
    data, keys = _read_keyfile(path, slug)
    if data.get("version") == _UNCHECKED_KEYFILE_VERSION:
        raise KeyFileAltered(
            path, slug, "was written by an older plg and carries no check, so nothing is sealed"
        )
    if data.get("slug", slug) != slug or not _check_matches(data, keys):
        raise KeyFileAltered(
            path, slug, "was altered or damaged (its check does not match), so nothing is sealed"
        )
    return keys


def change_passphrase(
    home: Path, slug: str, old: str, new: str, kdf: KdfParams = DEFAULT_KDF
) -> None:
    ring = DataHome(home).group(slug).keyring
    finish_pending(home, slug)
    with exclusive_lock(ring):
        keys = open_keyring(home, slug, old)
        assert keys.private_key is not None
        atomic_write(ring, keyring_bytes(keys, new, kdf))


def shred_file(path: Path) -> None:
    """Overwrite then remove; the real protection is that the keys are gone.

    A link is removed, never written through: its target is not ours to overwrite."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode):
        with os.fdopen(os.open(path, os.O_RDWR | os.O_NOFOLLOW), "r+b") as handle:
            handle.write(os.urandom(st.st_size))
            handle.flush()
            os.fsync(handle.fileno())
    path.unlink()
