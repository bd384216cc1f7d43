"""The privacy curtain: everything hidden but the session clock (a guest joined the call)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.widgets import Digits, Footer, Label

from plg_tui.app.screens.base import SessionModal
from plg_tui.core.agenda import format_mmss


class CurtainScreen(SessionModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b,escape", "lift", "Lift curtain", id="curtain.lift")
    ]

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Label("Session clock", id="curtain-label")
            yield Digits("0:00", id="curtain-clock")
            yield Label("Privacy curtain: press b or F12 to return", id="curtain-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # Toasts can name members ("Sealed the commitment for ..."): they go too.
        self.app.clear_notifications()
        self.tick()

    def tick(self) -> None:
        controller = self.host.controller
        elapsed = controller.model.agenda.elapsed() if controller else 0.0
        self.query_one("#curtain-clock", Digits).update(format_mmss(elapsed))

    def action_lift(self) -> None:
        self.dismiss()
