"""Speaker timer for a `round` phase: each present member speaks in turn with an equal slot.

Time is kept as deadlines on an injected monotonic clock: the running speaker's used time is
`banked + (now - run_started)`, so however late the UI gets to draw, what it draws is exact.
Nothing here counts down by ticks.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from plg_tui.core.round_reading import RoundReading
from plg_tui.core.speaker_slots import SpeakerSlot, SpeakerStatus, move_to, redivide

Clock = Callable[[], float]
WallClock = Callable[[], float]

MIN_SLOT_SECONDS = 60.0
_STATE_VERSION = 1


class RoundTimer(RoundReading):
    """Equal speaking slots for one round phase, re-divided whenever a speaker finishes.

    Invariant on the order: slots before the current index are DONE or SKIPPED, the current slot
    is WAITING (not started yet) or SPEAKING, and every slot after it is WAITING.
    """

    def __init__(
        self,
        members: Sequence[str],
        phase_seconds: float,
        clock: Clock,
        wall: WallClock = time.time,
        min_slot_seconds: float = MIN_SLOT_SECONDS,
    ) -> None:
        if not members:
            raise ValueError("a round needs at least one member")
        if len(set(members)) != len(members):
            raise ValueError("a member appears more than once in the round")
        if not math.isfinite(phase_seconds) or phase_seconds < 0:
            raise ValueError("phase_seconds must be a finite number >= 0")
        self._clock = clock
        self._wall = wall
        self.phase_seconds = float(phase_seconds)
        share = self.phase_seconds / len(members)
        # Nobody's re-divided slot drops below this (or the equal slot, when that is smaller).
        self.min_slot = min(max(0.0, min_slot_seconds), share)
        self._slots = [SpeakerSlot(member=m, allotted=share) for m in members]
        self._index = 0
        self._run_started: float | None = None
        # Set by from_dict: how long the timer was running while the app was down.
        self.time_lost = 0.0

    # ---- controls ------------------------------------------------------------------------

    def start(self) -> None:
        if self.finished or self.running:
            return
        self._run_started = self._clock()
        self._slots[self._index].status = SpeakerStatus.SPEAKING

    def pause(self) -> None:
        if not self.running:
            return
        self._bank()
        self._run_started = None

    def toggle(self) -> None:
        if self.running:
            self.pause()
        else:
            self.start()

    def next(self) -> None:
        """The current speaker is done; one who never started is skipped, not "done 0:00"."""
        if self.finished:
            return
        slot = self._slots[self._index]
        if not self.running and slot.used == 0 and slot.status is SpeakerStatus.WAITING:
            self.skip()
        else:
            self._finish_current(SpeakerStatus.DONE)

    def skip(self) -> None:
        """Move the current speaker to the end of the queue; a second skip takes them out."""
        if self.finished:
            return
        slot = self._slots[self._index]
        if slot.deferred:
            self._finish_current(SpeakerStatus.SKIPPED)
            return
        was_running = self.running
        self.pause()
        slot.status = SpeakerStatus.WAITING
        slot.deferred = True
        move_to(self._slots, slot.member, len(self._slots))
        self._redivide(current_keeps=False)
        self._enter_current(was_running)

    def pick_next(self, member: str) -> None:
        """ "You go next": a waiting member speaks after the current speaker, or instead of a
        current speaker who has not started (who then goes right after them)."""
        if member not in self.waiting_members():
            raise ValueError("only a member still waiting can go next")
        current = self._slots[self._index]
        if self.running or current.used > 0:
            move_to(self._slots, member, self._index + 1)
            return
        current.status = SpeakerStatus.WAITING
        move_to(self._slots, member, self._index)
        self._redivide(current_keeps=False)
        self._enter_current(False)

    def add_member(self, member: str) -> None:
        """A latecomer joins at the end of the queue; those still waiting are re-divided.

        Someone already in the round (back from a call they had to take) keeps their place.
        """
        if self.finished:
            raise ValueError("this round is over; they join the next one")
        if any(slot.member == member for slot in self._slots):
            return
        self._slots.append(SpeakerSlot(member=member, allotted=0.0))
        current = self._slots[self._index]
        self._redivide(current_keeps=self.running or current.used > 0)

    def previous(self) -> None:
        """Give the floor back to the speaker before; nobody's used time is lost.

        The speaker brought back keeps their slot; those still waiting are re-divided at once,
        so none of them is left below the floor (a `-1 min` just before could have emptied a
        slot that is waiting again now).
        """
        if self._index == 0:
            return
        was_running = self.running
        self._bank()
        self._run_started = None
        if not self.finished:
            self._slots[self._index].status = SpeakerStatus.WAITING
        self._index -= 1
        self._redivide()
        self._enter_current(was_running)

    def adjust(self, seconds: float) -> None:
        """Add (or with a negative value take) time from the current speaker's slot only."""
        if self.finished:
            return
        slot = self._slots[self._index]
        slot.allotted = max(0.0, slot.allotted + seconds)
        self._redivide()

    def shuffle(self, rng: random.Random) -> None:
        """Reorder the members who are still waiting and have not spoken at all."""
        positions = [
            i
            for i in range(self._index, len(self._slots))
            if self._slots[i].status is SpeakerStatus.WAITING and self._slots[i].used == 0
        ]
        speakers = [(self._slots[i].member, self._slots[i].bell_rung) for i in positions]
        rng.shuffle(speakers)
        # Allotments stay with the positions: an adjustment is for "the next slot", not a person.
        for i, (member, bell_rung) in zip(positions, speakers, strict=True):
            self._slots[i].member = member
            self._slots[i].bell_rung = bell_rung

    def take_bell(self) -> bool:
        """True exactly once per speaker, the first time it is asked after their time runs out."""
        if self.finished:
            return False
        slot = self._slots[self._index]
        if slot.status is not SpeakerStatus.SPEAKING or slot.bell_rung:
            return False
        if self.remaining() > 0:
            return False
        slot.bell_rung = True
        return True

    # ---- persistence ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        now = self._clock()
        return {
            "version": _STATE_VERSION,
            "phase_seconds": self.phase_seconds,
            "min_slot": self.min_slot,
            "current_index": self._index,
            "slots": [
                replace(slot, used=self._live_used(i, now)).to_dict()
                for i, slot in enumerate(self._slots)
            ],
            "was_running": self.running,
            "saved_wall": self._wall(),
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        clock: Clock,
        wall: WallClock = time.time,
    ) -> RoundTimer:
        """Restore a saved timer, always paused; `time_lost` says how long it ran unseen."""
        try:
            if data["version"] != _STATE_VERSION:
                raise ValueError("unsupported round timer state version")
            slots = [SpeakerSlot.from_dict(raw) for raw in data["slots"]]
            members = [slot.member for slot in slots]
            min_slot = float(data.get("min_slot", MIN_SLOT_SECONDS))
            timer = cls(members, float(data["phase_seconds"]), clock, wall, min_slot)
            index = int(data["current_index"])
            was_running = bool(data["was_running"])
            saved_wall = float(data["saved_wall"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError("malformed round timer state") from error
        if not 0 <= index <= len(slots):
            raise ValueError("malformed round timer state")
        timer._slots = slots
        timer._index = index
        timer.time_lost = max(0.0, wall() - saved_wall) if was_running else 0.0
        return timer

    # ---- internals -----------------------------------------------------------------------

    def _bank(self) -> None:
        """Move the running segment into the current slot's used time."""
        if self._run_started is None:
            return
        now = self._clock()
        self._slots[self._index].used += now - self._run_started
        self._run_started = now

    def _finish_current(self, status: SpeakerStatus) -> None:
        if self.finished:
            return
        was_running = self.running
        self._bank()
        self._run_started = None
        self._slots[self._index].status = status
        self._index += 1
        self._redivide(current_keeps=False)
        self._enter_current(was_running)

    def _enter_current(self, run: bool) -> None:
        if self.finished:
            return
        slot = self._slots[self._index]
        if run:
            slot.status = SpeakerStatus.SPEAKING
            self._run_started = self._clock()
        elif slot.used > 0:
            slot.status = SpeakerStatus.SPEAKING
        else:
            slot.status = SpeakerStatus.WAITING

    def _redivide(self, *, current_keeps: bool = True) -> None:
        redivide(
            self._slots, self._index, self.phase_seconds, self.min_slot, current_keeps=current_keeps
        )
