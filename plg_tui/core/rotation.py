"""Who facilitates next: the facilitator role rotates through the group."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime


def _as_utc(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    # Records written without a zone are taken as UTC so they still compare with zoned ones.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def suggest_facilitator(present: Sequence[str], history: Sequence[tuple[str, str]]) -> str | None:
    """The present member who facilitated least recently.

    `history` holds (ISO datetime, member) facilitations. Members who never facilitated come
    first; ties go to roster order, i.e. the order of `present`. None when nobody is present.
    """
    last: dict[str, datetime] = {}
    for when, member in history:
        moment = _as_utc(when)
        if member not in last or moment > last[member]:
            last[member] = moment
    best: str | None = None
    best_key: tuple[int, datetime] | None = None
    for member in present:
        key = (1, last[member]) if member in last else (0, datetime.min.replace(tzinfo=UTC))
        if best_key is None or key < best_key:
            best, best_key = member, key
    return best
