""" "You go next": the facilitator picks who speaks next from the members still waiting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from plg_tui.app.display import plain


class PickSpeakerScreen(ModalScreen[str | None]):
    """Dismisses with the chosen member's key, or None when the facilitator backs out."""

    DEFAULT_CSS = """
    PickSpeakerScreen {
        align: center middle;
    }
    PickSpeakerScreen #pick-dialog {
        width: 60%;
        max-width: 60;
        height: auto;
        max-height: 90%;
        border: heavy $primary;
        background: $background;
        padding: 1 2;
    }
    PickSpeakerScreen #pick-list {
        height: auto;
        max-height: 12;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel", id="pick_next.cancel"),
    ]

    def __init__(self, waiting: Sequence[tuple[str, str]]) -> None:
        """`waiting`: (member key, name) of those still to speak, in queue order."""
        super().__init__()
        self.waiting = list(waiting)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-dialog"):
            yield Label("[b]Who goes next?[/b] · enter to choose, escape to cancel")
            yield OptionList(
                *(Option(plain(name), id=key) for key, name in self.waiting), id="pick-list"
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
