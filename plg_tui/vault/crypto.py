"""The primitives of both layers: AEAD, Argon2id key wrapping, and sealing to a group key.

Sealing follows age's construction: an ephemeral X25519 key agreement with the group's public
key, HKDF-SHA256 to derive a one-time key, ChaCha20-Poly1305 with associated data that binds the
item's whole `SealContext` (group, item, kind, member, session or week, creation time), so a
sealed item cannot be moved to another group, member, session or slot unnoticed.

Sealing needs only the public key, which the companion (and so whoever holds the operations
key file) has. Items written in a session therefore also carry an `item_auth_tag`, an HMAC under
a key derived from the passphrase-held private key: an item without a valid tag was not written
in a session. Version 1 seals bound only group and item id; they still open, marked as older.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEAL_VERSION = 2
LEGACY_SEAL_VERSION = 1
_SEAL_INFO = {LEGACY_SEAL_VERSION: b"plg-seal-v1", SEAL_VERSION: b"plg-seal-v2"}
_ITEM_AUTH_PURPOSE = "plg item auth v1"
NONCE_BYTES = 12


class DecryptError(Exception):
    """Authentication failed: wrong key, or the bytes were changed."""


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 4

    def to_dict(self) -> dict[str, int]:
        return {"memory_kib": self.memory_kib, "iterations": self.iterations, "lanes": self.lanes}

    @classmethod
    def from_dict(cls, data: dict[str, int]) -> KdfParams:
        return cls(int(data["memory_kib"]), int(data["iterations"]), int(data["lanes"]))


# What a keyring header may ask of the machine that unlocks it. The header is read before
# anything is authenticated, so without bounds an edited header could demand terabytes of
# memory or years of CPU. The defaults (64 MiB, t=3, p=4) sit well inside.
KDF_BOUNDS = {"memory_kib": (8, 1 << 19), "iterations": (1, 16), "lanes": (1, 16)}
SALT_BYTES = (16, 64)


def kdf_problem(data: object, salt: bytes) -> str | None:
    """Why these header KDF parameters and salt may not be used, or None if they may."""
    if not isinstance(data, dict):
        return "key derivation parameters missing"
    for name, (low, high) in KDF_BOUNDS.items():
        value = data.get(name)
        if type(value) is not int or not low <= value <= high:
            return f"key derivation parameter {name}={value!r} is outside {low}..{high}"
    if data["memory_kib"] < 8 * data["lanes"]:
        return "key derivation memory is below 8 KiB per lane"
    if not SALT_BYTES[0] <= len(salt) <= SALT_BYTES[1]:
        return f"salt of {len(salt)} bytes is outside {SALT_BYTES[0]}..{SALT_BYTES[1]}"
    return None


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def random_key() -> bytes:
    return os.urandom(32)


def derive_passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(passphrase.encode("utf-8"))


def aes_encrypt(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """nonce || ciphertext+tag, with a fresh 96-bit nonce."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def aes_decrypt(key: bytes, blob: bytes, associated: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptError("too short")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated)
    except InvalidTag:
        raise DecryptError("authentication failed") from None


def new_keypair() -> tuple[bytes, bytes]:
    """(private_raw, public_raw) X25519."""
    private = X25519PrivateKey.generate()
    return _raw_private(private), _raw_public(private.public_key())


def public_from_private(private_key: bytes) -> bytes:
    """The X25519 public key that belongs to `private_key` (never read from a file)."""
    return _raw_public(X25519PrivateKey.from_private_bytes(private_key).public_key())


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class SealContext:
    """Everything a sealed item claims to be; bound as associated data, so that changing any
    field in the (operations-key) metadata makes the item fail to open.

    `session` is "trust", "1" or "2" for session items; `week` is set for journal entries.
    """

    group_id: str
    item_id: str
    kind: str
    member: str | None = None
    session: str | None = None
    week: int | None = None
    created: str = ""
    # None for what was written before cycles existed (cycle 1): their bound data stays as it was
    cycle: int | None = None

    def associated_data(self) -> bytes:
        # A JSON list is unambiguous whatever the fields contain ("|" in a name, None vs "").
        fields = [
            _SEAL_INFO[SEAL_VERSION].decode(),
            self.group_id,
            self.item_id,
            self.kind,
            self.member,
            self.session,
            self.week,
            self.created,
        ]
        if self.cycle is not None:
            fields.append(self.cycle)
        return json.dumps(fields, ensure_ascii=True, separators=(",", ":")).encode()

    def legacy_associated_data(self) -> bytes:
        """Version 1 bound only the group and the item id."""
        info = _SEAL_INFO[LEGACY_SEAL_VERSION]
        return b"|".join([info, self.group_id.encode(), self.item_id.encode()])


def _seal_key(
    shared: bytes, ephemeral_public: bytes, recipient_public: bytes, version: int
) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + recipient_public,
        info=_SEAL_INFO[version],
    ).derive(shared)


def seal(public_key: bytes, context: SealContext, plaintext: bytes) -> bytes:
    """Encrypt to the group's public key; only the private key holder can open it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    key = _seal_key(shared, ephemeral_public, public_key, SEAL_VERSION)
    nonce = os.urandom(NONCE_BYTES)
    body = ChaCha20Poly1305(key).encrypt(nonce, plaintext, context.associated_data())
    return bytes([SEAL_VERSION]) + ephemeral_public + nonce + body


def sealed_version(blob: bytes) -> int | None:
    """The seal format version of `blob`, or None when it is no sealed item plg knows."""
    if len(blob) < 1 + 32 + NONCE_BYTES + 16 or blob[0] not in _SEAL_INFO:
        return None
    return blob[0]


def open_sealed(private_key: bytes, context: SealContext, blob: bytes) -> bytes:
    """The plaintext, if `blob` was sealed to this key with exactly this context."""
    version = sealed_version(blob)
    if version is None:
        raise DecryptError("not a sealed item of a known version")
    associated = (
        context.associated_data() if version == SEAL_VERSION else context.legacy_associated_data()
    )
    ephemeral_public = blob[1:33]
    nonce = blob[33 : 33 + NONCE_BYTES]
    try:
        private = X25519PrivateKey.from_private_bytes(private_key)
        recipient_public = _raw_public(private.public_key())
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _seal_key(shared, ephemeral_public, recipient_public, version)
        return ChaCha20Poly1305(key).decrypt(nonce, blob[33 + NONCE_BYTES :], associated)
    except (InvalidTag, ValueError):
        raise DecryptError("authentication failed") from None


def item_auth_tag(private_key: bytes, context: SealContext, sealed: bytes) -> bytes:
    """Proof that a passphrase holder wrote this sealed item with this context.

    Keyed from the private key, which the companion never has: the operations key and the
    public key are enough to seal an item, never to tag one.
    """
    key = hkdf_subkey(private_key, _ITEM_AUTH_PURPOSE)
    # The context is JSON and the digest fixed-length, so the concatenation is unambiguous.
    return hmac_sha256(key, context.associated_data() + hashlib.sha256(sealed).digest())


def item_auth_valid(private_key: bytes, context: SealContext, sealed: bytes, tag: bytes) -> bool:
    return hmac.compare_digest(item_auth_tag(private_key, context, sealed), tag)


def hkdf_subkey(key: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(key)


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()
