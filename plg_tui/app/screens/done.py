"""The session is closed: what was recorded, and how to leave."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Static

from plg_tui.app.display import markup, plain
from plg_tui.app.screens.base import SessionScreen
from plg_tui.app.widgets.rating_summary import RatingSummary
from plg_tui.app.widgets.session_recap import SessionRecapPanel
from plg_tui.app.widgets.talk_time_chart import TalkTimeChart
from plg_tui.core.agenda import format_mmss


class DoneScreen(SessionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit", id="done.quit")]

    def compose(self) -> ComposeResult:
        yield Static("", id="done-summary")
        yield SessionRecapPanel(self.controller.recap(), id="session-recap")
        yield RatingSummary(id="rating-summary")
        yield TalkTimeChart(id="talk-time")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        controller = self.controller
        model = controller.model
        lines = [
            markup("[b]$label is closed.[/b] Thank you, everyone.", label=controller.label),
            plain(
                f"Session length {format_mmss(model.agenda.elapsed())} of "
                f"{format_mmss(model.agenda.budget_seconds)}; "
                f"{controller.item_count} item(s) sealed in the group's vault."
            ),
        ]
        if controller.kind == "1":
            pairs = "; ".join(" + ".join(model.name_of(k) for k in g) for g in model.pairs)
            lines.append(plain(f"Practice partners: {pairs}"))
        lines.append(plain("Press q to quit."))
        self.query_one("#done-summary", Static).update(Content("\n").join(lines))
        self.query_one(TalkTimeChart).show(model)
