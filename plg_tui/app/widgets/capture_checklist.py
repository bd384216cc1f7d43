"""During a capture phase: which present member already has an item sealed for it."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup
from plg_tui.core.session import SessionModel
from plg_tui.vocabulary import CaptureKind


def checklist_lines(model: SessionModel, label: str, done: set[str | None]) -> Content:
    lines = [markup("[b]$label[/b]: press c to capture, it is sealed at once", label=label)]
    if CaptureKind(model.capture_kind).for_whole_group:
        # Ground rules and notes belong to the group: one tick for everyone, once any exist.
        mark = "✓ sealed " if None in done else "· not yet"
        lines.append(markup("  $mark  the whole group", mark=mark))
        return Content("\n").join(lines)
    for key in model.present_keys():
        mark = "✓ sealed " if key in done else "· not yet"
        lines.append(markup("  $mark  $name", mark=mark, name=model.name_of(key)))
    return Content("\n").join(lines)


class CaptureChecklist(Static):
    DEFAULT_CSS = """
    CaptureChecklist {
        height: auto;
        border: heavy $primary;
        padding: 0 1;
    }
    """

    def show(self, model: SessionModel, label: str, done: set[str | None]) -> None:
        self.update(checklist_lines(model, label, done))
