"""Asks for the group passphrase inside the app; nothing is shown or written before it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from plg_tui.app.display import markup, plain
from plg_tui.app.messages import PassphraseEntered


class PassphraseScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", id="passphrase.quit")
    ]

    def __init__(self, slug: str, error: str = "") -> None:
        super().__init__()
        self.slug = slug
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="passphrase-dialog"):
            yield Static(markup("[b]Open group $slug[/b]", slug=self.slug), id="passphrase-title")
            yield Label(
                "Everything this group says is encrypted. Type the group passphrase.",
                id="passphrase-help",
            )
            yield Input(password=True, placeholder="group passphrase", id="passphrase-input")
            yield Label(plain(self.error), id="passphrase-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self.show_error("The passphrase is empty.")
            return
        self.query_one(Input).disabled = True
        self.query_one("#passphrase-error", Label).update("Unlocking…")
        self.post_message(PassphraseEntered(event.value))

    def show_error(self, message: str) -> None:
        field = self.query_one(Input)
        field.disabled = False
        field.value = ""
        field.focus()
        self.query_one("#passphrase-error", Label).update(plain(message))
