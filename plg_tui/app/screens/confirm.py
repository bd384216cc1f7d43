"""A yes/no question that needs an explicit answer (y or n)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label

from plg_tui.app.display import markup, plain


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        """`question` and `detail` are plain text (they may name a member), never markup."""
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(markup("[b]$question[/b]", question=self.question), id="confirm-question")
            if self.detail:
                yield Label(plain(self.detail), id="confirm-detail")
            yield Label("Press [b]y[/b] for yes, [b]n[/b] for no.", id="confirm-keys")
        yield Footer(compact=True)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
