"""During a capture phase: which present member already has an item sealed for it."""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from plg_tui.core.session import SessionModel


def checklist_lines(model: SessionModel, label: str, done: set[str | None]) -> str:
    lines = [f"[b]{escape(label)}[/b]: press c to capture, it is sealed at once"]
    for key in model.present_keys():
        mark = "✓ sealed " if key in done else "· not yet"
        lines.append(f"  {mark}  {escape(model.name_of(key))}")
    return "\n".join(lines)


class CaptureChecklist(Static):
    def show(self, model: SessionModel, label: str, done: set[str | None]) -> None:
        self.update(checklist_lines(model, label, done))
