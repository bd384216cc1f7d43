"""Start-up: unlock the group off the UI thread, open its session, ask to resume one."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from plg_tui.app.display import cell
from plg_tui.app.routing import ScreenRouting

if TYPE_CHECKING:
    from plg_tui.app.controller import Clock, SessionController
    from plg_tui.app.messages import PassphraseEntered
    from plg_tui.vault.group_keys import GroupKeys
    from plg_tui.vault.records import GroupInfo


# What finishing a held session again replaces.
RERUN_LOSSES = {
    "trust": "its saved state; the ground rules captured stay sealed",
    "1": "the practice partners and session 2's date",
    "2": "the module's rating and the next-topic votes",
}


def already_held(info: GroupInfo, kind: str) -> bool:
    return {"trust": info.trust_held, "1": info.session1_held, "2": info.session2_held}[kind]


class SessionOpening(ScreenRouting):
    """Set by `PlgApp.__init__`: where the group is and how to open its session."""

    home: Path
    slug: str
    kind: str | None
    # Asking whether to resume or re-run: nothing of this session may be saved before the answer.
    undecided = False
    resume: bool
    clock: Clock
    wall: Clock
    rng: random.Random

    @work(thread=True, exclusive=True, group="open")
    def _open_in_background(self, open_keys: Callable[[], GroupKeys]) -> None:
        """Build or find the keys and open the session off the UI thread, the lobby on screen."""
        from plg_tui.errors import PlgError

        try:
            keys = open_keys()
            controller = self._open_controller(keys)
        except (PlgError, ValueError, OSError) as error:
            self.call_from_thread(self._exit_with_error, error)
            return
        self.call_from_thread(self._opened_in_background, keys, controller)

    def _exit_with_error(self, error: Exception) -> None:
        # Printed by Rich after the app closes: a Text, so a name or path in it is no markup.
        self.exit(1, return_code=1, message=cell(f"plg: error: {error}"))

    def _opened_in_background(self, keys: GroupKeys, controller: SessionController) -> None:
        from plg_tui.app.screens.lobby import LobbyScreen

        self.controller = controller
        if not self.resume and controller.has_saved_progress():
            self._ask_resume(keys)
            return
        lobbies = [screen for screen in self.screen_stack if isinstance(screen, LobbyScreen)]
        if not lobbies:
            self.show_stage()
        for lobby in lobbies:
            lobby.session_opened()

    def on_passphrase_entered(self, message: PassphraseEntered) -> None:
        self._unlock(message.passphrase)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, passphrase: str) -> None:
        """Argon2 takes a noticeable moment: never on the UI thread."""
        from plg_tui.vault.errors import VaultError, WrongPassphrase
        from plg_tui.vault.keys import unlock

        try:
            keys = unlock(self.home, self.slug, passphrase)
        except WrongPassphrase:
            self.call_from_thread(
                self._unlock_failed, "Wrong passphrase; nothing was opened or written. Try again."
            )
            return
        except VaultError as error:
            self.call_from_thread(self._unlock_failed, str(error))
            return
        self.call_from_thread(self._open, keys)

    def _unlock_failed(self, message: str) -> None:
        from plg_tui.app.screens.passphrase import PassphraseScreen

        screen = self.screen
        if isinstance(screen, PassphraseScreen):
            screen.show_error(message)
        else:
            self.push_screen(PassphraseScreen(self.slug, message))

    def _open(self, keys: GroupKeys) -> None:
        from plg_tui.core.module_model import ModuleError
        from plg_tui.core.session_state import SessionStateError
        from plg_tui.core.settings import SettingsError
        from plg_tui.vault.errors import VaultError

        try:
            controller = self._open_controller(keys)
        except (VaultError, ModuleError, SessionStateError, SettingsError, ValueError) as error:
            self._exit_with_error(error)
            return
        self.controller = controller
        if not self.resume and controller.has_saved_progress():
            self._ask_resume(keys)
            return
        if already_held(controller.info(), controller.kind):
            self._ask_rerun()
            return
        self.show_stage()

    def _ask_rerun(self) -> None:
        """Running a held session again would replace what its close recorded: ask first."""
        from plg_tui.app.screens.confirm import ConfirmScreen

        assert self.controller is not None
        label, kind = self.controller.label, self.controller.kind
        self.undecided = True

        def answered(again: bool | None) -> None:
            self.undecided = False
            if again:
                self.show_stage()
            else:
                self.exit(0, message=cell(f"{label} was left as it was held; nothing changed."))

        self.push_screen(
            ConfirmScreen(
                f"{label} of this group was already held. Run it again?",
                f"Finishing it again replaces what its close recorded ({RERUN_LOSSES[kind]}). "
                "n quits and changes nothing.",
            ),
            answered,
        )

    def _open_controller(self, keys: GroupKeys, kind: str | None = None) -> SessionController:
        from plg_tui.app.session_loader import open_session

        return open_session(
            self.home,
            keys,
            kind or self.kind,
            resume=self.resume,
            clock=self.clock,
            wall=self.wall,
            rng=self.rng,
        )

    def _ask_resume(self, keys: GroupKeys) -> None:
        from plg_tui.app.screens.confirm import ConfirmScreen

        assert self.controller is not None
        label, kind = self.controller.label, self.controller.kind
        self.undecided = True

        def answered(resume: bool | None) -> None:
            self.undecided = False
            if resume:
                self.resume = True
                self.controller = self._open_controller(keys, kind)
            self.show_stage()

        self.push_screen(
            ConfirmScreen(
                f"{label} of this group is in progress. Resume where it stopped?",
                "n starts it again from the lobby (what was captured stays sealed in the vault).",
            ),
            answered,
        )
