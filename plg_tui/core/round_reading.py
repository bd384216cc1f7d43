"""Reading a round's speaker timer: who speaks, how much time each has left, what it adds up to.

The state lives in `RoundTimer` (timers.py); this base holds the questions the screens ask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from plg_tui.core.speaker_slots import SpeakerSlot, SpeakerStatus, redivide

LAST_MINUTE_SECONDS = 60.0
# Allotments come from float division; differences smaller than this are rounding, not policy.
_ALLOTMENT_TOLERANCE = 1e-6


class RoundReading:
    """The read-only side of a round timer (see `RoundTimer`)."""

    _clock: Callable[[], float]
    _slots: list[SpeakerSlot]
    _index: int
    _run_started: float | None
    phase_seconds: float
    min_slot: float

    @property
    def members(self) -> list[str]:
        return [slot.member for slot in self._slots]

    @property
    def order(self) -> list[str]:
        return self.members

    @property
    def slots(self) -> list[SpeakerSlot]:
        """Copies of the slots with the running speaker's used time brought up to now, and
        the rest re-divided live (a speaker in overtime takes it from those still to come)."""
        now = self._clock()
        copies = [replace(slot) for slot in self._slots]
        if self._run_started is not None:
            copies[self._index].used += now - self._run_started
            if copies[self._index].used > copies[self._index].allotted:
                redivide(copies, self._index, self.phase_seconds, self.min_slot)
        return copies

    def round_left(self) -> float:
        """What the queue shows as left: the sum of every unfinished slot's remaining time."""
        if self.finished:
            return 0.0
        return sum(slot.left for slot in self.slots[self._index :])

    def over_by(self) -> float:
        """How far the round, as now divided, runs past its planned time (0 when it fits)."""
        spoken = sum(self.talk_time().values())
        return max(0.0, spoken + self.round_left() - self.phase_seconds)

    def waiting_members(self) -> list[str]:
        """Who is still to speak after the current speaker, in order."""
        return [] if self.finished else self.members[self._index + 1 :]

    def not_yet_spoken(self) -> list[str]:
        """Who has not had their turn: those waiting, and a current speaker yet to start."""
        if self.finished:
            return []
        current = self._slots[self._index]
        started = self._run_started is not None or current.used > 0
        return self.members[self._index + (1 if started else 0) :]

    def skipped_members(self) -> list[str]:
        return [slot.member for slot in self._slots if slot.status is SpeakerStatus.SKIPPED]

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

    def _live_used(self, index: int, now: float) -> float:
        used = self._slots[index].used
        if self._run_started is not None and index == self._index:
            used += now - self._run_started
        return used
