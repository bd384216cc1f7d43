"""What every session screen shares: access to the controller and a per-tick redraw hook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from plg_tui.app.app import PlgApp
    from plg_tui.app.controller import SessionController


class _SessionAccess:
    @property
    def plg(self) -> PlgApp:
        return self.app  # type: ignore[attr-defined, no-any-return]

    @property
    def controller(self) -> SessionController:
        controller = self.plg.controller
        assert controller is not None, "the session is not open yet"
        return controller

    def tick(self) -> None:
        """Called by the app's interval timer; redraw whatever shows time."""


class SessionScreen(_SessionAccess, Screen):
    pass


class SessionModal(_SessionAccess, ModalScreen):
    pass
