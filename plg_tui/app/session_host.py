"""What a session screen needs from the app that hosts it.

Screens depend on this Protocol, never on `plg_tui.app.app`: the app satisfies it by its shape,
so the app can import its screens without the screens importing the app back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from plg_tui.app.controller import SessionController


@runtime_checkable
class SessionHost(Protocol):
    @property
    def controller(self) -> SessionController | None:
        """The open session; None while the vault is still being opened (the demo)."""

    @property
    def roster_preview(self) -> Sequence[tuple[str, str]]:
        """(key, name) of each member, painted in the lobby before the session is open."""

    def show_agenda(self) -> None:
        """Replace every screen by the agenda runner."""

    def show_close(self) -> None:
        """Open the close of this kind of session over the agenda."""

    def back_to_agenda(self) -> None:
        """Leave the close for the agenda again."""

    def show_done(self) -> None:
        """Replace every screen by the summary of the finished session."""
