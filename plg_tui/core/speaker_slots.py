"""One speaker's slot in a round, and how what is left of a round is shared out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class SpeakerStatus(StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass
class SpeakerSlot:
    member: str
    allotted: float
    used: float = 0.0
    status: SpeakerStatus = SpeakerStatus.WAITING
    bell_rung: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "allotted": self.allotted,
            "used": self.used,
            "status": str(self.status),
            "bell_rung": self.bell_rung,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> SpeakerSlot:
        """KeyError, TypeError or ValueError for a damaged slot."""
        return cls(
            member=str(raw["member"]),
            allotted=float(raw["allotted"]),
            used=float(raw["used"]),
            status=SpeakerStatus(raw["status"]),
            bell_rung=bool(raw["bell_rung"]),
        )


def redivide(slots: list[SpeakerSlot], phase_seconds: float) -> None:
    """Share what is left of the phase equally among the members still waiting.

    Each waiting slot's allotment includes whatever that member already used (after a
    `previous`), so the waiting allotments plus the finished speakers' used time always add
    up to the phase, and nobody gets more than an equal share of it.
    """
    waiting = [slot for slot in slots if slot.status is SpeakerStatus.WAITING]
    if not waiting:
        return
    spent = sum(slot.used for slot in slots if slot.status is not SpeakerStatus.WAITING)
    share = max(0.0, phase_seconds - spent) / len(waiting)
    for slot in waiting:
        slot.allotted = share
