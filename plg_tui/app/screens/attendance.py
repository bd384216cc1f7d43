"""Who is in the call right now (late arrivals, someone who had to leave)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Label

from plg_tui.app.display import cell
from plg_tui.app.screens.base import SessionModal


class AttendanceScreen(SessionModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_present", "Present/absent", id="attendance.present"),
        Binding("escape,l", "close", "Done", id="attendance.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="attendance-dialog"):
            yield Label(
                "[b]Attendance[/b] · a latecomer joins this round at the end of the queue; "
                "someone who leaves is skipped with s"
            )
            yield DataTable(id="attendance", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Member", key="member")
        table.add_column("Present", key="present")
        for person in self.controller.model.people:
            table.add_row(cell(person.name), "", key=person.key)
        self._refresh()
        table.focus()

    def _refresh(self) -> None:
        table = self.query_one(DataTable)
        for person in self.controller.model.people:
            present = self.controller.model.present.get(person.key, False)
            table.update_cell(person.key, "present", "✓ present" if present else "✗ absent")

    def action_toggle_present(self) -> None:
        from plg_tui.app.screens.confirm import ConfirmScreen

        table = self.query_one(DataTable)
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        member = str(row_key.value)
        model = self.controller.model
        if not model.present.get(member) and not model.agreed.get(member):
            name = model.name_of(member)

            def answered(agreed: bool | None) -> None:
                if agreed:
                    self.controller.admit(member)
                    joined = " and joins this round at the end of the queue"
                    self.notify(f"{name} is here{joined if model.round_open else ''}.")
                self._refresh()

            self.app.push_screen(
                ConfirmScreen(
                    f"Has {name} agreed to confidentiality?",
                    "What is said in this group stays in this group; we share what we learned, "
                    'never who said what. Ask them to say "I agree" aloud first.',
                ),
                answered,
            )
            return
        try:
            self.controller.toggle_attendance(member)
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self._refresh()

    def action_close(self) -> None:
        self.dismiss()
