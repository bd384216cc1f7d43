"""The agenda's phases with planned and actual minutes, the current one marked."""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from plg_tui.core.agenda import format_mmss
from plg_tui.core.session import SessionModel

KIND_LABEL = {"open": "talk", "round": "round", "capture": "capture"}


def phase_lines(model: SessionModel) -> str:
    current = model.phase_index if model.stage != "lobby" else -1
    lines = ["[b]Agenda[/b]       plan  actual"]
    for index, phase in enumerate(model.phases):
        actual = model.agenda.actual_seconds(index)
        if index == current:
            marker = "▶"
        elif actual > 0:
            marker = "✓"
        else:
            marker = " "
        name = phase.name if len(phase.name) <= 16 else phase.name[:15] + "…"
        planned = f"{phase.minutes:>2}m"
        shown = format_mmss(actual) if actual > 0 or index == current else "  –"
        line = f"{marker} {escape(name):<17}{planned} {shown:>6}"
        if index == current:
            line = f"[reverse]{line}[/reverse]"
        lines.append(line)
        lines.append(f"    [dim]{KIND_LABEL.get(phase.kind, phase.kind)}[/dim]")
    return "\n".join(lines)


class PhaseList(Static):
    def show(self, model: SessionModel) -> None:
        self.update(phase_lines(model))
