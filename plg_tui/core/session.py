"""One live session (trust, 1 or 2) and its rules: the session app's model.

Who is present, who facilitates, who agreed to the confidentiality promise, which phase runs,
every round's speaker timer (and what the close decides, in `session_close`). It holds names
and addresses from the roster, never anything a member said: that is sealed by the vault.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence

from plg_tui.core.agenda import AgendaClock, PhasePlan
from plg_tui.core.module_model import Phase
from plg_tui.core.person import Person
from plg_tui.core.session_close import SessionClose
from plg_tui.core.session_round import RoundCommands
from plg_tui.core.timers import MIN_SLOT_SECONDS, RoundTimer
from plg_tui.vocabulary import PhaseKind, SessionKind, Stage

Clock = Callable[[], float]

SESSION_KINDS = ("trust", "1", "2")
STAGES = ("lobby", "agenda", "close", "done")
# Items that belong to the whole group rather than to one member.
GROUP_KINDS = ("notes", "parking", "ground_rules")
MINIMUM_PRESENT = 2


class SessionModel(RoundCommands, SessionClose):
    """Everything a session changes, with the operations the facilitator's keys perform: each
    keeps its rule (who may agree, who must stay present, which speaker or phase comes next)
    and raises ValueError, in words to show, when the rule says no."""

    def __init__(
        self,
        kind: str,
        phases: Sequence[Phase],
        people: Sequence[Person],
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
        min_slot_seconds: float = MIN_SLOT_SECONDS,
    ) -> None:
        if kind not in tuple(SessionKind):
            raise ValueError(f"unknown session kind {kind!r}")
        if not phases:
            raise ValueError("a session needs at least one phase")
        super().__init__(kind, people, wall)
        self.phases = tuple(phases)
        self._clock = clock
        self._wall = wall
        self.min_slot_seconds = min_slot_seconds
        self.stage = Stage.LOBBY
        self.present: dict[str, bool] = {p.key: True for p in self.people}
        self.agreed: dict[str, bool] = {p.key: False for p in self.people}
        self.facilitator: str | None = None
        self.agenda = AgendaClock(
            [PhasePlan(p.name, p.minutes * 60.0) for p in self.phases], clock, wall=wall
        )
        self.rounds: dict[int, RoundTimer] = {}
        self.facilitation_recorded = False
        self.recall_consent: set[str] = set()  # agreed to show their session-1 words (session 2)

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

    def present_count(self) -> int:
        return len(self.present_keys())

    def toggle_present(self, key: str) -> None:
        self.present[key] = not self.present.get(key, False)
        if not self.present[key]:
            self.agreed[key] = False
            if self.facilitator == key:
                self.facilitator = None

    def toggle_attendance(self, key: str) -> None:
        """Mid-session: someone leaves (s skips them in this round) or, having agreed, is back."""
        if not self.present.get(key):
            if not self.agreed.get(key):
                raise ValueError(f"{self.name_of(key)} has not agreed to confidentiality yet.")
            self.admit(key)
        elif len(self.present_keys()) <= MINIMUM_PRESENT:
            raise ValueError("At least two members must stay present.")
        else:
            self.present[key] = False

    def admit(self, key: str) -> None:
        """A latecomer who said "I agree": present, and last in the queue of a running round."""
        self.present[self.person(key).key] = True
        self.agreed[key] = True
        if self.round_open:
            self._live_round().add_member(key)

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
        if len(self.present_keys()) < MINIMUM_PRESENT:
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
                self.present_keys(),
                phase.minutes * 60.0,
                self._clock,
                self._wall,
                self.min_slot_seconds,
            )

    @property
    def round(self) -> RoundTimer | None:
        """The speaker timer of the current phase, if it is a round."""
        if self.stage != Stage.AGENDA or self.phase.kind != PhaseKind.ROUND:
            return None
        return self.rounds.get(self.phase_index)

    @property
    def has_previous_phase(self) -> bool:
        return self.phase_index > 0

    def next_phase(self) -> None:
        """On to the next phase; after the last one, to the close."""
        if self.is_last_phase:
            self.to_close()
        else:
            self.goto_phase(self.phase_index + 1)

    def previous_phase(self) -> None:
        if self.has_previous_phase:
            self.goto_phase(self.phase_index - 1)

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

    @property
    def journal_available(self) -> bool:
        """Session 2's round on practice: the speaker's journal may be shown, if they agree."""
        return self.kind == "2" and self.round_open

    # ---- captures -------------------------------------------------------------------------

    @property
    def capture_kind(self) -> str:
        """What a capture in this phase records; notes where the phase names nothing."""
        return self.phase.captures or "notes"

    def capture_member(self, captured: Collection[str | None]) -> str | None:
        """Whose item a capture is for by default: the speaker in a round, else in a capture
        phase the first present member without one yet; None for the whole group."""
        if self.capture_kind in GROUP_KINDS:
            return None
        speaker = self.current_speaker
        if speaker is not None or self.phase.kind != "capture":
            return speaker
        waiting = [key for key in self.present_keys() if key not in captured]
        return waiting[0] if waiting else None

    @property
    def time_lost(self) -> float:
        """How long the current round ran unseen while the app was down (0 if none)."""
        timer = self.round
        return timer.time_lost if timer is not None else 0.0
