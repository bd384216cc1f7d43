"""The session app: the group's agenda, clock, talking stick and note-taker, screen-shared."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from plg_tui.app.crash import redacted_traceback
from plg_tui.app.display import sanitised
from plg_tui.app.guards import SessionGuards
from plg_tui.app.keys import APP_BINDINGS, palette_commands, screen_keys
from plg_tui.app.opening import already_held
from plg_tui.app.screens.base import SessionModal, SessionScreen
from plg_tui.app.themes import HIGH_CONTRAST

# The vault, the modules and the session model are imported where they are first needed: the
# demo paints its lobby before any of them is loaded (see bench/startup.py).
if TYPE_CHECKING:
    from plg_tui.app.session_host import SessionHost
    from plg_tui.app.sound_cue import SoundCue
    from plg_tui.app.widgets.presenter_view import PresenterView
    from plg_tui.core.session_lock import SessionLocked
    from plg_tui.vault.group_keys import GroupKeys

Clock = Callable[[], float]
TICK_SECONDS = 0.2


class PlgApp(SessionGuards):
    """The session app; screens reach it as a `SessionHost` (see session_host.py)."""

    CSS_PATH = "app.tcss"
    TITLE = "plg"
    # Textual types this as an instance attribute (ClassVar inside a union), so a ClassVar here
    # fails mypy's override check; the list is never mutated.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]  # noqa: RUF012
    BINDINGS = APP_BINDINGS

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
        self.controller = None
        self._keys = keys
        self._passphrase = passphrase
        self._open_keys = open_keys
        self.throwaway = open_keys is not None
        self.roster_preview = tuple(roster_preview)
        self._remapped_keys = dict(keymap or {})  # binding id -> keys, from plg.toml [keys]
        self._locked: SessionLocked | None = None  # another app held the group at start
        self._sound: SoundCue | None = None  # read from plg.toml [sound] once the session opens
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

    def get_default_screen(self) -> Screen[Any]:
        """With the keys in hand (the demo) and nothing to resume, the lobby is the first paint.

        Anything else (an error, a session in progress) goes the usual way through on_mount.
        """
        from plg_tui.app.screens.lobby import LobbyScreen

        if self._open_keys is not None and self._keys is None and not self.resume:
            return LobbyScreen()  # the demo, in a data home of its own: filled in by a worker
        self._locked = self._take_lock()
        if self._locked is not None:
            return super().get_default_screen()  # on_mount says who holds the group
        if self._keys is not None and not self.resume:
            try:
                controller = self._open_controller(self._keys)
            except Exception:  # reported properly by on_mount's second attempt
                return super().get_default_screen()
            if not controller.has_saved_progress() and not already_held(
                controller.info(), controller.kind
            ):
                self.controller = controller
                self._keys = None
                return LobbyScreen()
        return super().get_default_screen()

    def _handle_exception(self, error: Exception) -> None:
        """Textual's funnel for every unhandled error: end the app with a report that shows no
        local variable (see crash.py), where Textual's own would show them all."""
        self._return_code = 1
        if self._exception is None:  # what run_test re-raises, so a crashing test fails
            self._exception = error
            self._exception_event.set()
        self.bell()
        self.panic(redacted_traceback(error))

    def on_mount(self) -> None:
        if self._remapped_keys:
            self.set_keymap(self._remapped_keys)
        self.set_interval(self.tick_seconds, self.tick)
        if self.controller is not None:
            return  # opened for the default screen
        if self._open_keys is not None and self._keys is None:
            return  # the lobby paints first; on_ready opens the session
        if self._locked is not None:
            self._show_locked(self._locked)
            return
        self._begin_opening()

    def _begin_opening(self) -> None:
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

    # ---- the clock tick -----------------------------------------------------------------------

    def tick(self) -> None:
        """Advance the session's clock-driven state and redraw every mounted session screen."""
        if self.controller is None:
            return
        sound = self._sound_cue()
        if self.controller.tick():
            self.bell()
            self._play(sound)
        elif sound.on and sound.last_minute_started(
            self.controller.model.phase_index, self.controller.model.round
        ):
            self._play(sound)
        for screen in self.screen_stack:
            if isinstance(screen, SessionScreen | SessionModal) and screen.is_mounted:
                # A screen still composing or already closing is drawn by the next tick.
                with suppress(NoMatches):
                    screen.tick()

    def _sound_cue(self) -> SoundCue:
        if self._sound is None:
            from plg_tui.app.sound_cue import SoundCue
            from plg_tui.core.settings import sound_settings

            # `plg session` has checked the setting before the terminal was taken.
            self._sound = SoundCue(sound_settings(self.home))
            if self._sound.note:
                self.notify(self._sound.note, title="Sound")
        return self._sound

    def _play(self, sound: SoundCue) -> None:
        """Play the cue in a thread, so neither the clock nor a key waits for the speakers."""
        from plg_tui.app.sound_cue import play

        player = sound.player
        if player is None:
            return

        def run() -> None:
            reason = play(player)
            if reason is not None:
                self.call_from_thread(self._sound_failed, reason)

        self.run_worker(run, thread=True, group="sound", exit_on_error=False)

    def _sound_failed(self, reason: str) -> None:
        if self._sound is not None and self._sound.on:
            self._sound.failed(reason)
            self.notify(reason, title="Sound")

    # ---- app-wide keys ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "curtain":
            return self.controller is not None
        if action == "presenter":
            if self.controller is None or self.controller.model.stage == "lobby":
                return False  # and the lobby's first paint needs no agenda code
            return self._presenter() is not None
        return True

    def _presenter(self) -> PresenterView | None:
        """Presenter mode is for a round's timer: on the agenda of a round phase, or to leave."""
        from plg_tui.app.screens.agenda import AgendaScreen
        from plg_tui.app.widgets.presenter_view import PresenterView

        assert self.controller is not None
        if not isinstance(self.screen, AgendaScreen):
            return None
        view = self.screen.query_one(PresenterView)
        return view if view.presenting or self.controller.model.round is not None else None

    def action_presenter(self) -> None:
        from plg_tui.app.screens.agenda import AgendaScreen

        view = self._presenter()
        if view is not None and isinstance(self.screen, AgendaScreen):
            view.present(not view.presenting)
            self.screen.tick()  # draws presenter mode, or the agenda it covered

    def action_curtain(self) -> None:
        """Draw the curtain; F12 or Ctrl+B (priority keys) on the curtain lift it again."""
        from plg_tui.app.screens.curtain import CurtainScreen

        if isinstance(self.screen, CurtainScreen):
            self.screen.action_lift()
        else:
            self.push_screen(CurtainScreen())

    def action_help(self) -> None:
        from plg_tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen(screen_keys(self, self.screen)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette offers the session's actions that apply right now."""
        yield from palette_commands(self, screen)
        yield from super().get_system_commands(screen)


if TYPE_CHECKING:
    # mypy checks here that the app gives its screens all that they ask of their host.
    _APP_HOSTS_SESSION_SCREENS: type[SessionHost] = PlgApp
