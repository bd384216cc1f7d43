"""What every session screen shares: the app as a `SessionHost`, and a per-tick redraw hook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import ModalScreen, Screen

from plg_tui.app.session_host import SessionHost

if TYPE_CHECKING:
    from textual.app import App

    from plg_tui.app.controller import SessionController


class _SessionAccess:
    app: App[object]

    @property
    def host(self) -> SessionHost:
        host = self.app
        if not isinstance(host, SessionHost):
            raise TypeError("a session screen runs only inside the session app")
        return host

    @property
    def controller(self) -> SessionController:
        controller = self.host.controller
        assert controller is not None, "the session is not open yet"
        return controller

    def tick(self) -> None:
        """Called by the app's interval timer; redraw whatever shows time."""


class SessionScreen(_SessionAccess, Screen[None]):
    _key_states: tuple[tuple[str, bool], ...] = ()

    def refresh_keys(self) -> None:
        """`refresh_bindings`, only when a key in the footer came or went: the footer is rebuilt
        on each refresh, which on the agenda cost more than the rest of a key press. (The help
        screen and the palette read the keys afresh each time they open.)"""
        states = tuple(
            (key, active.enabled)
            for key, active in self.active_bindings.items()
            if active.binding.show
        )
        if states != self._key_states:
            self._key_states = states
            self.refresh_bindings()


class SessionModal(_SessionAccess, ModalScreen[None]):
    pass
