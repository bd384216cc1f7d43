"""Capture one item: a challenge, a commitment, a note, a parking-lot item or a ground rule.

The text is sealed into the vault the moment Enter is pressed; it is never kept anywhere else.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Select

from plg_tui.app.capture_labels import CAPTURE_LABELS, CAPTURE_NOUNS
from plg_tui.app.display import plain
from plg_tui.app.screens.base import SessionModal
from plg_tui.vocabulary import CaptureKind

GROUP = "__group__"


class CaptureScreen(SessionModal):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Done", id="capture.close")]

    def __init__(self, kind: str, member: str | None) -> None:
        """`member` is whose item it is by default; None for the whole group."""
        super().__init__()
        self.kind = kind
        self.member = member

    def compose(self) -> ComposeResult:
        model = self.controller.model
        members = [(plain(model.name_of(k)), k) for k in model.present_keys()]
        members.append((plain("The whole group"), GROUP))
        member = GROUP if self.member is None else self.member
        with Vertical(id="capture-dialog"):
            yield Label("[b]Capture[/b] · sealed into the group's vault as soon as you press Enter")
            with Horizontal(id="capture-choices"):
                yield Select(
                    [(label, kind) for kind, label in CAPTURE_LABELS.items()],
                    value=self.kind,
                    allow_blank=False,
                    id="capture-kind",
                )
                yield Select(members, value=member, allow_blank=False, id="capture-member")
            yield Input(placeholder="Type it as it was said, then Enter", id="capture-text")
            yield Label("", id="capture-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#capture-text", Input).focus()
        self._show_count()

    def _show_count(self, last: str = "") -> None:
        count = self.controller.item_count
        text = f"{count} item{'s' if count != 1 else ''} sealed in this session so far."
        self.query_one("#capture-status", Label).update(plain(f"{last}{text}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        if not text.strip():
            self.notify("Nothing to capture yet.", severity="warning")
            return
        kind = self.query_one("#capture-kind", Select).value
        member = self.query_one("#capture-member", Select).value
        key = None if member == GROUP else str(member)
        self.controller.capture(str(kind), key, text)
        event.input.value = ""
        who = self.controller.model.name_of(key) if key else "the group"
        noun = CAPTURE_NOUNS[CaptureKind(str(kind))]
        self._show_count(f"✓ Sealed the {noun} for {who}. ")
        self.notify(f"Sealed the {noun} for {who}.")

    def action_close(self) -> None:
        self.dismiss()
