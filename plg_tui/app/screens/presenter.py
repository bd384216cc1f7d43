"""Presenter mode: the speaker's name and remaining time filling the shared screen.

Opened and closed with the app's `z` (app.presenter) over the agenda, while a round runs. The
app's tick redraws it; the curtain (`b`) covers it like any other screen. The round's own
keys (start/pause, next, +1 min) work here too, so the facilitator need not leave it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from plg_tui.app.display import markup, plain
from plg_tui.app.screens.base import SessionScreen
from plg_tui.app.widgets.big_countdown import BigCountdown, Ink
from plg_tui.app.widgets.speaker_panel import countdown_text, status_text
from plg_tui.core.agenda import format_mmss

INK_FOR_STATE = {"-last-minute": Ink.HATCHED, "-overtime": Ink.CROSSED}


class PresenterScreen(SessionScreen):
    DEFAULT_CSS = """
    PresenterScreen {
        layout: vertical;
    }
    PresenterScreen #presenter-name {
        width: 100%;
        height: auto;
        max-height: 4;  /* a very long name must not push the digits off the screen */
        padding: 1 1 0 1;
        text-align: center;
        text-style: bold;
    }
    PresenterScreen #presenter-state {
        width: 100%;
        height: auto;
        text-align: center;
        text-style: bold reverse;
    }
    PresenterScreen #presenter-state.-last-minute {
        color: $warning;
    }
    PresenterScreen #presenter-state.-overtime {
        color: $error;
    }
    PresenterScreen #presenter-next {
        width: 100%;
        height: auto;
        text-align: center;
        color: $foreground;
    }
    PresenterScreen BigCountdown {
        margin: 1 1 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_timer", "Start/Pause", id="presenter.toggle"),
        Binding("n", "next_speaker", "Next", id="presenter.next"),
        Binding("plus,equals_sign", "plus_minute", "+1 min", key_display="+", id="presenter.plus"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="presenter-name")
        yield BigCountdown(id="presenter-digits")
        yield Static("", id="presenter-state")
        yield Static("", id="presenter-next")
        yield Footer(compact=True, show_command_palette=False)

    def on_screen_resume(self) -> None:
        # Kept installed between uses: what it shows is brought up to date at every return
        # (Textual refreshes the keys itself when the screen stack changes).
        self.tick()

    def tick(self) -> None:
        model = self.controller.model
        timer = model.round
        digits = self.query_one(BigCountdown)
        name = self.query_one("#presenter-name", Static)
        state = self.query_one("#presenter-state", Static)
        following = self.query_one("#presenter-next", Static)
        if timer is None:  # the phase moved on underneath: show what is left of it
            left = model.agenda.phase_remaining()
            name.update(plain(model.phase.name))
            digits.show(format_mmss(abs(left)), Ink.SOLID if left >= 0 else Ink.CROSSED)
            state.update("phase time left" if left >= 0 else "PHASE OVER TIME")
            following.update("")
            return
        current = timer.current
        speaker = model.name_of(current.member) if current else "Everyone has spoken"
        name.update(markup("$name", name=speaker))
        skipped = ", ".join(model.name_of(key) for key in timer.skipped_members())
        words, css = status_text(timer, skipped)
        digits.show(countdown_text(timer) if current else "0:00", INK_FOR_STATE.get(css, Ink.SOLID))
        state.update(plain(f" {words} "))
        for cls in ("-overtime", "-last-minute"):
            state.set_class(cls == css, cls)
        waiting = timer.waiting_members()
        following.update(plain(f"Next: {model.name_of(waiting[0])}") if waiting else "")

    # ---- the round's keys, as on the agenda -----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"toggle_timer", "next_speaker", "plus_minute"}:
            controller = self.host.controller
            return controller is not None and controller.model.round_open
        return True

    def _changed(self) -> None:
        self.refresh_keys()
        self.tick()

    def action_toggle_timer(self) -> None:
        self.controller.toggle_timer()
        self._changed()

    def action_next_speaker(self) -> None:
        self.controller.next_speaker()
        self._changed()

    def action_plus_minute(self) -> None:
        self.controller.add_speaker_minute()
        self._changed()


PRESENTER = "presenter"  # the installed presenter-mode screen


def presenter_applies(app: App[Any]) -> bool:
    """Presenter mode is for a round's timer: on the agenda of a round phase, or to leave."""
    from plg_tui.app.screens.agenda import AgendaScreen

    controller = getattr(app, "controller", None)
    if controller is None or controller.model.stage == "lobby":
        return False
    if isinstance(app.screen, PresenterScreen):
        return True
    return controller.model.round is not None and isinstance(app.screen, AgendaScreen)


def toggle_presenter(app: App[Any]) -> None:
    if isinstance(app.screen, PresenterScreen):
        app.pop_screen()  # Textual refreshes the keys when the stack changes
        if isinstance(app.screen, SessionScreen):
            app.screen.tick()
        return
    # Installed once and kept: toggling back and forth does not compose it again.
    if not app.is_screen_installed(PRESENTER):
        app.install_screen(PresenterScreen(), PRESENTER)
    app.push_screen(PRESENTER)
