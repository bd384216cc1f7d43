"""What every session screen shares: access to the controller and a per-tick redraw hook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from plg_tui.app.app import PlgApp
    from plg_tui.app.controller import SessionController


class SessionScreen(Screen):
    @property
    def plg(self) -> PlgApp:
        return self.app  # type: ignore[return-value]

    @property
    def controller(self) -> SessionController:
        controller = self.plg.controller
        assert controller is not None, "the session is not open yet"
        return controller

    def tick(self) -> None:
        """Called by the app's interval timer; redraw whatever shows time."""


class SessionModal(ModalScreen):
    @property
    def plg(self) -> PlgApp:
        return self.app  # type: ignore[return-value]

    @property
    def controller(self) -> SessionController:
        controller = self.plg.controller
        assert controller is not None, "the session is not open yet"
        return controller

    def tick(self) -> None:
        """Called by the app's interval timer."""
