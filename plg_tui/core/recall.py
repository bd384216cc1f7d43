"""Session 2 gives each member's session-1 words back in their own reflection slot.

A member's challenge and commitment are shown on the shared screen only after they agreed
aloud (one agreement per member per session covers both); the model remembers who agreed.
"""

from __future__ import annotations

from dataclasses import dataclass

from plg_tui.core.session import SessionModel
from plg_tui.vocabulary import CaptureKind, SessionKind, Stage

# What session 2 gives back, in the order it is shown.
RECALLED_KINDS = (CaptureKind.CHALLENGE, CaptureKind.COMMITMENT)


@dataclass(frozen=True)
class SessionOneWords:
    """One member's session-1 items, opened (each text carries its warning if it has one)."""

    challenges: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.challenges and not self.commitments


def reflection_speaker(model: SessionModel) -> str | None:
    """Whose reflection slot runs now: session 2's round that captures reflections."""
    if model.kind != SessionKind.TWO or model.stage != Stage.AGENDA:
        return None
    if model.phase.captures != CaptureKind.REFLECTION:
        return None
    return model.current_speaker


def recall_needs_consent(model: SessionModel) -> bool:
    """The reflection slot's speaker has not yet agreed to show their session-1 words."""
    speaker = reflection_speaker(model)
    return speaker is not None and speaker not in model.recall_consent
