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

from plg_tui.core.speaker_slots import SpeakerSlot, SpeakerStatus, redivide

Clock = Callable[[], float]
WallClock = Callable[[], float]

LAST_MINUTE_SECONDS = 60.0
_STATE_VERSION = 1
# Allotments come from float division; differences smaller than this are rounding, not policy.
_ALLOTMENT_TOLERANCE = 1e-6


class RoundTimer:
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
        self._slots = [SpeakerSlot(member=m, allotted=share) for m in members]
        self._index = 0
        self._run_started: float | None = None
        # Set by from_dict: how long the timer was running while the app was down.
        self.time_lost = 0.0

    # ---- reading -------------------------------------------------------------------------

    @property
    def members(self) -> list[str]:
        return [slot.member for slot in self._slots]

    @property
    def order(self) -> list[str]:
        return self.members

    @property
    def slots(self) -> list[SpeakerSlot]:
        """Copies of the slots with the running speaker's used time brought up to now."""
        now = self._clock()
        copies = [replace(slot) for slot in self._slots]
        if self._run_started is not None:
            copies[self._index].used += now - self._run_started
        return copies

    @property
    def current_index(self) -> int | None:
        return None if self.finished else self._index

    @property
    def current(self) -> SpeakerSlot | None:
        """A copy of the current speaker's slot (used brought up to now), or None when done."""
        if self.finished:
            return None
        return self.slots[self._index]

    @property
    def running(self) -> bool:
        return self._run_started is not None

    @property
    def finished(self) -> bool:
        return self._index >= len(self._slots)

    def current_used(self) -> float:
        if self.finished:
            return 0.0
        return self._live_used(self._index, self._clock())

    def remaining(self) -> float:
        """Current speaker's allotment minus what they used; negative means overtime."""
        if self.finished:
            return 0.0
        return self._slots[self._index].allotted - self.current_used()

    def deadline(self) -> float | None:
        """Monotonic time at which the current speaker's slot runs out, if the timer runs."""
        if self._run_started is None:
            return None
        slot = self._slots[self._index]
        return self._run_started + slot.allotted - slot.used

    @property
    def is_overtime(self) -> bool:
        return not self.finished and self.remaining() < 0

    @property
    def in_last_minute(self) -> bool:
        return not self.finished and 0 < self.remaining() <= LAST_MINUTE_SECONDS

    def phase_remaining(self) -> float:
        return self.phase_seconds - sum(self.talk_time().values())

    def talk_time(self) -> dict[str, float]:
        now = self._clock()
        return {slot.member: self._live_used(i, now) for i, slot in enumerate(self._slots)}

    def redivided(self) -> bool:
        """Whether any slot differs from the original equal split (re-division or adjustment)."""
        share = self.phase_seconds / len(self._slots)
        tolerance = _ALLOTMENT_TOLERANCE * max(1.0, self.phase_seconds)
        return any(abs(slot.allotted - share) > tolerance for slot in self._slots)

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
        self._finish_current(SpeakerStatus.DONE)

    def skip(self) -> None:
        self._finish_current(SpeakerStatus.SKIPPED)

    def previous(self) -> None:
        """Give the floor back to the speaker before; nobody's used time is lost.

        No re-division here: the usual reason is a mis-pressed `next`, and the slots are
        re-divided again when that speaker finishes.
        """
        if self._index == 0:
            return
        was_running = self.running
        self._bank()
        self._run_started = None
        if not self.finished:
            self._slots[self._index].status = SpeakerStatus.WAITING
        self._index -= 1
        self._enter_current(was_running)

    def adjust(self, seconds: float) -> None:
        """Add (or with a negative value take) time from the current speaker's slot only."""
        if self.finished:
            return
        slot = self._slots[self._index]
        slot.allotted = max(0.0, slot.allotted + seconds)

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
            timer = cls([slot.member for slot in slots], float(data["phase_seconds"]), clock, wall)
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

    def _live_used(self, index: int, now: float) -> float:
        used = self._slots[index].used
        if self._run_started is not None and index == self._index:
            used += now - self._run_started
        return used

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
        self._redivide()
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

    def _redivide(self) -> None:
        redivide(self._slots, self.phase_seconds)
