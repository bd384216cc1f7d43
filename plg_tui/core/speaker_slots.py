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
    # Skipped once and moved to the end of the queue: a second skip takes them out of the round.
    deferred: bool = False

    @property
    def left(self) -> float:
        """What is left of this slot (never negative: overtime is shown elsewhere)."""
        return max(0.0, self.allotted - self.used)

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "allotted": self.allotted,
            "used": self.used,
            "status": str(self.status),
            "bell_rung": self.bell_rung,
            "deferred": self.deferred,
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
            deferred=bool(raw.get("deferred", False)),
        )


def redivide(
    slots: list[SpeakerSlot],
    current: int,
    phase_seconds: float,
    floor: float,
    *,
    current_keeps: bool = True,
) -> None:
    """Share what is left of the phase equally among the members still to speak.

    The speakers before `current` have finished (their used time is spent). When
    `current_keeps`, the current speaker keeps their own allotment (or what they used, once
    over it) and those after them share the rest; otherwise the current speaker shares too.
    No share is less than `floor`: when the round cannot fit it runs over, rather than start
    someone at nothing. A share includes whatever that member already used (after a
    `previous`), so nobody gets more than an equal share.
    """
    if current >= len(slots):
        return
    committed = sum(slot.used for slot in slots[:current])
    first = current
    if current_keeps:
        committed += max(slots[current].allotted, slots[current].used)
        first += 1
    sharing = slots[first:]
    if not sharing:
        return
    share = max(floor, (phase_seconds - committed) / len(sharing))
    for slot in sharing:
        slot.allotted = share


def move_to(slots: list[SpeakerSlot], member: str, position: int) -> None:
    """Move `member`'s slot so that it sits at `position` (the others keep their order)."""
    index = next(i for i, slot in enumerate(slots) if slot.member == member)
    slot = slots.pop(index)
    slots.insert(position if index >= position else position - 1, slot)
