"""The keyring, groups/<slug>/keyring: the group's keys wrapped by its passphrase.

The outer layer is a checksum over the public header (it tells a damaged file from a wrong
passphrase); inside, each key is wrapped with AES-GCM under a key derived from the passphrase
(Argon2id), bound to the group and to what the key is for.
"""

from __future__ import annotations

import hmac
import json
import os
from pathlib import Path
from typing import Any

from plg_tui.vault import crypto
from plg_tui.vault.crypto import DecryptError, KdfParams
from plg_tui.vault.errors import DamagedFile, KeyFileError, UnknownFormat, WrongPassphrase
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.paths import KEYRING_LABEL, DataHome
from plg_tui.vault.storage import encode_file, read_header


def _wrap_ad(group_id: str, what: str) -> bytes:
    return f"plg-wrap|{group_id}|{what}".encode()


def keyring_bytes(keys: GroupKeys, passphrase: str, kdf: KdfParams) -> bytes:
    group_id = keys.group_id
    assert keys.private_key is not None
    salt = os.urandom(16)
    wrapping = crypto.derive_passphrase_key(passphrase, salt, kdf)
    header = {
        "group": group_id,
        "file": KEYRING_LABEL,
        "kdf": {"name": "argon2id", **kdf.to_dict()},
        "salt": crypto.b64e(salt),
    }

    def wrap(secret: bytes, what: str) -> str:
        return crypto.b64e(crypto.aes_encrypt(wrapping, secret, _wrap_ad(group_id, what)))

    wrapped = {
        "ops_key": wrap(keys.ops_key, "ops"),
        "private_key": wrap(keys.private_key, "x25519"),
        "public_key": wrap(keys.public_key, "x25519-public"),
    }
    if keys.token_key is not None:
        wrapped["token_key"] = wrap(keys.token_key, "reply-token")
    body = json.dumps(wrapped).encode()
    # The outer layer uses a key derived from the public header alone: it is a checksum that
    # lets "damaged file" be told apart from "wrong passphrase", not a secret.
    return encode_file(_checksum_key(header), header, body)


def _checksum_key(header: dict[str, Any]) -> bytes:
    return crypto.hkdf_subkey(json.dumps(header, sort_keys=True).encode(), "plg keyring checksum")


def read_keyring(home: Path, slug: str) -> tuple[dict[str, Any], dict[str, Any]]:
    path = DataHome(home).group(slug).keyring
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
    kdf = header.get("kdf")
    if not isinstance(kdf, dict):
        raise DamagedFile(path, "no key derivation parameters")
    if kdf.get("name") != "argon2id":
        raise UnknownFormat(path, kdf.get("name"))
    return header, wrapped


def open_keyring(home: Path, slug: str, passphrase: str) -> GroupKeys:
    """The keys the keyring holds; the public key derived from the private key, never read."""
    header, wrapped = read_keyring(home, slug)
    group_id = header["group"]
    path = DataHome(home).group(slug).keyring
    try:
        salt = crypto.b64d(header["salt"])
        problem = crypto.kdf_problem(header["kdf"], salt)
        if problem is not None:
            raise DamagedFile(path, problem)
        kdf = KdfParams.from_dict(header["kdf"])
        ops_blob = crypto.b64d(wrapped["ops_key"])
        priv_blob = crypto.b64d(wrapped["private_key"])
        public_blob = crypto.b64d(wrapped["public_key"]) if "public_key" in wrapped else None
        token_blob = crypto.b64d(wrapped["token_key"]) if "token_key" in wrapped else None
    except (KeyError, ValueError, TypeError, AttributeError):
        raise DamagedFile(path, "incomplete keyring") from None
    wrapping = crypto.derive_passphrase_key(passphrase, salt, kdf)
    try:
        ops_key = crypto.aes_decrypt(wrapping, ops_blob, _wrap_ad(group_id, "ops"))
        private_key = crypto.aes_decrypt(wrapping, priv_blob, _wrap_ad(group_id, "x25519"))
    except DecryptError:
        raise WrongPassphrase(slug) from None
    try:
        token_key = (
            crypto.aes_decrypt(wrapping, token_blob, _wrap_ad(group_id, "reply-token"))
            if token_blob is not None
            else None
        )
    except DecryptError:
        raise DamagedFile(path, "reply token key") from None
    try:
        public_key = crypto.public_from_private(private_key)
        recorded = (
            crypto.aes_decrypt(wrapping, public_blob, _wrap_ad(group_id, "x25519-public"))
            if public_blob is not None
            else public_key  # a keyring written before the record existed
        )
    except (DecryptError, ValueError):
        raise DamagedFile(path, "public key record") from None
    if not hmac.compare_digest(recorded, public_key) or len(ops_key) != 32:
        raise DamagedFile(path, "its keys do not belong together")
    return GroupKeys(slug, group_id, ops_key, public_key, private_key, token_key)
