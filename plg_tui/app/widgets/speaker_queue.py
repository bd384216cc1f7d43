"""Who has spoken, who speaks now and who is next, with each slot's time."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup
from plg_tui.core.agenda import format_mmss
from plg_tui.core.session import SessionModel
from plg_tui.core.speaker_slots import SpeakerStatus
from plg_tui.core.timers import RoundTimer

STATUS_WORD = {
    SpeakerStatus.DONE: "done",
    SpeakerStatus.SKIPPED: "skip",
    SpeakerStatus.SPEAKING: "now",
    SpeakerStatus.WAITING: "next",
}


def queue_lines(model: SessionModel, timer: RoundTimer) -> Content:
    lines = [markup("[b]Queue[/b]")]
    current = timer.current_index
    for index, slot in enumerate(timer.slots):
        name = model.person(slot.member).first_name if slot.member else slot.member
        if index == current:
            word, marker = "now", "▶"
        else:
            word = STATUS_WORD[slot.status]
            marker = "✓" if slot.status is SpeakerStatus.DONE else " "
            if slot.status is SpeakerStatus.SKIPPED:
                marker = "–"
        if slot.status in (SpeakerStatus.DONE, SpeakerStatus.SKIPPED):
            timing = format_mmss(slot.used)
        else:
            # What is left of the slot: the unfinished lines add up to "Round left".
            timing = format_mmss(slot.left)
        line = f"{marker} {name[:9]:<9} {word:<4} {timing:>5}"
        lines.append(markup("[reverse]$line[/reverse]" if index == current else "$line", line=line))
    return Content("\n").join(lines)


class SpeakerQueue(Static):
    # Not scoped: the app's width breakpoints (.-narrow on the screen) resize it.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    SpeakerQueue {
        width: 28;
        height: 9;
        border: solid $secondary;
        padding: 0 1;
    }
    .-narrow SpeakerQueue {
        width: 26;
    }
    """

    def show(self, model: SessionModel, timer: RoundTimer) -> None:
        self.update(queue_lines(model, timer))
