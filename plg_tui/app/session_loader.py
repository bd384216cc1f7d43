"""Opening a session: which one to run, its agenda, and its saved state when resuming."""

from __future__ import annotations

import random
import time
from pathlib import Path

from plg_tui.app.controller import Clock, SessionController
from plg_tui.core.groups import default_kind
from plg_tui.core.module_model import Phase, Technique
from plg_tui.core.person import Person
from plg_tui.core.session import SessionModel
from plg_tui.core.session_state import restore_session
from plg_tui.core.settings import min_slot_seconds
from plg_tui.vault.group import GroupVault
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.records import GroupInfo
from plg_tui.vocabulary import SessionKind, Stage


def sessions_in_progress(vault: GroupVault) -> list[str]:
    found: list[str] = []
    for kind in SessionKind:
        state = vault.session_state(kind)
        if state and state.get("stage") not in (None, Stage.DONE):
            found.append(kind)
    return found


def resolve_kind(vault: GroupVault, kind: str | None) -> str:
    if kind:
        return kind
    chosen = default_kind(vault.info(), sessions_in_progress(vault))
    if chosen is None:
        raise ValueError(
            "both sessions of this cycle were held; start the next with plg group next, "
            "or name one with --kind"
        )
    return chosen


def open_session(
    home: Path,
    keys: GroupKeys,
    kind: str | None,
    *,
    resume: bool,
    clock: Clock = time.monotonic,
    wall: Clock = time.time,
    rng: random.Random | None = None,
) -> SessionController:
    """Open the unlocked group; resume its saved state for this kind when asked to."""
    vault = GroupVault(home, keys)
    kind = resolve_kind(vault, kind)
    phases, title, prompts, techniques = _agenda(home, vault.info(), kind)
    people = [Person(m.email, m.name) for m in vault.members()]
    state = vault.session_state(kind) if resume else None
    floor = min_slot_seconds(home)
    if state is not None:
        model = restore_session(kind, phases, people, state, clock, wall, floor)
    else:
        model = SessionModel(kind, phases, people, clock, wall, floor)
    controller = SessionController(
        home, vault, kind, model, title, clock, wall, rng, resumed=state is not None
    )
    controller.prompts = prompts
    controller.techniques = techniques
    if state is None:
        model.facilitator = controller.suggest_facilitator()
    return controller


def _agenda(
    home: Path, info: GroupInfo, kind: str
) -> tuple[tuple[Phase, ...], str, dict[str, str], tuple[Technique, ...]]:
    """The agenda, its title, the prompts shown with capture phases (by capture kind), and the
    module's techniques."""
    from plg_tui.core.modules import load_module, load_trust_session

    if kind == "trust":
        trust = load_trust_session(home)
        return trust.phases, trust.title, {}, ()
    module = load_module(info.module, home)
    prompts = {
        "challenge": module.challenge_prompt,
        "reflection": "\n".join(f"• {q}" for q in module.reflection_questions),
    }
    return module.agenda(kind), module.title, prompts, module.techniques
