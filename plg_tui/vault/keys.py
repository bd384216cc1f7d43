"""A group's key material.

- The operations key (random 256 bits) opens the group's .db files. It is stored twice:
  wrapped by the passphrase in `groups/<slug>/keyring` (for people), and plainly in
  `keys/<slug>.key`, mode 0600 (for the unattended companion).
- The X25519 private key opens sealed items. It is wrapped by the passphrase only, so the
  companion can seal a journal entry but never read one.
"""

from __future__ import annotations

import json
import os
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path

from plg_tui.vault import crypto
from plg_tui.vault.atomic import atomic_write, exclusive_lock
from plg_tui.vault.crypto import DecryptError, KdfParams, SealContext
from plg_tui.vault.errors import DamagedFile, KeyFileError, UnknownFormat, WrongPassphrase
from plg_tui.vault.paths import KEYRING_LABEL, keyfile_path, keyring_path
from plg_tui.vault.storage import encode_file, read_header

KEYFILE_VERSION = 1
DEFAULT_KDF = KdfParams()


@dataclass(frozen=True)
class GroupKeys:
    slug: str
    group_id: str
    ops_key: bytes
    public_key: bytes
    private_key: bytes | None = None  # only after unlocking with the passphrase

    @property
    def reply_secret(self) -> bytes:
        """Keys the HMAC of reply tokens; derived so it never needs storing on its own."""
        return crypto.hkdf_subkey(self.ops_key, "plg reply token v1")

    def seal(self, context: SealContext, text: str) -> bytes:
        return crypto.seal(self.public_key, context, text.encode("utf-8"))

    def open(self, context: SealContext, blob: bytes) -> str:
        plain = crypto.open_sealed(self._private("opening a sealed item"), context, blob)
        return plain.decode("utf-8")

    def item_tag(self, context: SealContext, sealed: bytes) -> bytes:
        """Marks an item as written by a passphrase holder (see crypto.item_auth_tag)."""
        return crypto.item_auth_tag(self._private("writing a session item"), context, sealed)

    def item_tag_valid(self, context: SealContext, sealed: bytes, tag: bytes) -> bool:
        return crypto.item_auth_valid(self._private("opening a sealed item"), context, sealed, tag)

    def _private(self, action: str) -> bytes:
        if self.private_key is None:
            raise PermissionError(f"{action} needs the group passphrase")
        return self.private_key


def _wrap_ad(group_id: str, what: str) -> bytes:
    return f"plg-wrap|{group_id}|{what}".encode()


def _keyring_blob(
    group_id: str,
    ops_key: bytes,
    private_key: bytes,
    public_key: bytes,
    passphrase: str,
    kdf: KdfParams,
) -> bytes:
    salt = os.urandom(16)
    wrapping = crypto.derive_passphrase_key(passphrase, salt, kdf)
    header = {
        "group": group_id,
        "file": KEYRING_LABEL,
        "kdf": {"name": "argon2id", **kdf.to_dict()},
        "salt": crypto.b64e(salt),
        "public_key": crypto.b64e(public_key),
    }
    body = json.dumps(
        {
            "ops_key": crypto.b64e(
                crypto.aes_encrypt(wrapping, ops_key, _wrap_ad(group_id, "ops"))
            ),
            "private_key": crypto.b64e(
                crypto.aes_encrypt(wrapping, private_key, _wrap_ad(group_id, "x25519"))
            ),
        }
    ).encode()
    # The outer layer uses a key derived from the public header alone: it is a checksum that
    # lets "damaged file" be told apart from "wrong passphrase", not a secret.
    return encode_file(_checksum_key(header), header, body)


def _checksum_key(header: dict) -> bytes:
    return crypto.hkdf_subkey(json.dumps(header, sort_keys=True).encode(), "plg keyring checksum")


def _write_keyfile(path: Path, keys: GroupKeys) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = {
        "version": KEYFILE_VERSION,
        "slug": keys.slug,
        "group": keys.group_id,
        "ops_key": crypto.b64e(keys.ops_key),
        "public_key": crypto.b64e(keys.public_key),
    }
    atomic_write(path, json.dumps(data).encode(), mode=0o600)


def create_group_keys(
    home: Path, slug: str, passphrase: str, kdf: KdfParams = DEFAULT_KDF
) -> GroupKeys:
    private_key, public_key = crypto.new_keypair()
    keys = GroupKeys(slug, str(uuid.uuid4()), crypto.random_key(), public_key, private_key)
    ring = keyring_path(home, slug)
    ring.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write(
        ring, _keyring_blob(keys.group_id, keys.ops_key, private_key, public_key, passphrase, kdf)
    )
    _write_keyfile(keyfile_path(home, slug), keys)
    return keys


def read_keyring(home: Path, slug: str) -> tuple[dict, dict]:
    path = keyring_path(home, slug)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(path, f"missing: group '{slug}' has no keyring") from None
    header, associated, body = read_header(path, raw)
    if header.get("file") != KEYRING_LABEL or "group" not in header:
        raise DamagedFile(path, "not a keyring")
    try:
        wrapped = json.loads(crypto.aes_decrypt(_checksum_key(header), body, associated))
    except (DecryptError, ValueError):
        raise DamagedFile(path) from None
    if header.get("kdf", {}).get("name") != "argon2id":
        raise UnknownFormat(path, header.get("kdf", {}).get("name"))
    return header, wrapped


def unlock(home: Path, slug: str, passphrase: str) -> GroupKeys:
    """Open the group with its passphrase: both the operations key and the private key."""
    header, wrapped = read_keyring(home, slug)
    group_id = header["group"]
    path = keyring_path(home, slug)
    try:
        kdf = KdfParams.from_dict(header["kdf"])
        salt = crypto.b64d(header["salt"])
        public_key = crypto.b64d(header["public_key"])
        ops_blob = crypto.b64d(wrapped["ops_key"])
        priv_blob = crypto.b64d(wrapped["private_key"])
    except (KeyError, ValueError, TypeError):
        raise DamagedFile(path, "incomplete keyring") from None
    wrapping = crypto.derive_passphrase_key(passphrase, salt, kdf)
    try:
        ops_key = crypto.aes_decrypt(wrapping, ops_blob, _wrap_ad(group_id, "ops"))
        private_key = crypto.aes_decrypt(wrapping, priv_blob, _wrap_ad(group_id, "x25519"))
    except DecryptError:
        raise WrongPassphrase(slug) from None
    return GroupKeys(slug, group_id, ops_key, public_key, private_key)


def load_operations_keys(home: Path, slug: str) -> GroupKeys:
    """The unattended path: the operations key from keys/<slug>.key, never the private key."""
    path = keyfile_path(home, slug)
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
    try:
        data = json.loads(path.read_bytes())
        if data.get("version") != KEYFILE_VERSION:
            raise UnknownFormat(path, data.get("version"))
        keys = GroupKeys(
            slug,
            data["group"],
            crypto.b64d(data["ops_key"]),
            crypto.b64d(data["public_key"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyFileError(path, "damaged (unreadable)") from None
    if len(keys.ops_key) != 32 or len(keys.public_key) != 32:
        raise KeyFileError(path, "damaged (wrong key length)")
    return keys


def change_passphrase(
    home: Path, slug: str, old: str, new: str, kdf: KdfParams = DEFAULT_KDF
) -> None:
    ring = keyring_path(home, slug)
    with exclusive_lock(ring):
        keys = unlock(home, slug, old)
        assert keys.private_key is not None
        atomic_write(
            ring,
            _keyring_blob(keys.group_id, keys.ops_key, keys.private_key, keys.public_key, new, kdf),
        )


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
