"""Session dates for tests that run the real `plg` program, which reads the real clock: they are
computed from now, so the stage a test expects holds whatever day the suite runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DATE_FORMAT = "%Y-%m-%dT%H:%M"


def session_dates(days_ahead: int = 14, gap_days: int = 28) -> tuple[str, str]:
    """(session 1, session 2) as `plg group create` takes them, session 1 `days_ahead` from now."""
    first = (datetime.now(UTC) + timedelta(days=days_ahead)).replace(hour=14, minute=0)
    second = first + timedelta(days=gap_days)
    return first.strftime(DATE_FORMAT), second.strftime(DATE_FORMAT)


SESSION1, SESSION2 = session_dates()
