"""A group's dated sessions as the invitations see them: when, whether held, which revision.

Every session with a date (the trust-building session when one is scheduled, session 1,
session 2) gets a calendar invitation; `sequence` counts how often its date or the call link
changed, so an update carries a higher SEQUENCE than what the member's calendar holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from plg_tui.core.groups import parse_local
from plg_tui.vault.cycle_record import CycleRecord
from plg_tui.vault.records import GroupInfo
from plg_tui.vocabulary import SessionKind

# The UID carries the cycle (plg group next), so a new cycle's session 1 is a new calendar
# event, never an update of the last one.
FIRST_CYCLE = 1


@dataclass(frozen=True)
class DatedSession:
    kind: SessionKind
    start: datetime  # aware, in the group's time zone
    local: str  # as stored and typed: 2026-11-03T14:00
    held: bool
    sequence: int  # 0 until the date or call link first changes
    cycle: int = FIRST_CYCLE


def held(info: GroupInfo, kind: SessionKind) -> bool:
    return {
        SessionKind.TRUST: info.trust_held,
        SessionKind.ONE: info.session1_held,
        SessionKind.TWO: info.session2_held,
    }[kind]


def stored_date(info: GroupInfo, kind: SessionKind) -> str:
    """The session's local date as group.db keeps it ("" for an unscheduled trust session)."""
    return {
        SessionKind.TRUST: info.trust,
        SessionKind.ONE: info.session1,
        SessionKind.TWO: info.session2,
    }[kind]


def sequence_of(info: GroupInfo, kind: SessionKind) -> int:
    return (info.invitation_sequences or {}).get(str(kind), 0)


def dated_sessions(info: GroupInfo) -> list[DatedSession]:
    """Trust (if scheduled), session 1 and session 2, in that order."""
    sessions = []
    for kind in SessionKind:
        local = stored_date(info, kind)
        if not local:
            continue
        sessions.append(
            DatedSession(
                kind=kind,
                start=parse_local(local, info.timezone, f"session {kind}"),
                local=local,
                held=held(info, kind),
                sequence=sequence_of(info, kind),
                cycle=info.cycle,
            )
        )
    return sessions


def dropped_sessions(record: CycleRecord, timezone: str) -> list[DatedSession]:
    """An earlier cycle's sessions that were never held; those still ahead when the next cycle
    started were dropped by it, and their invitations are withdrawn."""
    dates = {SessionKind.TRUST: record.trust, SessionKind.ONE: record.session1}
    dates[SessionKind.TWO] = record.session2
    held_then = {
        SessionKind.TRUST: record.trust_held,
        SessionKind.ONE: record.session1_held,
        SessionKind.TWO: record.session2_held,
    }
    return [
        DatedSession(
            kind=kind,
            start=parse_local(local, timezone, f"cycle {record.cycle} session {kind}"),
            local=local,
            held=False,
            sequence=0,  # what was sent is in the ledger, which says the last SEQUENCE
            cycle=record.cycle,
        )
        for kind, local in dates.items()
        if local and not held_then[kind]
    ]
