"""A member leaving, as a change to group.db's tables: applied inside a re-key (rekey.py).

The change is made on the database as TinyDB keeps it (table -> document id -> record), so
the re-key can stage it with everything else and commit it in the same step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plg_tui.vault.errors import VaultError
from plg_tui.vault.invitees import WITHDRAWN_TABLE, withdrawn_record
from plg_tui.vault.records import Departure, Pairing


def _insert(data: dict[str, Any], table: str, record: dict[str, Any]) -> None:
    docs = data.setdefault(table, {})
    next_id = max((int(k) for k in docs if str(k).isdigit()), default=0) + 1
    docs[str(next_id)] = record


def member_leaves(
    email: str, at: str, pairs: list[list[str]] | None
) -> Callable[[dict[str, Any]], None]:
    """The edit that takes `email` off the roster, records when they left and, when their
    practice partners changed, the partners from now on (`pairs`; None leaves them as they are).
    """

    def edit(data: dict[str, Any]) -> None:
        members = data.get("members", {})
        found = [k for k, doc in members.items() if str(doc.get("email", "")).lower() == email]
        if not found:
            raise VaultError(f"{email} is not a member of this group (any more); nothing changed")
        withdrawn = data.setdefault(WITHDRAWN_TABLE, {})
        for key in found:
            # kept so the companion can cancel the invitations they were sent
            if not any(doc.get("email") == email for doc in withdrawn.values()):
                _insert(data, WITHDRAWN_TABLE, withdrawn_record(members[key], at))
            del members[key]
        _insert(data, "departures", Departure(email=email, at=at).to_record())
        if pairs is not None:
            pairing = Pairing(created=at, groups=[list(g) for g in pairs], source="member left")
            _insert(data, "pairings", pairing.to_record())

    return edit
