"""Every key of the screen underneath, with what it does (keys follow any remapping)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from plg_tui.app.display import markup

INTRO = (
    "plg runs the session: agenda, clock, talking stick and sealed notes. Everything typed "
    "into a capture is encrypted at once. Every change is saved; if the app stops, run "
    "[b]plg session SLUG --resume[/b] to continue. Ctrl+P opens the command palette. "
    "To remap a key, put its id (in brackets) in plg.toml under [b]\\[keys][/b]."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close help", id="help.close")
    ]

    def __init__(self, keys: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        # Key names come from plg.toml's [keys] too: values, never markup.
        rows = Content("\n").join(
            markup(
                "  [b]$key[/b]  $description [dim]($binding_id)[/dim]",
                key=f"{key:>9}",
                description=f"{description:<18}",
                binding_id=binding_id,
            )
            for key, description, binding_id in self.keys
        )
        # The whole dialog scrolls, focused: at 80x24 the keys do not fit under the intro.
        with VerticalScroll(id="help-dialog"):
            yield Static("[b]Help[/b]", id="help-title")
            yield Static(INTRO, id="help-intro")
            with Vertical(id="help-keys"):
                yield Static(rows)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()

    def action_close(self) -> None:
        self.dismiss()
