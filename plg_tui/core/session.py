"""The state of one live session (trust, 1 or 2), as plain data the vault can store.

This is the session app's model: who is present, who facilitates, who agreed to the
confidentiality promise, which phase runs, every round's speaker timer, the pairs draft and
the anonymous tallies. It holds names and addresses from the roster, never anything a member
said: that goes through `GroupVault.add_item`, sealed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plg_tui.core.agenda import AgendaClock, PhasePlan
from plg_tui.core.modules import Phase
from plg_tui.core.timers import RoundTimer
from plg_tui.vocabulary import PhaseKind, SessionKind, Stage

Clock = Callable[[], float]

RATING_RANGE = (1, 5)
_STATE_VERSION = 1


class SessionStateError(ValueError):
    """A saved session state that cannot be restored (wrong version, wrong roster, damaged)."""


@dataclass(frozen=True)
class Person:
    """A roster member as the session knows them: a stable key (the email) and a name."""

    key: str
    name: str

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else self.name


class SessionModel:
    """Everything a session changes, with the operations the facilitator's keys perform."""

    def __init__(
        self,
        kind: str,
        phases: Sequence[Phase],
        people: Sequence[Person],
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
    ) -> None:
        if kind not in tuple(SessionKind):
            raise ValueError(f"unknown session kind {kind!r}")
        if not phases:
            raise ValueError("a session needs at least one phase")
        self.kind = SessionKind(kind)
        self.phases = tuple(phases)
        self.people = tuple(people)
        self._clock = clock
        self._wall = wall
        self.stage = Stage.LOBBY
        self.present: dict[str, bool] = {p.key: True for p in self.people}
        self.agreed: dict[str, bool] = {p.key: False for p in self.people}
        self.facilitator: str | None = None
        self.agenda = AgendaClock(
            [PhasePlan(p.name, p.minutes * 60.0) for p in self.phases], clock, wall=wall
        )
        self.rounds: dict[int, RoundTimer] = {}
        self.pairs: list[list[str]] = []
        self.session2_date: str | None = None
        self.rating_count = 0
        self.rating_sum = 0
        self.votes: dict[str, int] = {}
        self.facilitation_recorded = False

    # ---- people -----------------------------------------------------------------------

    def person(self, key: str) -> Person:
        for p in self.people:
            if p.key == key:
                return p
        raise KeyError(key)

    def name_of(self, key: str) -> str:
        try:
            return self.person(key).name
        except KeyError:
            return key

    def present_keys(self) -> list[str]:
        return [p.key for p in self.people if self.present.get(p.key)]

    def toggle_present(self, key: str) -> None:
        self.present[key] = not self.present.get(key, False)
        if not self.present[key]:
            self.agreed[key] = False
            if self.facilitator == key:
                self.facilitator = None

    def set_facilitator(self, key: str) -> None:
        if not self.present.get(key):
            raise ValueError("the facilitator must be present")
        self.facilitator = key

    def toggle_agreement(self, key: str) -> None:
        if not self.present.get(key):
            raise ValueError("only a present member can agree")
        self.agreed[key] = not self.agreed.get(key, False)

    def missing_agreements(self) -> list[str]:
        return [k for k in self.present_keys() if not self.agreed.get(k)]

    def lobby_problems(self) -> list[str]:
        """Why the session cannot start yet; empty when it can."""
        problems = []
        if len(self.present_keys()) < 2:
            problems.append("at least two members must be present")
        if self.facilitator is None:
            problems.append("choose today's facilitator")
        missing = self.missing_agreements()
        if missing:
            names = ", ".join(self.person(k).first_name for k in missing)
            problems.append(f"confidentiality agreement not yet ticked for {names}")
        return problems

    # ---- the agenda ---------------------------------------------------------------------

    def begin(self) -> None:
        """Leave the lobby: the session clock starts with the first phase."""
        problems = self.lobby_problems()
        if problems:
            raise ValueError("; ".join(problems))
        self.stage = Stage.AGENDA
        self.agenda.start_session()
        self._enter_phase(0)

    @property
    def phase_index(self) -> int:
        index = self.agenda.current_index
        return 0 if index is None else index

    @property
    def phase(self) -> Phase:
        return self.phases[self.phase_index]

    @property
    def is_last_phase(self) -> bool:
        return self.phase_index == len(self.phases) - 1

    def goto_phase(self, index: int) -> None:
        if not 0 <= index < len(self.phases):
            raise IndexError(index)
        timer = self.rounds.get(self.phase_index)
        if timer is not None:
            timer.pause()
        self.agenda.goto(index)
        self._enter_phase(index)

    def _enter_phase(self, index: int) -> None:
        phase = self.phases[index]
        if phase.kind == PhaseKind.ROUND and index not in self.rounds:
            self.rounds[index] = RoundTimer(
                self.present_keys(), phase.minutes * 60.0, self._clock, self._wall
            )

    @property
    def round(self) -> RoundTimer | None:
        """The speaker timer of the current phase, if it is a round."""
        if self.stage != Stage.AGENDA or self.phase.kind != PhaseKind.ROUND:
            return None
        return self.rounds.get(self.phase_index)

    def to_close(self) -> None:
        timer = self.rounds.get(self.phase_index)
        if timer is not None:
            timer.pause()
        self.stage = Stage.CLOSE

    def back_to_agenda(self) -> None:
        self.stage = Stage.AGENDA

    def finish(self) -> None:
        for timer in self.rounds.values():
            timer.pause()
        self.agenda.end_session()
        self.stage = Stage.DONE

    def talk_time(self) -> dict[str, float]:
        """Seconds each member spoke, summed over every round of the session."""
        totals = {p.key: 0.0 for p in self.people}
        for timer in self.rounds.values():
            for key, seconds in timer.talk_time().items():
                totals[key] = totals.get(key, 0.0) + seconds
        return totals

    # ---- anonymous tallies (session 2) ---------------------------------------------------

    def add_rating(self, value: int) -> None:
        low, high = RATING_RANGE
        if not low <= value <= high:
            raise ValueError(f"a rating is {low} to {high}")
        self.rating_count += 1
        self.rating_sum += value

    def undo_rating(self, value: int) -> None:
        if self.rating_count == 0 or self.rating_sum < value:
            raise ValueError("no rating to take back")
        self.rating_count -= 1
        self.rating_sum -= value

    @property
    def rating_average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    def add_vote(self, module_id: str) -> None:
        self.votes[module_id] = self.votes.get(module_id, 0) + 1

    # ---- persistence --------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        return {
            "version": _STATE_VERSION,
            "stage": self.stage,
            "roster": [p.key for p in self.people],
            "present": dict(self.present),
            "agreed": dict(self.agreed),
            "facilitator": self.facilitator,
            "facilitation_recorded": self.facilitation_recorded,
            "agenda": self.agenda.to_dict(),
            "rounds": {str(i): t.to_dict() for i, t in sorted(self.rounds.items())},
            "pairs": [list(g) for g in self.pairs],
            "session2_date": self.session2_date,
            "ratings": {"count": self.rating_count, "sum": self.rating_sum},
            "votes": dict(self.votes),
        }

    @classmethod
    def from_state(
        cls,
        kind: str,
        phases: Sequence[Phase],
        people: Sequence[Person],
        state: Mapping[str, Any],
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
    ) -> SessionModel:
        """Restore a saved session; timers come back paused with their lost time recorded."""
        model = cls(kind, phases, people, clock, wall)
        try:
            if state["version"] != _STATE_VERSION:
                raise SessionStateError("saved session state has an unknown version")
            if state["stage"] not in tuple(Stage):
                raise SessionStateError("saved session state has an unknown stage")
            known = {p.key for p in model.people}
            model.stage = Stage(state["stage"])
            model.present = {k: bool(v) for k, v in state["present"].items() if k in known}
            model.agreed = {k: bool(v) for k, v in state["agreed"].items() if k in known}
            for key in known:
                model.present.setdefault(key, False)
                model.agreed.setdefault(key, False)
            model.facilitator = state["facilitator"]
            model.facilitation_recorded = bool(state.get("facilitation_recorded"))
            model.agenda = AgendaClock.from_dict(state["agenda"], clock, wall)
            if len(model.agenda.phases) != len(model.phases):
                raise SessionStateError("saved session state belongs to another agenda")
            model.rounds = {
                int(i): RoundTimer.from_dict(data, clock, wall)
                for i, data in state["rounds"].items()
            }
            model.pairs = [list(g) for g in state["pairs"]]
            model.session2_date = state.get("session2_date")
            model.rating_count = int(state["ratings"]["count"])
            model.rating_sum = int(state["ratings"]["sum"])
            model.votes = {str(k): int(v) for k, v in state["votes"].items()}
        except SessionStateError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SessionStateError("saved session state is damaged") from error
        return model

    @property
    def time_lost(self) -> float:
        """How long the current round ran unseen while the app was down (0 if none)."""
        timer = self.round
        return timer.time_lost if timer is not None else 0.0
