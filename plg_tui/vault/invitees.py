"""Members whose calendar invitations must be withdrawn: they left, the invitations did not.

A removed member is no longer on the roster, so the companion would never write to them
again; this table keeps what it needs to send them a cancellation (name, address, zone).
"""

from __future__ import annotations

from typing import Any

from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import Member, RecordError

WITHDRAWN_TABLE = "withdrawn_invitees"


def withdrawn_record(member: dict[str, Any], at: str) -> dict[str, Any]:
    """The table's record for a member's roster record (lower-cased address)."""
    return {**member, "email": str(member.get("email", "")).lower(), "withdrawn": at}


def withdrawn_invitees(vault: GroupVault) -> list[Member]:
    try:
        return [Member.from_record(r) for r in vault.db.table(WITHDRAWN_TABLE).all()]
    except RecordError as err:
        raise vault.damaged("a withdrawn invitee record", err) from None
