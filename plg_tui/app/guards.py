"""The session app's guard rails: one app per group (the session lock), and a quit that asks,
saves where the session is, and says how to come back."""

from __future__ import annotations

import shlex
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from plg_tui.app.opening import SessionOpening

if TYPE_CHECKING:
    from textual.screen import ModalScreen

    from plg_tui.core.session_lock import SessionLock, SessionLocked


def resume_command(home: Path, slug: str, kind: str) -> str:
    """The exact `plg session` line that resumes this session (with --home when it is not the
    one plg finds by itself)."""
    from plg_tui.core.home import resolve_home

    parts = ["plg"]
    if home.resolve() != resolve_home(None).resolve():
        parts += ["--home", str(home)]
    parts += ["session", slug, "--kind", kind, "--resume"]
    return shlex.join(parts)


class SessionGuards(SessionOpening):
    """The lock held while the app runs, and the quit question; `PlgApp` sets `throwaway`."""

    session_lock: SessionLock | None = None
    # Printed by `plg session` once the terminal is back: how to resume after a quit.
    farewell: str | None = None
    read_only = False
    throwaway = False  # the demo: its data home is removed when it ends, nothing to resume
    _quit_question: ModalScreen[bool] | None = None

    # ---- the session lock -----------------------------------------------------------------

    def _take_lock(self, *, take_over: bool = False) -> SessionLocked | None:
        """Hold the group's session lock; who holds it instead, if someone does."""
        import os

        from plg_tui.core.session_lock import LockHolder, SessionLocked, acquire
        from plg_tui.vault.paths import DataHome

        path = DataHome(self.home).group(self.slug).session_lock
        if not path.parent.is_dir():
            return None  # no group there: opening it says so
        holder = LockHolder(socket.gethostname(), os.getpid(), self.wall())
        try:
            self.session_lock = acquire(path, holder, take_over=take_over)
        except SessionLocked as locked:
            return locked
        except OSError:
            return None  # an unwritable group folder: opening the group reports it
        return None

    def release_lock(self) -> None:
        if self.session_lock is not None:
            self.session_lock.release()

    def on_unmount(self) -> None:
        """The app ends, cleanly or by a crash: the group is free again."""
        self.release_lock()

    def _show_locked(self, locked: SessionLocked) -> None:
        from plg_tui.app.screens.session_locked import SessionLockedScreen

        def chosen(choice: str | None) -> None:
            if choice == "view":
                self._view_read_only(locked)
            elif choice == "take_over":
                again = self._take_lock(take_over=True)
                if again is not None:
                    self._show_locked(again)
                else:
                    self._begin_opening()
            else:
                self.exit(0)

        self.push_screen(SessionLockedScreen(locked), chosen)

    def _view_read_only(self, locked: SessionLocked) -> None:
        from plg_tui.app.screens.read_only import ReadOnlyScreen

        self.read_only = True
        self.push_screen(
            ReadOnlyScreen(self.home, self.slug, locked.describe(), self.clock, self.wall)
        )

    def _begin_opening(self) -> None:
        """Unlock and open the session (PlgApp's start-up, once the lock is held)."""
        raise NotImplementedError

    # ---- quitting -------------------------------------------------------------------------

    def action_request_quit(self) -> None:
        """Ctrl+Q: a running session asks first, then stops exactly where it is."""
        from plg_tui.app.screens.confirm import ConfirmScreen
        from plg_tui.vocabulary import Stage

        controller = self.controller
        if (
            self.read_only
            or self.undecided  # nothing opened yet: the saved state stays as it is
            or controller is None
            or controller.model.stage == Stage.DONE
        ):
            self.exit(0)
            return
        if self._quit_question is not None and self.screen is self._quit_question:
            return
        command = None if self.throwaway else resume_command(self.home, self.slug, controller.kind)
        detail = (
            "The demo's group is thrown away."
            if command is None
            else "The session is saved where it is (a running speaker timer is paused). "
            f"To resume it: {command}"
        )
        question = ConfirmScreen("Quit the session app?", detail)
        self._quit_question = question

        def answered(quit_now: bool | None) -> None:
            self._quit_question = None
            if quit_now:
                self._quit_saved(command)

        self.push_screen(question, answered)

    def _quit_saved(self, command: str | None) -> None:
        controller = self.controller
        assert controller is not None
        controller.pause_and_save()
        if command is not None:
            self.farewell = f"The session is saved. To resume it: {command}"
        self.exit(0)
