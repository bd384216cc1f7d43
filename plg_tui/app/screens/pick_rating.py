"""Which rating (1-5): asked when a member corrects theirs, once for the old, once for the new."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label

from plg_tui.app.display import plain


class PickRatingScreen(ModalScreen[int | None]):
    DEFAULT_CSS = """
    PickRatingScreen { align: center middle; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"pick({n})", f"Rating {n}", id=f"pick_rating.{n}", show=n in (1, 5))
            for n in range(1, 6)
        ),
        Binding("escape", "pick(0)", "Cancel", id="pick_rating.cancel"),
    ]

    def __init__(self, question: str) -> None:
        """`question` is plain text, never markup."""
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(plain(self.question), id="confirm-question")
            yield Label("Press [b]1[/b] to [b]5[/b], or Escape to cancel.", id="confirm-keys")
        yield Footer(compact=True)

    def action_pick(self, value: int) -> None:
        self.dismiss(value or None)
