"""When a member joined this cycle and when session 1 was really held: the dates the plan
starts from, read from group.db's records."""

from __future__ import annotations

from datetime import datetime, timedelta

from companion.outbound.compose import SESSION_MINUTES
from plg_tui.vault.records import GroupInfo, Member, Pairing


def joined_at(member: Member) -> datetime | None:
    """When a member added later joined (aware); None for a founding member or a bad value."""
    if not member.joined:
        return None
    try:
        joined = datetime.fromisoformat(member.joined)
    except ValueError:
        return None
    return joined if joined.tzinfo is not None else None


def joined_in_cycle(member: Member, info: GroupInfo) -> datetime | None:
    """When a member joined, if they joined during this cycle; None for one who was there when
    it started (a newcomer of cycle 1 starts cycle 2 like everyone else: no second welcome)."""
    joined = joined_at(member)
    if joined is None or info.cycle <= 1:
        return joined
    try:
        started = datetime.fromisoformat(info.cycle_started)
    except ValueError:
        return joined
    if started.tzinfo is None or joined > started:
        return joined
    return None


def held_start(info: GroupInfo, pairings: list[Pairing], session1: datetime) -> datetime:
    """Session 1's start; earlier than planned when the session app closed it earlier.

    The session app records the pairs ("session" source) when it closes session 1, so a
    session held before its recorded date starts the practice month from when it was held.
    """
    if not info.session1_held:
        return session1
    closed = [p.created for p in pairings if p.source == "session" and p.cycle == info.cycle]
    try:
        closed_at = datetime.fromisoformat(closed[-1]) if closed and closed[-1] else None
    except ValueError:
        return session1
    if closed_at is None or closed_at.tzinfo is None:
        return session1
    started = closed_at - timedelta(minutes=SESSION_MINUTES)
    return min(session1, started.astimezone(session1.tzinfo))
