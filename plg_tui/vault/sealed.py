"""What a sealed item is bound to, and how far an opened one can be trusted.

The operations key (which the companion's host holds) can read and rewrite every item's
metadata and can seal new text to the group's public key. So:

- the metadata a reader relies on (kind, member, session or week, creation time) is bound into
  the seal as associated data: edited metadata makes the item fail to open (DAMAGED);
- an item written in a session carries a tag only a passphrase holder can make: a sealed item
  without a valid tag opens, but as UNVERIFIED ("not written in a session: possibly forged");
- journal and quarantine entries are written by the companion, which has no passphrase, so
  they carry no tag: they are bound to member, week and time, and open as COMPANION.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from plg_tui.vault import crypto
from plg_tui.vault.crypto import LEGACY_SEAL_VERSION, DecryptError, SealContext
from plg_tui.vault.group_keys import GroupKeys


class Standing(StrEnum):
    SESSION = "session"  # opens with its metadata and carries a valid session tag
    COMPANION = "companion"  # an entry the companion wrote: bound to member and week, no tag
    UNVERIFIED = "unverified"  # opens, but no valid session tag: anyone with the key file
    OLDER = "older"  # seal version 1: neither its metadata nor its writer can be verified
    DAMAGED = "damaged"  # does not open with its stored metadata: moved, altered or damaged


WARNINGS: dict[Standing, str] = {
    Standing.UNVERIFIED: "not written in a session: possibly forged",
    Standing.OLDER: "older format: who wrote it, for whom and when cannot be verified",
    Standing.DAMAGED: "damaged or altered outside plg: not shown",
}


@dataclass(frozen=True)
class OpenedItem:
    context: SealContext
    text: str | None  # None when DAMAGED: never show words whose attribution failed
    standing: Standing

    @property
    def warning(self) -> str | None:
        return WARNINGS.get(self.standing)

    @property
    def shown(self) -> str:
        """The text as a reader should see it: with its warning, if it has one."""
        if self.text is None:
            return f"[{self.warning}]"
        return f"{self.text}  [{self.warning}]" if self.warning else self.text


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _week(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _cycle(value: Any) -> int | None:
    """The stored cycle as bound; a stored value of the wrong type is bound as it stands."""
    if value is None:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def item_context(group_id: str, item: Mapping[str, Any]) -> SealContext:
    """The context of a session item stored in group.db's `items` table."""
    return SealContext(
        group_id=group_id,
        item_id=str(item.get("id", "")),
        kind=str(item.get("kind", "")),
        member=_text(item.get("member")),
        session=_text(item.get("session")),
        created=str(item.get("created", "")),
        cycle=_cycle(item.get("cycle")),
    )


def entry_context(
    group_id: str, folder: str, entry_id: str, meta: Mapping[str, Any]
) -> SealContext:
    """The context of a companion entry (inbox: journal; quarantine: the sender stands in)."""
    return SealContext(
        group_id=group_id,
        item_id=f"{folder}/{entry_id}",
        kind=folder,
        member=_text(meta.get("member", meta.get("sender"))),
        week=_week(meta.get("week")),
        created=str(meta.get("received", meta.get("date", ""))),
        cycle=_cycle(meta.get("cycle")),
    )


def _blob(value: Any) -> bytes | None:
    try:
        return crypto.b64d(value)
    except (AttributeError, TypeError, ValueError, binascii.Error):
        return None


def open_with(
    keys: GroupKeys, context: SealContext, sealed: Any, tag: Any, *, taggable: bool
) -> OpenedItem:
    """Open one sealed item against its context; PermissionError without the passphrase."""
    blob = _blob(sealed)
    if blob is None:
        return OpenedItem(context, None, Standing.DAMAGED)
    try:
        text = keys.open(context, blob)
    except (DecryptError, UnicodeDecodeError):
        return OpenedItem(context, None, Standing.DAMAGED)
    if crypto.sealed_version(blob) == LEGACY_SEAL_VERSION:
        return OpenedItem(context, text, Standing.OLDER)
    if not taggable:
        return OpenedItem(context, text, Standing.COMPANION)
    tag_bytes = _blob(tag)
    if tag_bytes is not None and keys.item_tag_valid(context, blob, tag_bytes):
        return OpenedItem(context, text, Standing.SESSION)
    return OpenedItem(context, text, Standing.UNVERIFIED)


def open_session_item(keys: GroupKeys, item: Mapping[str, Any]) -> OpenedItem:
    context = item_context(keys.group_id, item)
    return open_with(keys, context, item.get("sealed"), item.get("auth"), taggable=True)


def open_companion_entry(keys: GroupKeys, folder: str, entry: Mapping[str, Any]) -> OpenedItem:
    context = entry_context(keys.group_id, folder, str(entry.get("id", "")), entry)
    return open_with(keys, context, entry.get("sealed"), None, taggable=False)
