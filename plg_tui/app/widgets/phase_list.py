"""The agenda's phases with planned and actual minutes, the current one marked."""

from __future__ import annotations

import textwrap

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup
from plg_tui.core.agenda import format_mmss
from plg_tui.core.session import SessionModel

KIND_LABEL = {"open": "talk", "round": "round", "capture": "capture"}


def phase_lines(model: SessionModel, width: int = 32) -> Content:
    """Per phase: marker, name, planned, actual; with room, a long name wraps onto the lines
    below ("Our feedback ch…" hid which phase is next) and the phase's kind follows."""
    current = model.phase_index if model.stage != "lobby" else -1
    name_width = max(6, min(17, width - 13))
    roomy = width >= 30
    lines = [markup("[b]$agenda[/b]plan actual", agenda=f"{'Agenda':<{name_width + 2}}")]
    for index, phase in enumerate(model.phases):
        actual = model.agenda.actual_seconds(index)
        if index == current:
            marker = "▶"
        elif actual > 0:
            marker = "✓"
        else:
            marker = " "
        if roomy:
            name, *rest = textwrap.wrap(phase.name, name_width) or [""]
        else:  # too narrow to wrap whole words: the name is cut
            name = phase.name
            if len(name) >= name_width:
                name = name[: name_width - 2] + "…"
            rest = []
        planned = f"{phase.minutes:>2}m"
        shown = format_mmss(actual) if actual > 0 or index == current else "–"
        line = f"{marker} {name:<{name_width}}{planned:>4} {shown:>6}"
        lines.append(markup("[reverse]$line[/reverse]" if index == current else "$line", line=line))
        lines.extend(markup("  $more", more=more) for more in rest)
        if roomy:
            lines.append(
                markup("    [dim]$kind[/dim]", kind=KIND_LABEL.get(phase.kind, phase.kind))
            )
    return Content("\n").join(lines)


class PhaseList(Static):
    # Not scoped: the app's width breakpoints (.-narrow on the screen) resize it.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    PhaseList {
        width: 33;
        height: 100%;
        padding: 0 1;
        border-right: solid $primary;
    }
    .-narrow PhaseList {
        width: 24;
    }
    """

    def show(self, model: SessionModel) -> None:
        self.update(phase_lines(model, self.content_size.width or 32))
