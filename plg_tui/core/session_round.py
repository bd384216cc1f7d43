"""The session's commands on the current round's speaker timer (the model's `round`)."""

from __future__ import annotations

import random

from plg_tui.core.timers import RoundTimer

MINUTE = 60.0


class RoundCommands:
    """What the facilitator's round keys do; `SessionModel` gives the current `round`."""

    @property
    def round(self) -> RoundTimer | None:
        raise NotImplementedError

    def _live_round(self) -> RoundTimer:
        timer = self.round
        if timer is None:
            raise ValueError("not a round phase")
        return timer

    @property
    def round_open(self) -> bool:
        """A round phase whose speakers have not all had their turn."""
        timer = self.round
        return timer is not None and not timer.finished

    @property
    def has_previous_speaker(self) -> bool:
        timer = self.round
        return timer is not None and timer.current_index != 0

    @property
    def current_speaker(self) -> str | None:
        timer = self.round
        current = timer.current if timer is not None else None
        return current.member if current is not None else None

    def toggle_timer(self) -> None:
        timer = self._live_round()
        timer.toggle()
        if timer.running:
            timer.time_lost = 0.0  # seen again: the resume notice has done its job

    def next_speaker(self) -> None:
        self._live_round().next()

    def previous_speaker(self) -> None:
        self._live_round().previous()

    def skip_speaker(self) -> None:
        self._live_round().skip()

    def pick_next_speaker(self, member: str) -> None:
        self._live_round().pick_next(member)

    @property
    def waiting_speakers(self) -> list[str]:
        """Who in the current round is still to speak after the current speaker."""
        timer = self.round
        return timer.waiting_members() if timer is not None else []

    def add_speaker_minute(self) -> None:
        self._live_round().adjust(MINUTE)

    def remove_speaker_minute(self) -> None:
        self._live_round().adjust(-MINUTE)

    def shuffle_waiting(self, rng: random.Random) -> None:
        self._live_round().shuffle(rng)
