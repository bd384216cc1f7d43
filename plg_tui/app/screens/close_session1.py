"""Close of session 1: practice partners for the month, session 2's date, and talk time."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from plg_tui.app.display import markup, plain
from plg_tui.app.screens.base import SessionScreen
from plg_tui.app.screens.confirm import ConfirmScreen
from plg_tui.app.widgets.talk_time_chart import TalkTimeChart
from plg_tui.core.groups import GroupError
from plg_tui.core.session_close import Session2GapError


class CloseSession1Screen(SessionScreen):
    AUTO_FOCUS = ""  # nothing: a hidden field must not take the keys after a pop-up
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resuggest", "Other pairs", id="close1.resuggest"),
        Binding("e", "edit_pairs", "Edit pairs", id="close1.edit_pairs"),
        Binding("d", "edit_date", "Edit date", id="close1.edit_date"),
        Binding("f", "finish", "Finish session", id="close1.finish"),
        Binding("escape", "back", "Back to agenda", id="close1.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="close-title")
        with Horizontal(id="close-top"):
            with Vertical(id="pairs-box"):
                yield Static("[b]Practice partners for the month[/b] (e to edit, r for others)")
                yield Static("", id="pairs")
                yield Input(placeholder="Amara + Bruno, Chiara + Dev + Elena", id="pairs-input")
                yield Label("", id="pairs-problems")
            with Vertical(id="date-box"):
                yield Static("[b]Session 2[/b] date (d to edit), as YYYY-MM-DDTHH:MM")
                yield Input(id="date-input")
                yield Label("", id="date-status")
        yield TalkTimeChart(id="talk-time")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        controller = self.controller
        model = controller.model
        info = controller.info()
        self.query_one("#close-title", Static).update(
            markup(
                "[b]Close of $label[/b] · $title", label=controller.label, title=controller.title
            )
        )
        controller.draft_pairs()
        date = model.session2_date or info.session2
        self.query_one("#date-input", Input).value = date
        self.query_one("#date-status", Label).update(plain(f"time zone {controller.timezone}"))
        self.query_one("#pairs-input", Input).display = False
        self._show_pairs()
        self.tick()
        # Nothing focused: single-letter keys act on the screen, not inside a field.
        self.call_after_refresh(self.set_focus, None)

    def _show_pairs(self, problems: list[str] | None = None) -> None:
        model = self.controller.model
        lines = []
        for group in model.pairs:
            names = " + ".join(model.name_of(k) for k in group)
            lines.append(f"{'trio' if len(group) == 3 else 'pair'}: {names}")
        self.query_one("#pairs", Static).update(plain("\n".join(lines) or "no pairs yet"))
        self.query_one("#pairs-problems", Label).update(plain("; ".join(problems or [])))

    def tick(self) -> None:
        self.query_one(TalkTimeChart).show(self.controller.model)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        editing = isinstance(self.focused, Input)
        return not (editing and action in ("resuggest", "edit_pairs", "edit_date"))

    def action_resuggest(self) -> None:
        self.controller.resuggest_pairs()
        self._show_pairs()

    def action_edit_pairs(self) -> None:
        model = self.controller.model
        field = self.query_one("#pairs-input", Input)
        field.value = ", ".join(
            " + ".join(model.person(k).first_name for k in group) for group in model.pairs
        )
        field.display = True
        field.focus()

    def action_edit_date(self) -> None:
        self.query_one("#date-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "pairs-input":
            problems = self.controller.set_pairs_from_text(event.value)
            self._show_pairs(problems)
            if not problems:
                event.input.display = False
                self.set_focus(None)
        elif event.input.id == "date-input":
            self._settle_date(lambda: self.set_focus(None))

    def _settle_date(self, then: Callable[[], None]) -> None:
        """Check the typed date and call `then` once it is set; outside 21-35 days, only after
        the facilitator confirms (a date already confirmed is not asked about again)."""
        value = self.query_one("#date-input", Input).value.strip()
        confirmed = value == self.controller.model.session2_date
        status = self.query_one("#date-status", Label)
        try:
            self.controller.set_session2_date(value, allow_gap=confirmed)
        except Session2GapError as error:

            def answered(keep: bool | None) -> None:
                if keep and self._set_date(value, allow_gap=True):
                    then()

            status.update(plain(str(error)))
            self.app.push_screen(
                ConfirmScreen(
                    f"Keep session 2 on {value.replace('T', ' ')}?",
                    f"{error}. y keeps it anyway; n lets you change it (d).",
                ),
                answered,
            )
            return
        except GroupError as error:
            status.update(plain(str(error)))
            self.notify(str(error), title="Session 2's date", severity="warning")
            return
        self._show_date(value)
        then()

    def _set_date(self, value: str, *, allow_gap: bool) -> bool:
        try:
            self.controller.set_session2_date(value, allow_gap=allow_gap)
        except GroupError as error:
            self.query_one("#date-status", Label).update(plain(str(error)))
            return False
        self._show_date(value)
        return True

    def _show_date(self, value: str) -> None:
        timezone = self.controller.timezone
        self.query_one("#date-status", Label).update(
            plain(f"✓ session 2 on {value.replace('T', ' ')} ({timezone})")
        )

    def action_finish(self) -> None:
        self._settle_date(self._finish)

    def _finish(self) -> None:
        try:
            self.controller.close()
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self.host.show_done()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.focused.display = self.focused.id != "pairs-input"
            self.set_focus(None)
            return
        self.host.back_to_agenda()
