"""A member's practice-journal entries, shown on the shared screen after they agreed aloud."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Static

from plg_tui.app.display import markup, plain
from plg_tui.app.screens.base import SessionModal


class JournalScreen(SessionModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,j", "close", "Hide journal", id="journal.close")
    ]

    def __init__(self, member: str, name: str) -> None:
        super().__init__()
        self.member = member
        self.member_name = name

    def compose(self) -> ComposeResult:
        entries, damaged = self.controller.journal_entries(self.member)
        with Vertical(id="journal-dialog"):
            title = markup("[b]$name's practice journal[/b]", name=self.member_name)
            yield Static(title, id="journal-title")
            with VerticalScroll(id="journal-entries"):
                if not entries and not damaged:
                    yield Static(plain("No journal entries have arrived for this member."))
                for entry in entries:
                    heading = f"Week {entry.week}" if entry.week else "Entry"
                    if entry.received:
                        heading += f" · {entry.received[:10]}"
                    yield Static(
                        markup("[b]$heading[/b]\n$text\n", heading=heading, text=entry.text)
                    )
                for name in damaged:
                    yield Static(
                        markup(
                            "[b]Could not be opened:[/b] $name in the group's inbox is damaged "
                            "or was modified outside plg; restore it from a backup.\n",
                            name=name,
                        ),
                        classes="-damaged",
                    )
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss()
