"""The parking lot across sessions: which items a close reviews, which a lobby reads out.

An item is parked in one session; the close of a session marks each of its items (and those
carried into it) "next session", "done" or "drop". An item marked "next session" at one close
is read out in the lobby of every other session until a later close marks it again. Only the
marks are kept here (by item id); the words stay sealed in the vault.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from plg_tui.vault.records import ParkingDecision, SealedItem
from plg_tui.vocabulary import CaptureKind, ParkingMark


def carried_items(
    items: Sequence[SealedItem], decisions: Mapping[str, ParkingDecision], kind: str
) -> list[SealedItem]:
    """Parking-lot items another session's close sent on to the next session."""
    found = []
    for item in items:
        decision = decisions.get(item.id)
        if item.kind != CaptureKind.PARKING or decision is None:
            continue
        if decision.mark is ParkingMark.NEXT and decision.session != str(kind):
            found.append(item)
    return found


def review_items(
    items: Sequence[SealedItem], decisions: Mapping[str, ParkingDecision], kind: str
) -> list[SealedItem]:
    """What the close of session `kind` reviews: its own parking-lot items, those carried into
    it, and those it already marked (a resumed close shows its earlier marks)."""
    carried = {item.id for item in carried_items(items, decisions, kind)}
    found = []
    for item in items:
        if item.kind != CaptureKind.PARKING:
            continue
        decision = decisions.get(item.id)
        marked_here = decision is not None and decision.session == str(kind)
        if item.session == str(kind) or item.id in carried or marked_here:
            found.append(item)
    return found


def unmarked_here(
    items: Sequence[SealedItem], decisions: Mapping[str, ParkingDecision], kind: str
) -> list[SealedItem]:
    """Reviewed items this close has not marked yet: finishing carries them on (nothing a
    member parked is dropped without someone deciding so)."""
    return [
        item
        for item in review_items(items, decisions, kind)
        if item.id not in decisions or decisions[item.id].session != str(kind)
    ]
