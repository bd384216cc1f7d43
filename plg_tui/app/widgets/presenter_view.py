"""Presenter mode: the speaker's name and remaining time filling the shared screen.

A layer of the agenda, hidden until the app's `z` (app.presenter) shows it in place of the
agenda's clock bar and body while a round runs. Being part of the agenda screen, not a screen
of its own, switching to it keeps the agenda's footer (and its keys: start/pause, next, +1
min work here as there) and costs a repaint, not a change of screen. The agenda's tick
redraws it; the curtain (`b`) covers it like the rest of the agenda.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from plg_tui.app.display import markup, plain
from plg_tui.app.widgets.big_countdown import BigCountdown, Ink
from plg_tui.app.widgets.speaker_panel import countdown_text, status_text
from plg_tui.core.agenda import format_mmss
from plg_tui.core.session import SessionModel

INK_FOR_STATE = {"-last-minute": Ink.HATCHED, "-overtime": Ink.CROSSED}


class PresenterView(Vertical):
    DEFAULT_CSS = """
    PresenterView {
        display: none;  /* shown by presenter mode, in place of the agenda */
        width: 100%;
        height: 1fr;
    }
    PresenterView #presenter-name {
        width: 100%;
        height: auto;
        max-height: 4;  /* a very long name must not push the digits off the screen */
        padding: 1 1 0 1;
        text-align: center;
        text-style: bold;
    }
    PresenterView #presenter-state {
        width: 100%;
        height: auto;
        text-align: center;
        text-style: bold reverse;
    }
    PresenterView #presenter-state.-last-minute {
        color: $warning;
    }
    PresenterView #presenter-state.-overtime {
        color: $error;
    }
    PresenterView #presenter-next {
        width: 100%;
        height: auto;
        text-align: center;
        color: $foreground;
    }
    PresenterView BigCountdown {
        margin: 1 1 0 1;
    }
    """

    def __init__(self, *, covers: tuple[str, ...], id: str | None = None) -> None:
        super().__init__(id=id)
        self._covers = covers  # the ids of the widgets presenter mode takes the place of

    def compose(self) -> ComposeResult:
        yield Static("", id="presenter-name")
        yield BigCountdown(id="presenter-digits")
        yield Static("", id="presenter-state")
        yield Static("", id="presenter-next")

    def show(self, model: SessionModel) -> None:
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

    @property
    def presenting(self) -> bool:
        return self.display

    def present(self, on: bool) -> None:
        """Show this view in place of the widgets it covers (on the agenda: the clock bar and
        the body), or hide it again. Only `display` changes: no screen, style or footer is
        rebuilt."""
        for covered in self._covers:
            self.screen.get_widget_by_id(covered).display = not on
        self.display = on
