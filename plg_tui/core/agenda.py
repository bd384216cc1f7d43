"""The whole session's clock: which phase runs, how long each took, and whether we will finish
on time. Time comes from an injected monotonic clock; the session's clock never pauses, because
the video call it measures does not either."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

Clock = Callable[[], float]
WallClock = Callable[[], float]

SESSION_BUDGET_SECONDS = 90 * 60.0
_STATE_VERSION = 1


@dataclass(frozen=True)
class PhasePlan:
    name: str
    planned_seconds: float


class AgendaClock:
    def __init__(
        self,
        phases: Sequence[PhasePlan],
        clock: Clock,
        budget_seconds: float = SESSION_BUDGET_SECONDS,
        wall: WallClock = time.time,
    ) -> None:
        if not phases:
            raise ValueError("an agenda needs at least one phase")
        if any(not math.isfinite(p.planned_seconds) or p.planned_seconds < 0 for p in phases):
            raise ValueError("planned_seconds must be finite and >= 0")
        self._clock = clock
        self._wall = wall
        self.phases: tuple[PhasePlan, ...] = tuple(phases)
        self.budget_seconds = float(budget_seconds)
        self._actual = [0.0] * len(self.phases)
        self._index: int | None = None
        self._session_started: float | None = None
        self._phase_started: float | None = None
        self._ended_at: float | None = None
        # Set by from_dict: how long the session went on while the app was down.
        self.time_lost = 0.0

    # ---- controls ------------------------------------------------------------------------

    def start_session(self) -> None:
        if self._session_started is not None:
            return
        now = self._clock()
        self._session_started = now
        self._index = 0
        self._phase_started = now

    def goto(self, index: int) -> None:
        """End the current phase's timing and start timing phase `index` (back or forward)."""
        if not 0 <= index < len(self.phases):
            raise IndexError(f"phase {index} is outside the agenda (0..{len(self.phases) - 1})")
        if self._session_started is None:
            self.start_session()
        now = self._clock()
        self._close_phase(now)
        self._ended_at = None
        self._index = index
        self._phase_started = now

    def next_phase(self) -> bool:
        """Move to the following phase; False (and nothing changes) on the last one."""
        if self._index is None:
            self.start_session()
            return True
        if self._index + 1 >= len(self.phases):
            return False
        self.goto(self._index + 1)
        return True

    def end_session(self) -> None:
        if self._session_started is None or self._ended_at is not None:
            return
        now = self._clock()
        self._close_phase(now)
        self._ended_at = now

    # ---- reading -------------------------------------------------------------------------

    @property
    def current_index(self) -> int | None:
        return self._index

    @property
    def started(self) -> bool:
        return self._session_started is not None

    @property
    def ended(self) -> bool:
        return self._ended_at is not None

    def actual_seconds(self, index: int) -> float:
        """Time spent in phase `index` so far, including the running stretch."""
        actual = self._actual[index]
        if index == self._index and self._phase_started is not None:
            actual += self._clock() - self._phase_started
        return actual

    def phase_remaining(self) -> float:
        """Planned minus actual for the current phase; negative means it is over time."""
        if self._index is None:
            return self.phases[0].planned_seconds
        return self.phases[self._index].planned_seconds - self.actual_seconds(self._index)

    def elapsed(self) -> float:
        if self._session_started is None:
            return 0.0
        end = self._ended_at if self._ended_at is not None else self._clock()
        return end - self._session_started

    def planned_remaining(self) -> float:
        """What the plan still needs: the rest of the current phase plus every later phase."""
        if self._index is None:
            return sum(p.planned_seconds for p in self.phases)
        if self._ended_at is not None:
            return 0.0
        current = self.phases[self._index].planned_seconds - self.actual_seconds(self._index)
        later = sum(p.planned_seconds for p in self.phases[self._index + 1 :])
        return max(current, 0.0) + later

    def projected_total(self) -> float:
        return self.elapsed() + self.planned_remaining()

    def ahead_behind(self) -> float:
        """Budget minus projected total: positive means we will finish early."""
        return self.budget_seconds - self.projected_total()

    def projected_end(self, wall_now: datetime) -> datetime:
        return wall_now + timedelta(seconds=self.planned_remaining())

    # ---- persistence ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": _STATE_VERSION,
            "budget_seconds": self.budget_seconds,
            "phases": [{"name": p.name, "planned_seconds": p.planned_seconds} for p in self.phases],
            "actual": [self.actual_seconds(i) for i in range(len(self.phases))],
            "current_index": self._index,
            "elapsed": self.elapsed(),
            "ended": self.ended,
            "saved_wall": self._wall(),
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        clock: Clock,
        wall: WallClock = time.time,
    ) -> AgendaClock:
        """Restore a saved agenda with its saved phase times.

        The call went on while the app was down, so that gap (`time_lost`) counts towards the
        session's elapsed time but not towards any phase.
        """
        try:
            if data["version"] != _STATE_VERSION:
                raise ValueError("unsupported agenda state version")
            phases = [
                PhasePlan(name=str(p["name"]), planned_seconds=float(p["planned_seconds"]))
                for p in data["phases"]
            ]
            agenda = cls(phases, clock, float(data["budget_seconds"]), wall)
            actual = [float(a) for a in data["actual"]]
            raw_index = data["current_index"]
            index = None if raw_index is None else int(raw_index)
            elapsed = float(data["elapsed"])
            ended = bool(data["ended"])
            saved_wall = float(data["saved_wall"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError("malformed agenda state") from error
        if len(actual) != len(phases) or (index is not None and not 0 <= index < len(phases)):
            raise ValueError("malformed agenda state")
        agenda._actual = actual
        if index is None:
            return agenda
        now = clock()
        agenda._index = index
        if ended:
            agenda._session_started = now - elapsed
            agenda._ended_at = now
            return agenda
        agenda.time_lost = max(0.0, wall() - saved_wall)
        agenda._session_started = now - (elapsed + agenda.time_lost)
        agenda._phase_started = now
        return agenda

    # ---- internals -----------------------------------------------------------------------

    def _close_phase(self, now: float) -> None:
        if self._index is not None and self._phase_started is not None:
            self._actual[self._index] += now - self._phase_started
        self._phase_started = None


def format_mmss(seconds: float) -> str:
    """A countdown display: "12:05", "90:00", "-0:42" for overtime.

    Whole seconds round away from zero, so "0:00" shows only at zero itself and the first
    instant of overtime already reads "-0:01".
    """
    if not math.isfinite(seconds):
        raise ValueError("seconds must be finite")
    # Float noise such as 725.0000000001 must still read 12:05.
    whole = max(0, math.ceil(abs(seconds) - 1e-6))
    sign = "-" if seconds < 0 and whole > 0 else ""
    minutes, secs = divmod(whole, 60)
    return f"{sign}{minutes}:{secs:02d}"


def format_signed(seconds: float) -> str:
    """Ahead/behind schedule: "+3:00 ahead", "2:10 behind", "on time" (rounded to the second)."""
    if not math.isfinite(seconds):
        raise ValueError("seconds must be finite")
    whole = math.floor(abs(seconds) + 0.5)
    if whole == 0:
        return "on time"
    minutes, secs = divmod(whole, 60)
    if seconds > 0:
        return f"+{minutes}:{secs:02d} ahead"
    return f"{minutes}:{secs:02d} behind"
