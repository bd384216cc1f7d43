"""At the close: each parking-lot item (this session's and those carried into it) is marked
"next session", "done" or "drop". Marks are saved at once; what is left unmarked goes on to
the next session when the session is finished."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Label, Static

from plg_tui.app.display import cell, plain
from plg_tui.app.screens.base import SessionModal
from plg_tui.vocabulary import ParkingMark

# The table shows the start of each item; the highlighted one is shown whole below it.
# 60 characters and the decision column fit the dialog at 100 columns with no sideways scroll.
PREVIEW_CHARS = 60
UNMARKED = "· not marked"


def preview(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= PREVIEW_CHARS else first[: PREVIEW_CHARS - 1] + "…"


class ParkingReviewScreen(SessionModal):
    DEFAULT_CSS = """
    ParkingReviewScreen {
        align: center middle;
    }
    #parking-dialog {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: heavy $primary;
        background: $background;
        padding: 1 2;
    }
    #parking-dialog > Label {
        width: 100%;
    }
    #parking-items {
        height: auto;
        max-height: 10;
    }
    #parking-full {
        height: auto;
        max-height: 6;
        margin-top: 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "mark('next')", "Next session", id="parking.next"),
        Binding("d", "mark('done')", "Done", id="parking.done"),
        Binding("x", "mark('drop')", "Drop", id="parking.drop"),
        Binding("escape", "close", "On to the close", id="parking.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="parking-dialog"):
            yield Label(
                "[b]Parking lot review[/b]: for each item, [b]n[/b] next session, [b]d[/b] done, "
                "[b]x[/b] drop. Unmarked items go on to the next session."
            )
            yield DataTable(id="parking-items", cursor_type="row")
            with VerticalScroll(id="parking-full"):
                yield Static("", id="parking-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Decision", key="mark")
        table.add_column("Item", key="item")
        self._texts: dict[str, str] = {}
        for item_id, text, mark in self.controller.words.parking_review():
            self._texts[item_id] = text
            label = mark.label if mark is not None else UNMARKED
            table.add_row(label, cell(preview(text)), key=item_id)
        table.focus()
        self._show_highlighted()

    def _highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def _show_highlighted(self) -> None:
        item_id = self._highlighted()
        self.query_one("#parking-text", Static).update(plain(self._texts.get(item_id or "", "")))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_highlighted()

    def action_mark(self, mark: str) -> None:
        item_id = self._highlighted()
        if item_id is None:
            return
        decided = ParkingMark(mark)
        self.controller.words.mark_parking(item_id, decided)
        table = self.query_one(DataTable)
        table.update_cell(item_id, "mark", decided.label, update_width=True)
        table.action_cursor_down()

    def action_close(self) -> None:
        self.dismiss()
