"""A group's earlier cycles, and starting the next one (group.db's `cycles` table)."""

from __future__ import annotations

from typing import Any

from plg_tui.vault.cycle_record import CycleRecord
from plg_tui.vault.group import GroupVault, now_iso
from plg_tui.vault.records import GroupInfo, Pairing, RecordError


def earlier_cycles(vault: GroupVault) -> list[CycleRecord]:
    """The group's finished cycles, oldest first."""
    try:
        found = [CycleRecord.from_record(c) for c in vault.db.table("cycles").all()]
    except RecordError as err:
        raise vault.damaged("a cycle record", err) from None
    return sorted(found, key=lambda c: c.cycle)


def start_cycle(vault: GroupVault, info: GroupInfo, pairs: list[list[str]] | None) -> None:
    """Keep the current cycle as history and make `info` current, in one write of group.db.

    One write, so a crash leaves the old cycle or the new one, never a cycle without its
    history or partners.
    """
    ended = now_iso()
    finished = CycleRecord.from_info(vault.info(), ended).to_record()
    data = vault.db.storage.read() or {}

    def append(table: str, doc: dict[str, Any]) -> None:
        rows = data.setdefault(table, {})
        rows[str(max((int(k) for k in rows), default=0) + 1)] = doc

    append("cycles", finished)
    data["group"] = {"1": info.to_record()}
    if pairs:
        pairing = Pairing(ended, [list(g) for g in pairs], "auto", info.cycle)
        append("pairings", pairing.to_record())
    vault.db.storage.write(data)
    vault.reopen()
