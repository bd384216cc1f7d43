"""Asking a member, aloud, before their session-1 words go on the shared screen."""

from __future__ import annotations

from collections.abc import Callable

from plg_tui.app.screens.base import SessionScreen
from plg_tui.app.screens.confirm import ConfirmScreen
from plg_tui.core.recall import reflection_speaker


def ask_recall_consent(screen: SessionScreen, changed: Callable[[], None]) -> None:
    """Ask whether the reflection slot's speaker agrees; a yes counts for this session.

    A member with nothing recorded is told so, and nothing is asked."""
    controller = screen.controller
    model = controller.model
    member = reflection_speaker(model)
    if member is None:
        return
    name = model.name_of(member)
    if not controller.words.has_session1_words(member):
        screen.notify(f"{name} has no challenge or commitment recorded in session 1.")
        return

    def answered(show: bool | None) -> None:
        # The slot may have moved on while the dialog was open: the yes was for this member.
        if show:
            controller.agree_recall(member)
        changed()

    screen.app.push_screen(
        ConfirmScreen(
            f"Show {name}'s session 1 challenge and commitment on the shared screen?",
            "Only if they say yes, aloud. Everyone in the call will see it.",
        ),
        answered,
    )
