"""Opening a folder of sealed entries (journal inbox, quarantine) one file at a time.

One damaged or tampered file must not hide the others: each entry that cannot be read is
reported by its file, with why, and the rest are opened. Nothing here writes anything.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plg_tui.vault.crypto import DecryptError
from plg_tui.vault.errors import VaultError
from plg_tui.vault.group import open_entry
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.paths import INBOX, DataHome
from plg_tui.vault.records import JournalEntry, cycle_of, entry_member
from plg_tui.vault.storage import decode_file

# What a damaged, truncated or hand-edited entry raises once its outer layer is open.
_UNREADABLE = (DecryptError, ValueError, KeyError, TypeError, binascii.Error)
_FIX = "; restore it from a backup (nothing was written)"


@dataclass(frozen=True)
class DamagedEntry:
    path: Path
    message: str  # one line that names the file and says what to do

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class OpenedEntries:
    entries: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (metadata, text)
    damaged: list[DamagedEntry] = field(default_factory=list)


def read_entries(
    home: Path,
    keys: GroupKeys,
    folder_name: str,
    wanted: Callable[[dict[str, Any]], bool] = lambda _meta: True,
) -> OpenedEntries:
    """Open every entry whose metadata `wanted` accepts, in file-name order.

    The sealed text of an entry is opened only when it is wanted (a member's journal is read
    for that member alone). An entry whose metadata cannot be read is reported whoever asks,
    since nobody can tell whose it was.
    """
    opened = OpenedEntries()
    folder = DataHome(home).group(keys.slug).entries(folder_name)
    if not folder.is_dir():
        return opened
    for path in sorted(folder.glob("*.entry")):
        label = f"{folder_name}/{path.stem}"
        try:
            meta = json.loads(
                decode_file(path, keys.ops_key, path.read_bytes(), keys.group_id, label)
            )
            if not isinstance(meta, dict):
                raise TypeError("not a JSON object")
        except VaultError as err:  # names the file: damaged, tampered, unknown version
            opened.damaged.append(DamagedEntry(path, str(err)))
            continue
        except OSError as err:
            opened.damaged.append(DamagedEntry(path, f"{path}: cannot read it ({err.strerror})"))
            continue
        except _UNREADABLE:
            opened.damaged.append(DamagedEntry(path, f"{path} is not an entry plg wrote{_FIX}"))
            continue
        if not wanted(meta):
            continue
        try:
            text = open_entry(keys, folder_name, meta)
        except _UNREADABLE:
            opened.damaged.append(
                DamagedEntry(
                    path, f"{path}: its sealed text does not open with this group's key{_FIX}"
                )
            )
            continue
        opened.entries.append((meta, text))
    return opened


@dataclass(frozen=True)
class Journal:
    entries: list[JournalEntry]  # oldest first
    damaged: list[DamagedEntry]


def read_journal(
    home: Path, keys: GroupKeys, member: str | None = None, cycle: int | None = None
) -> Journal:
    """The practice journal, or one member's part of it, oldest entry first; one cycle's
    entries when `cycle` is given (entries written before cycles existed are cycle 1's).

    Only the wanted member's sealed texts are opened. A batch read after an outage shares one
    received time; the Date header (`written`) orders it, then the entry id.
    """
    wanted_member = member.strip().lower() if member is not None else None

    def wanted(meta: dict[str, Any]) -> bool:
        if cycle is not None and cycle_of(meta) != cycle:
            return False
        return wanted_member is None or entry_member(meta) == wanted_member

    opened = read_entries(home, keys, INBOX, wanted)
    entries = [JournalEntry.from_record(meta, text) for meta, text in opened.entries]
    entries.sort(key=lambda e: (e.received, e.written, e.id))
    return Journal(entries, list(opened.damaged))
