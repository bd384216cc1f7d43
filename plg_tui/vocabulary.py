"""The words plg's layers share: session kinds, session stages, phase kinds, capture kinds.

Each is a `StrEnum`, so a member is also the plain string stored in group.db, in a session
state and in module files; a typo in code is an AttributeError, never a silent mismatch.
Every layer may import this module (it imports nothing of plg).
"""

from __future__ import annotations

from enum import StrEnum


class SessionKind(StrEnum):
    TRUST = "trust"  # the optional trust-building session before session 1
    ONE = "1"
    TWO = "2"

    @property
    def label(self) -> str:
        """How the session is named on screen."""
        return "Trust-building session" if self is SessionKind.TRUST else f"Session {self}"


class Stage(StrEnum):
    """Where a live session is: attendance, the agenda, the close, finished."""

    LOBBY = "lobby"
    AGENDA = "agenda"
    CLOSE = "close"
    DONE = "done"


class PhaseKind(StrEnum):
    OPEN = "open"  # free discussion on one clock
    ROUND = "round"  # each present member speaks in turn on a speaker timer
    CAPTURE = "capture"  # members' words are sealed into the vault


class CaptureKind(StrEnum):
    """What a sealed session item is; the order is the order the app offers them in."""

    CHALLENGE = "challenge"
    COMMITMENT = "commitment"
    GROUND_RULES = "ground_rules"
    REFLECTION = "reflection"
    NOTES = "notes"
    PARKING = "parking"  # the parking lot: taken at any time, never a phase of a module

    @property
    def for_whole_group(self) -> bool:
        """Belongs to the whole group rather than to one member."""
        return self in (CaptureKind.NOTES, CaptureKind.PARKING, CaptureKind.GROUND_RULES)


# What a module's capture phase may name: every capture kind but the parking lot.
PHASE_CAPTURE_KINDS: tuple[CaptureKind, ...] = tuple(
    kind for kind in CaptureKind if kind is not CaptureKind.PARKING
)


class ParkingMark(StrEnum):
    """What the close of a session decided for a parking-lot item."""

    NEXT = "next"  # carried: read out in the next session's lobby
    DONE = "done"  # dealt with
    DROP = "drop"  # let go

    @property
    def label(self) -> str:
        return {"next": "next session", "done": "done", "drop": "drop"}[self.value]


class SurveyState(StrEnum):
    """What a candidate's last reply to the topic survey said."""

    ANSWERED = "answered"  # up to three topics, read
    DECLINED = "declined"  # "no thanks": not available this time
    UNREADABLE = "unreadable"  # could not be read; they were asked to reply again
