"""How far apart a group's two sessions may be: three to five weeks, a month of practice."""

from __future__ import annotations

from datetime import datetime

MIN_GAP_DAYS, MAX_GAP_DAYS = 21, 35


def check_session_gap(session1: datetime, session2: datetime, allow_gap: bool = False) -> list[str]:
    days = (session2 - session1).total_seconds() / 86400
    if session2 <= session1:
        return ["--session2 must be after --session1"]
    if not allow_gap and not MIN_GAP_DAYS <= days <= MAX_GAP_DAYS:
        return [
            f"session 2 is {days:g} days after session 1; it must be {MIN_GAP_DAYS} to "
            f"{MAX_GAP_DAYS} days (use --allow-gap to accept it)"
        ]
    return []
