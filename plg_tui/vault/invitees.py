"""Members whose calendar invitations must be withdrawn: they left, the invitations did not.

A removed member is no longer on the roster, so the companion would never write to them
again; this table keeps what it needs to send them a cancellation (name, address, zone).
"""

from __future__ import annotations

from tinydb import Query

from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import Member, RecordError

WITHDRAWN_TABLE = "withdrawn_invitees"


def record_withdrawn_invitee(vault: GroupVault, member: Member, at: str) -> None:
    """Remember `member` (lower-cased address) for cancellations; once, however often called."""
    record = {**member.to_record(), "email": member.email.lower(), "withdrawn": at}
    vault.db.table(WITHDRAWN_TABLE).upsert(record, Query().email == record["email"])


def withdrawn_invitees(vault: GroupVault) -> list[Member]:
    try:
        return [Member.from_record(r) for r in vault.db.table(WITHDRAWN_TABLE).all()]
    except RecordError as err:
        raise vault._damaged("a withdrawn invitee record", err) from None
