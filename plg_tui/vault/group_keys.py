"""A group's keys in memory: what opens its files and what seals and opens its items.

How they are stored on disk (the passphrase-wrapped keyring, the companion's key file) is in
`keyring` and `keys`.
"""

from __future__ import annotations

from dataclasses import dataclass

from plg_tui.vault import crypto
from plg_tui.vault.crypto import SealContext


@dataclass(frozen=True)
class GroupKeys:
    slug: str
    group_id: str
    ops_key: bytes
    public_key: bytes
    private_key: bytes | None = None  # only after unlocking with the passphrase
    token_key: bytes | None = None  # stored once a re-key changed the operations key

    @property
    def reply_secret(self) -> bytes:
        """Keys the HMAC of reply tokens. It survives re-keys, so replies to emails sent
        before one still route; until the first re-key it is derived from the operations key."""
        if self.token_key is not None:
            return self.token_key
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
