"""Another session app has this group: who, since when, and what this one may do instead."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from plg_tui.app.display import plain
from plg_tui.core.session_lock import SessionLocked


class SessionLockedScreen(Screen[str | None]):
    """Dismissed with "view", "take_over" (after a yes) or None (quit)."""

    DEFAULT_CSS = """
    SessionLockedScreen { align: center middle; }
    #locked-dialog {
        width: 90%;
        max-width: 90;
        height: auto;
        border: heavy $warning;
        padding: 1 2;
    }
    #locked-dialog > Label {
        width: 100%;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "choose('view')", "View read-only", id="locked.view"),
        Binding("t", "take_over", "Take over", id="locked.take_over"),
        Binding("q,escape", "choose('')", "Quit", id="locked.quit"),
    ]

    def __init__(self, locked: SessionLocked) -> None:
        super().__init__()
        self.locked = locked

    def compose(self) -> ComposeResult:
        locked = self.locked
        if locked.running:
            advice = (
                "Only one session app per group: two would overwrite each other's state. "
                "Press v to follow the session read-only, or q to quit."
            )
        else:
            advice = (
                "Press t to take over (only when that session app has really ended), "
                "v to view the saved session read-only, or q to quit."
            )
        with Vertical(id="locked-dialog"):
            yield Static("[b]This group's session is open elsewhere[/b]")
            yield Label(plain(locked.describe()), id="locked-holder")
            yield Label(plain(advice), id="locked-advice")
        yield Footer(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_over":
            return self.locked.can_take_over
        return True

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)

    def action_take_over(self) -> None:
        from plg_tui.app.screens.confirm import ConfirmScreen

        if not self.locked.can_take_over:
            return

        def answered(sure: bool | None) -> None:
            if sure:
                self.dismiss("take_over")

        detail = (
            "Its process is gone; the saved session can be resumed here."
            if self.locked.stale
            else "plg cannot check it from here: take over only if it has really ended."
        )
        self.app.push_screen(ConfirmScreen("Take over this group's session?", detail), answered)
