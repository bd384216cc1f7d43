"""Close of the trust-building session: the ground rules written today and talk time."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Static

from plg_tui.app.display import markup
from plg_tui.app.screens.base import SessionScreen
from plg_tui.app.widgets.talk_time_chart import TalkTimeChart


class CloseTrustScreen(SessionScreen):
    AUTO_FOCUS = ""  # nothing: a hidden field must not take the keys after a pop-up
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "finish", "Finish session", id="close_trust.finish"),
        Binding("escape", "back", "Back to agenda", id="close_trust.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="close-title")
        yield Static("", id="ground-rules")
        yield TalkTimeChart(id="talk-time")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        controller = self.controller
        self.query_one("#close-title", Static).update(
            markup(
                "[b]Close of the $label[/b] · $title",
                label=controller.label.lower(),
                title=controller.title,
            )
        )
        rules = [text for kind, _m, text in controller.session_items() if kind == "ground_rules"]
        lines = [markup("[b]Our ground rules[/b] (sealed in the vault)")]
        lines += [markup("  $n. $rule", n=n, rule=rule) for n, rule in enumerate(rules, start=1)]
        if not rules:
            lines.append(markup("  none captured yet: press escape, then c, to add them"))
        self.query_one("#ground-rules", Static).update(Content("\n").join(lines))
        self.tick()

    def tick(self) -> None:
        self.query_one(TalkTimeChart).show(self.controller.model)

    def action_finish(self) -> None:
        self.controller.close()
        self.host.show_done()

    def action_back(self) -> None:
        self.host.back_to_agenda()
