"""The session app: the group's agenda, clock, talking stick and note-taker, screen-shared."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from plg_tui.app.display import cell, sanitised
from plg_tui.app.screens.base import SessionModal, SessionScreen
from plg_tui.app.themes import HIGH_CONTRAST

# The vault, the modules and the session model are imported where they are first needed: the
# demo paints its lobby before any of them is loaded (see bench/startup.py).
if TYPE_CHECKING:
    from plg_tui.app.controller import SessionController
    from plg_tui.app.messages import PassphraseEntered
    from plg_tui.vault.group_keys import GroupKeys

Clock = Callable[[], float]
TICK_SECONDS = 0.2


class PlgApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "plg"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("b", "curtain", "Curtain", id="app.curtain"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
    ]

    def __init__(
        self,
        home: Path,
        slug: str,
        *,
        kind: str | None = None,
        keys: GroupKeys | None = None,
        passphrase: str | None = None,
        resume: bool = False,
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
        rng_seed: int | None = None,
        tick_seconds: float = TICK_SECONDS,
        open_keys: Callable[[], GroupKeys] | None = None,
        roster_preview: Sequence[tuple[str, str]] = (),
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        """`open_keys` (the demo) makes the keys in a worker after the lobby is painted from
        `roster_preview` ((key, name) of each member, in roster order); lobby keys pressed
        meanwhile are applied once the session is open."""
        super().__init__()
        self.home = home
        self.slug = slug
        self.kind = kind
        self.resume = resume
        self.clock = clock
        self.wall = wall
        self.rng = random.Random(rng_seed)
        self.tick_seconds = tick_seconds
        self.controller: SessionController | None = None
        self._keys = keys
        self._passphrase = passphrase
        self._open_keys = open_keys
        self.roster_preview = tuple(roster_preview)
        self._remapped_keys = dict(keymap or {})  # binding id -> keys, from plg.toml [keys]
        self._start_with_theme(HIGH_CONTRAST)

    def _start_with_theme(self, theme: Theme) -> None:
        """Make `theme` the one the stylesheet is first parsed with, before the app runs.

        Setting `self.theme` runs its watcher, which re-parses and re-applies all CSS once the
        app starts and delays the first paint; here nothing is parsed yet, so the theme's
        variables and classes (what the watcher would set) are simply given up front.
        """
        self.register_theme(theme)
        self.set_reactive(App.theme, theme.name)
        self.update_classes(
            {f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark},
            update=False,
        )
        self.stylesheet.set_variables(self.get_css_variables())

    # ---- start-up: unlock, open, pick the screen ----------------------------------------------

    def get_default_screen(self) -> Screen:
        """With the keys in hand (the demo) and nothing to resume, the lobby is the first paint.

        Anything else (an error, a session in progress) goes the usual way through on_mount.
        """
        from plg_tui.app.screens.lobby import LobbyScreen

        if self._open_keys is not None and self._keys is None and not self.resume:
            return LobbyScreen()  # opening: filled in by _open_in_background
        if self._keys is not None and not self.resume:
            try:
                controller = self._open_controller(self._keys)
            except Exception:  # reported properly by on_mount's second attempt
                return super().get_default_screen()
            if not controller.has_saved_progress():
                self.controller = controller
                self._keys = None
                return LobbyScreen()
        return super().get_default_screen()

    def _fatal_error(self) -> None:
        """Textual's crash report without the values of local variables.

        A local may hold what a member said or the passphrase, and the report lands in a
        screen-shared terminal, its scrollback and whatever log stderr goes to.
        """
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    def on_mount(self) -> None:
        if self._remapped_keys:
            self.set_keymap(self._remapped_keys)
        self.set_interval(self.tick_seconds, self._tick)
        if self.controller is not None:
            return  # opened for the default screen
        if self._open_keys is not None and self._keys is None:
            return  # the lobby paints first; on_ready opens the session
        if self._keys is not None:
            self._open(self._keys)
        else:
            from plg_tui.app.screens.passphrase import PassphraseScreen

            if self._passphrase:
                self.push_screen(PassphraseScreen(self.slug, "Unlocking…"))
                self._unlock(self._passphrase)
                self._passphrase = None
            else:
                self.push_screen(PassphraseScreen(self.slug))

    def on_ready(self) -> None:
        """The first frame is on the terminal: now build or find the keys (the demo)."""
        if self._open_keys is not None and self._keys is None:
            # Started only now, so the import-heavy worker never competes with the first paint.
            self._open_in_background(self._open_keys)
            self._open_keys = None

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

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is plain text: they name members ("Sealed the challenge for Ada").

        Screens' notify passes markup=True by default; it is ignored here on purpose.
        """
        super().notify(
            sanitised(message),
            title=sanitised(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

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
        from plg_tui.core.modules import ModuleError
        from plg_tui.core.session import SessionStateError
        from plg_tui.vault.errors import VaultError

        try:
            controller = self._open_controller(keys)
        except (VaultError, ModuleError, SessionStateError, ValueError) as error:
            self._exit_with_error(error)
            return
        self.controller = controller
        if not self.resume and controller.has_saved_progress():
            self._ask_resume(keys)
            return
        self.show_stage()

    def _open_controller(self, keys: GroupKeys) -> SessionController:
        from plg_tui.app.controller import SessionController

        return SessionController.open(
            self.home,
            keys,
            self.kind,
            resume=self.resume,
            clock=self.clock,
            wall=self.wall,
            rng=self.rng,
        )

    def _ask_resume(self, keys: GroupKeys) -> None:
        from plg_tui.app.controller import SessionController
        from plg_tui.app.screens.confirm import ConfirmScreen

        assert self.controller is not None
        label = self.controller.label

        def answered(resume: bool | None) -> None:
            if resume:
                self.resume = True
                self.controller = SessionController.open(
                    self.home,
                    keys,
                    self.controller.kind if self.controller else self.kind,
                    resume=True,
                    clock=self.clock,
                    wall=self.wall,
                    rng=self.rng,
                )
            self.show_stage()

        self.push_screen(
            ConfirmScreen(
                f"{label} of this group is in progress. Resume where it stopped?",
                "n starts it again from the lobby (what was captured stays sealed in the vault).",
            ),
            answered,
        )

    # ---- switching screens --------------------------------------------------------------------

    def _replace(self, screen: Screen) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def show_stage(self) -> None:
        from plg_tui.app.screens.lobby import LobbyScreen

        assert self.controller is not None
        stage = self.controller.model.stage
        if stage == "lobby":
            self._replace(LobbyScreen())
        elif stage == "agenda":
            self.show_agenda()
            if self.controller.model.time_lost > 0:
                self.notify(
                    "The timer was running when the app stopped; it resumes paused.",
                    title="Resumed",
                )
        elif stage == "close":
            self.show_agenda()
            self.show_close()
        else:
            self.show_done()

    def show_agenda(self) -> None:
        from plg_tui.app.screens.agenda import AgendaScreen

        self._replace(AgendaScreen())

    def show_close(self) -> None:
        from plg_tui.app.screens.close_session1 import CloseSession1Screen
        from plg_tui.app.screens.close_session2 import CloseSession2Screen
        from plg_tui.app.screens.close_trust import CloseTrustScreen

        assert self.controller is not None
        screens = {"1": CloseSession1Screen, "2": CloseSession2Screen, "trust": CloseTrustScreen}
        self.push_screen(screens[self.controller.kind]())

    def back_to_agenda(self) -> None:
        from plg_tui.app.screens.agenda import AgendaScreen

        assert self.controller is not None
        self.controller.model.back_to_agenda()
        self.controller.save()
        self.pop_screen()
        if isinstance(self.screen, AgendaScreen):
            self.screen.refresh_phase()

    def show_done(self) -> None:
        from plg_tui.app.screens.done import DoneScreen

        self._replace(DoneScreen())

    # ---- the clock tick -----------------------------------------------------------------------

    def _tick(self) -> None:
        controller = self.controller
        if controller is None:
            return
        model = controller.model
        timer = model.round
        if timer is not None and timer.running and timer.take_bell():
            self.bell()
            controller.save()
        elif model.stage == "agenda" and controller.checkpoint_due():
            controller.save()
        for screen in self.screen_stack:
            if isinstance(screen, SessionScreen | SessionModal) and screen.is_mounted:
                # A screen still composing or already closing is drawn by the next tick.
                with suppress(NoMatches):
                    screen.tick()

    # ---- app-wide keys ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "curtain":
            return self.controller is not None and self.controller.model.stage != "lobby"
        return True

    def action_curtain(self) -> None:
        from plg_tui.app.screens.curtain import CurtainScreen

        if not isinstance(self.screen, CurtainScreen):
            self.push_screen(CurtainScreen())

    def action_help(self) -> None:
        from plg_tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen_keys(self.screen)))

    def screen_keys(self, screen: Screen) -> list[tuple[str, str, str]]:
        """(key, description, binding id) of every key that applies on `screen`, as remapped."""
        seen: set[str] = set()
        keys = []
        for active in screen.active_bindings.values():
            binding = active.binding
            # Only the session's own keys (they all carry an id); not scrolling or focus keys.
            if binding.id is None or not active.enabled or binding.description in seen:
                continue
            seen.add(binding.description)
            keys.append((self.get_key_display(binding), binding.description, binding.id))
        return keys

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers the session's actions that apply right now."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id is None or not active.enabled or binding.description in seen:
                continue
            if binding.action in ("command_palette", "quit"):
                continue
            seen.add(binding.description)
            yield SystemCommand(
                binding.description,
                f"key {self.get_key_display(binding)}",
                partial(self.run_action, binding.action, active.node),
            )
        yield from super().get_system_commands(screen)
