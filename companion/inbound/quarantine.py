"""Keeping a message that cannot be placed (no valid token, wrong sender, too big...) sealed
in its group's quarantine/, within the limits the group set, for the group to look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from pathlib import Path

from companion.companion_limits import QuarantineLimits
from companion.inbound.inbound_message import MAX_MESSAGE_BYTES, addresses, quarantine_id_for
from companion.inbound.routing import Group
from plg_tui.core.safe_text import printable
from plg_tui.vault.group import write_sealed_entry
from plg_tui.vault.paths import QUARANTINE, DataHome

# A quarantined message is kept for the group to look at; beyond this it is cut.
MAX_QUARANTINED_BYTES = 2 * MAX_MESSAGE_BYTES


@dataclass
class _QuarantineUse:
    """What a group's quarantine/ holds, and what this run added to it."""

    items: int
    size: int
    this_run: int = 0


class QuarantineShelf:
    """Every group's quarantine for one run: what each holds, and room for one more."""

    def __init__(self, home: Path, limits: QuarantineLimits, now: datetime) -> None:
        self.home = home
        self.limits = limits
        self.now = now
        self._use: dict[str, _QuarantineUse] = {}

    def keep(
        self, group: Group, raw: bytes, headers: Message, *, reason: str, sender: str
    ) -> str | None:
        """The entry id the message is kept under; None when the quarantine is full."""
        kept_raw = raw[:MAX_QUARANTINED_BYTES]
        entry_id = quarantine_id_for(kept_raw, group_id=group.keys.group_id)
        path = DataHome(self.home).group(group.slug).quarantine / f"{entry_id}.entry"
        if path.exists():  # read again after a run that died before deleting it
            return entry_id
        use = self._room(group, len(kept_raw))
        if use is None:
            return None
        meta = {
            "reason": reason,
            "date": self.now.isoformat(timespec="seconds"),
            # addresses only: a display name is free text the writer chose; an address can
            # still carry terminal escapes or bidi overrides, so those never get stored
            "sender": printable(sender or ", ".join(dict.fromkeys(addresses(headers, "From"))))[
                :200
            ],
        }
        kept = kept_raw.decode("utf-8", errors="replace")
        written = write_sealed_entry(self.home, group.keys, QUARANTINE, entry_id, meta, kept)
        if written is not None:
            use.items += 1
            use.this_run += 1
            use.size += written.stat().st_size
        return entry_id

    def _room(self, group: Group, size: int) -> _QuarantineUse | None:
        """The group's quarantine use if one more message of `size` bytes fits, else None."""
        use = self._use.get(group.slug)
        if use is None:
            folder = DataHome(self.home).group(group.slug).quarantine
            files = list(folder.glob("*.entry")) if folder.is_dir() else []
            use = _QuarantineUse(len(files), sum(_size(f) for f in files))
            self._use[group.slug] = use
        limits = self.limits
        # sealed and base64-encoded, a message takes about 4/3 of its size on disk
        if (
            use.items >= limits.max_items
            or use.this_run >= limits.max_per_run
            or use.size + size * 4 // 3 > limits.max_bytes
        ):
            return None
        return use


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
