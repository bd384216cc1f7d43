"""The lobby: who is here, who facilitates, and everyone's confidentiality agreement."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from plg_tui.app.display import cell, markup, plain
from plg_tui.app.screens.base import SessionScreen
from plg_tui.app.toasts import withdraw
from plg_tui.app.widgets.lobby_readout import LobbyReadout
from plg_tui.vocabulary import SessionKind

AGREEMENT = (
    "[b]Confidentiality agreement[/b]: what is said in this group stays in this group. "
    "We share what we learned, never who said what. Each present member says "
    '[b]"I agree"[/b] aloud; the facilitator ticks them with [b]a[/b].'
)
DO_NOT_RECORD = "● PLEASE DO NOT RECORD THIS CALL ●  Recording, transcripts, AI note-takers: off"
OPENING = "Opening the group…"
NOT_YET = "Not yet"  # the title of the toast saying why the session cannot start


class LobbyScreen(SessionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_present", "Present/absent", id="lobby.present"),
        Binding("a", "toggle_agreement", "Tick agreement", id="lobby.agree"),
        Binding("f", "make_facilitator", "Facilitator", id="lobby.facilitator"),
        Binding("s", "begin", "Start session", id="lobby.start"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(DO_NOT_RECORD, id="do-not-record")
        yield Static("", id="lobby-title")
        yield DataTable(id="roster", cursor_type="row", zebra_stripes=False)
        yield Static(AGREEMENT, id="agreement")
        yield Static("", id="lobby-status")
        yield LobbyReadout(id="lobby-readout")
        # No palette hint: at 80 columns it would push "? Help" off the footer.
        yield Footer(compact=True, show_command_palette=False)

    def __init__(self) -> None:
        super().__init__()
        # Lobby keys pressed while the session is still opening: (action, selected row key).
        self._pending: list[tuple[Callable[[str | None], None], str | None]] = []

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Member", key="member")
        table.add_column("Present", key="present")
        table.add_column("Agreed", key="agreed")
        table.add_column("Role", key="role")
        if self.host.controller is None:
            # The demo paints first from its roster and opens the vault right after.
            for key, name in self.host.roster_preview:
                table.add_row(cell(name), "", "", "", key=key)
            self.query_one("#lobby-title", Static).update(OPENING)
            self.query_one(LobbyReadout).display = False
        else:
            self._add_rows()
            self.refresh_view()
            self._show_readout()
        table.focus()

    def _add_rows(self) -> None:
        table = self.query_one(DataTable)
        for person in self.controller.model.people:
            table.add_row(cell(person.name), "", "", "", key=person.key)

    def session_opened(self) -> None:
        """The controller is ready: show its state, then apply the keys pressed meanwhile."""
        table = self.query_one(DataTable)
        people = [person.key for person in self.controller.model.people]
        pending, self._pending = self._pending, []
        if [row.value for row in table.rows] != people:
            pending = []  # pressed on rows that are not the group's: ask again
            table.clear()
            self._add_rows()
        self.refresh_view()
        self._show_readout()
        for action, key in pending:
            if self.controller.model.stage != "lobby":
                break
            action(key)

    def _show_readout(self) -> None:
        """Read once: the ground rules and the carried parking lot do not change here."""
        controller = self.controller
        words = controller.words
        self.query_one(LobbyReadout).show(
            controller.kind, controller.vault.slug, words.ground_rules(), words.carried_parking()
        )

    def refresh_view(self) -> None:
        controller = self.controller
        model = controller.model
        info = controller.info()
        when = info.session1 if model.kind != SessionKind.TWO else info.session2
        self.query_one("#lobby-title", Static).update(
            markup(
                "[b]$label[/b] · $title · group $slug · planned $when",
                label=controller.label,
                title=controller.title,
                slug=controller.vault.slug,
                when=when.replace("T", " "),
            )
        )
        table = self.query_one(DataTable)
        suggested = controller.suggest_facilitator()
        for person in model.people:
            present = model.present.get(person.key, False)
            agreed = model.agreed.get(person.key, False)
            role = ""
            if person.key == model.facilitator:
                role = "facilitator"
            if person.key == suggested:
                role += " (suggested)" if role else "suggested"
            # Widths follow the content: the demo's first paint had empty cells.
            table.update_cell(
                person.key, "present", "✓ present" if present else "✗ absent", update_width=True
            )
            table.update_cell(
                person.key,
                "agreed",
                ("✓ agreed" if agreed else "· not yet") if present else "",
                update_width=True,
            )
            table.update_cell(person.key, "role", role, update_width=True)
        problems = model.lobby_problems()
        status = self.query_one("#lobby-status", Static)
        if problems:
            status.update(plain("Before we start: " + "; ".join(problems) + "."))
            status.set_class(True, "-waiting")
        else:
            status.update("Ready. Press [b]s[/b] to start the session clock.")
            status.set_class(False, "-waiting")
            withdraw(self.app, NOT_YET)

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _when_open(self, action: Callable[[str | None], None]) -> None:
        """Run a lobby action on the selected member now, or once the session is open."""
        if self.host.controller is None:
            self._pending.append((action, self._selected()))
        else:
            action(self._selected())

    def action_toggle_present(self) -> None:
        self._when_open(self._toggle_present)

    def action_toggle_agreement(self) -> None:
        self._when_open(self._toggle_agreement)

    def action_make_facilitator(self) -> None:
        self._when_open(self._make_facilitator)

    def action_begin(self) -> None:
        self._when_open(self._begin)

    def _toggle_present(self, key: str | None) -> None:
        self._apply(self.controller.toggle_present, key)

    def _toggle_agreement(self, key: str | None) -> None:
        self._apply(self.controller.toggle_agreement, key)

    def _make_facilitator(self, key: str | None) -> None:
        self._apply(self.controller.set_facilitator, key)

    def _apply(self, command: Callable[[str], None], key: str | None) -> None:
        if key is None:
            return
        try:
            command(key)
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self.refresh_view()

    def _begin(self, _key: str | None) -> None:
        try:
            self.controller.begin()
        except ValueError as error:
            self.notify(str(error), title=NOT_YET, severity="warning")
            return
        self.host.show_agenda()
