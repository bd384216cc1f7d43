"""A live session as the plain data the vault stores, and back.

What is saved is what the model holds (names' keys, timers, tallies), never what anyone said.
A restored session comes back with its timers paused and the time they ran unseen recorded.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from plg_tui.core.agenda import AgendaClock
from plg_tui.core.module_model import Phase
from plg_tui.core.person import Person
from plg_tui.core.session import STAGES, Clock, SessionModel
from plg_tui.core.timers import MIN_SLOT_SECONDS, RoundTimer
from plg_tui.vocabulary import Stage

STATE_VERSION = 1


class SessionStateError(ValueError):
    """A saved session state that cannot be restored (wrong version, wrong roster, damaged)."""


def session_state(model: SessionModel) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "stage": model.stage,
        "roster": [p.key for p in model.people],
        "present": dict(model.present),
        "agreed": dict(model.agreed),
        "facilitator": model.facilitator,
        "facilitation_recorded": model.facilitation_recorded,
        "agenda": model.agenda.to_dict(),
        "rounds": {str(i): t.to_dict() for i, t in sorted(model.rounds.items())},
        "pairs": [list(g) for g in model.pairs],
        "session2_date": model.session2_date,
        "ratings": {"count": model.rating_count, "sum": model.rating_sum},
        "votes": dict(model.votes),
        "recall_consent": sorted(model.recall_consent),
    }


def restore_session(
    kind: str,
    phases: Sequence[Phase],
    people: Sequence[Person],
    state: Mapping[str, Any],
    clock: Clock = time.monotonic,
    wall: Clock = time.time,
    min_slot_seconds: float = MIN_SLOT_SECONDS,
) -> SessionModel:
    """Restore a saved session; timers come back paused with their lost time recorded."""
    model = SessionModel(kind, phases, people, clock, wall, min_slot_seconds)
    try:
        if state["version"] != STATE_VERSION:
            raise SessionStateError("saved session state has an unknown version")
        if state["stage"] not in STAGES:
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
            int(i): RoundTimer.from_dict(data, clock, wall) for i, data in state["rounds"].items()
        }
        model.pairs = [list(g) for g in state["pairs"]]
        model.session2_date = state.get("session2_date")
        model.rating_count = int(state["ratings"]["count"])
        model.rating_sum = int(state["ratings"]["sum"])
        model.votes = {str(k): int(v) for k, v in state["votes"].items()}
        model.recall_consent = {str(k) for k in state.get("recall_consent", ()) if k in known}
    except SessionStateError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise SessionStateError("saved session state is damaged") from error
    return model
