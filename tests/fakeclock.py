"""The clock tests inject: monotonic seconds moved by hand, and a wall clock that follows."""

from __future__ import annotations


class FakeClock:
    """Call it for monotonic seconds; `wall()` moves with it from `wall_start`."""

    def __init__(self, now: float = 1000.0, wall_start: float = 1_800_000_000.0) -> None:
        self.start = now
        self.now = now
        self.wall_start = wall_start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def wall(self) -> float:
        return self.wall_start + (self.now - self.start)
