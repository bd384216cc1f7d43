"""The current speaker, large: name, a `Digits` countdown, and a text label for the state.

The state is always said in words as well as colour (last minute, overtime), because colours
wash out in a screen share and not everyone sees them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Label

from plg_tui.app.display import markup
from plg_tui.core.agenda import format_mmss
from plg_tui.core.session import SessionModel
from plg_tui.core.speaker_slots import SpeakerStatus
from plg_tui.core.timers import RoundTimer


def countdown_text(timer: RoundTimer) -> str:
    remaining = timer.remaining()
    if remaining < 0:
        return "+" + format_mmss(-remaining)
    return format_mmss(remaining)


def status_text(timer: RoundTimer, skipped: str = "") -> tuple[str, str]:
    """(words, style class) for the current speaker's state; `skipped` names who was."""
    if timer.finished:
        if skipped:
            return f"Round complete · skipped: {skipped}", "-done"
        return "Round complete: everyone has spoken", "-done"
    remaining = timer.remaining()
    if remaining < 0:
        state = f"OVERTIME +{format_mmss(-remaining)}"
        css = "-overtime"
    elif timer.in_last_minute:
        state = f"LAST MINUTE · {format_mmss(remaining)} left"
        css = "-last-minute"
    else:
        state = f"speaking · {format_mmss(remaining)} left"
        css = ""
    if not timer.running:
        if timer.time_lost > 0:
            return f"Paused on resume: {format_mmss(timer.time_lost)} lost", "-paused"
        current = timer.current
        if current is not None and current.used == 0 and current.status is SpeakerStatus.WAITING:
            return "Ready: press space to start", "-paused"
        state = f"PAUSED · {state.removeprefix('speaking · ')}"
        css = css or "-paused"
    return state, css


def division_text(timer: RoundTimer) -> str:
    parts = [f"Round left {format_mmss(timer.round_left())}"]
    over = timer.over_by()
    if over >= 1:
        parts[0] += f" ({format_mmss(over)} over)"
    if timer.finished or not timer.redivided():
        return "\n".join(parts)
    # The share of those still to speak; the last of them has had no +/-1 minute of its own.
    still_to_speak = timer.slots[timer.current_index or 0 :]
    if still_to_speak:
        parts.append(f"Re-divided: {format_mmss(still_to_speak[-1].allotted)} each")
    return "\n".join(parts)


class SpeakerPanel(Vertical):
    DEFAULT_CSS = """
    SpeakerPanel {
        width: 1fr;
        height: 9;
        border: heavy $primary;
        padding: 0 1;
    }
    SpeakerPanel #speaker-name {
        text-style: bold;
    }
    SpeakerPanel #countdown {
        width: auto;
        color: $foreground;
    }
    SpeakerPanel #speaker-state {
        text-style: bold;
    }
    SpeakerPanel.-last-minute {
        border: heavy $warning;
    }
    SpeakerPanel.-last-minute #countdown, SpeakerPanel.-last-minute #speaker-state {
        color: $warning;
    }
    SpeakerPanel.-overtime {
        border: double $error;
    }
    SpeakerPanel.-overtime #countdown, SpeakerPanel.-overtime #speaker-state {
        color: $error;
    }
    SpeakerPanel.-paused #speaker-state {
        color: $secondary;
    }
    SpeakerPanel #division {
        color: $foreground;
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="speaker-name")
        yield Digits("0:00", id="countdown")
        yield Label("", id="speaker-state")
        yield Label("", id="division")

    def show(self, model: SessionModel, timer: RoundTimer) -> None:
        current = timer.current
        name = model.name_of(current.member) if current else "Everyone has spoken"
        self.query_one("#speaker-name", Label).update(markup("[b]$name[/b]", name=name))
        self.query_one("#countdown", Digits).update(countdown_text(timer) if current else "0:00")
        skipped = ", ".join(model.name_of(key) for key in timer.skipped_members())
        words, css = status_text(timer, skipped)
        state = self.query_one("#speaker-state", Label)
        state.update(words)
        for cls in ("-overtime", "-last-minute", "-paused", "-done"):
            self.set_class(cls == css, cls)
        self.query_one("#division", Label).update(division_text(timer))
