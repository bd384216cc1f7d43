"""What the done screen sums up: who facilitated, who came, time per phase, how much was
captured (counts only, never words), and what happens next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from plg_tui.core.rotation import suggest_facilitator
from plg_tui.core.session import SessionModel
from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import GroupInfo
from plg_tui.vocabulary import CaptureKind, SessionKind


@dataclass(frozen=True)
class PhaseTime:
    name: str
    planned_seconds: float
    actual_seconds: float


@dataclass(frozen=True)
class SessionRecap:
    kind: SessionKind
    facilitator: str  # a name, "" when nobody was chosen
    present: int
    roster: int
    phases: tuple[PhaseTime, ...]
    captured: tuple[tuple[CaptureKind, int], ...]  # kinds with at least one item, in order
    next_steps: tuple[str, ...]


def _when(local: str, timezone: str) -> str:
    return f"{local.replace('T', ' ')} ({timezone})" if local else "not set yet"


def next_steps(kind: SessionKind, info: GroupInfo, next_facilitator: str) -> tuple[str, ...]:
    """What happens after this session, in the order it happens."""
    suggestion = ""
    if next_facilitator:
        suggestion = f"Suggested next facilitator (rotation): {next_facilitator}."
    steps: tuple[str, ...]
    if kind is SessionKind.TRUST:
        steps = (
            f"Session 1 on {_when(info.session1, info.timezone)}.",
            suggestion,
            "No practice emails yet: the companion starts them after session 1.",
        )
    elif kind is SessionKind.ONE:
        steps = (
            "The companion introduces each pair or trio to their practice partners by email.",
            "Each week: a tip and a journaling prompt; a reminder comes before session 2.",
            f"Session 2 on {_when(info.session2, info.timezone)}.",
            suggestion,
        )
    else:
        steps = (
            "The practice emails have ended; nothing more goes out for this module.",
            "A member who wants a copy of the group's words: plg notes " + info.slug + ".",
            suggestion,
        )
    return tuple(step for step in steps if step)


def build_recap(
    model: SessionModel,
    counts: Mapping[str, int],
    info: GroupInfo,
    next_facilitator: str,
) -> SessionRecap:
    agenda = model.agenda
    phases = tuple(
        PhaseTime(plan.name, plan.planned_seconds, agenda.actual_seconds(index))
        for index, plan in enumerate(agenda.phases)
    )
    captured = tuple((kind, counts[kind]) for kind in CaptureKind if counts.get(kind, 0) > 0)
    kind = SessionKind(model.kind)
    return SessionRecap(
        kind=kind,
        facilitator=model.name_of(model.facilitator) if model.facilitator else "",
        present=len(model.present_keys()),
        roster=len(model.people),
        phases=phases,
        captured=captured,
        next_steps=next_steps(kind, info, next_facilitator),
    )


def recap_of(model: SessionModel, vault: GroupVault) -> SessionRecap:
    """The recap of `model`'s session from what the vault recorded (metadata only: no item
    is opened). The next facilitator is the roster's least recent one, today's included."""
    counts: dict[str, int] = {}
    for item in vault.items(session=model.kind):
        counts[item.kind] = counts.get(item.kind, 0) + 1
    roster = [person.key for person in model.people]
    upcoming = suggest_facilitator(roster, vault.facilitations())
    return build_recap(model, counts, vault.info(), model.name_of(upcoming) if upcoming else "")
