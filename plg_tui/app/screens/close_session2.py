"""Close of session 2: an anonymous 1-5 rating of the module and a vote on the next topic."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from plg_tui.app.display import markup
from plg_tui.app.screens.base import SessionScreen
from plg_tui.app.widgets.talk_time_chart import TalkTimeChart


class CloseSession2Screen(SessionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"rate({n})", f"Rate {n}", id=f"close2.rate{n}", show=n in (1, 5))
            for n in range(1, 6)
        ),
        Binding("u", "undo_rating", "Undo rating", id="close2.undo", show=False),
        Binding("f", "finish", "Finish session", id="close2.finish"),
        Binding("escape", "back", "Back to agenda", id="close2.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="close-title")
        with Horizontal(id="close-top"):
            with Vertical(id="rating-box"):
                yield Static(
                    "[b]Rate the module[/b], anonymously: members send their 1-5 to the "
                    "facilitator privately, who presses 1-5 for each. Only the count and "
                    "the average are kept."
                )
                yield Static("", id="rating")
            with Vertical(id="vote-box"):
                yield Static("[b]Next topic[/b]: Enter adds a vote to the highlighted module")
                yield OptionList(id="votes")
        yield TalkTimeChart(id="talk-time")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        controller = self.controller
        self.query_one("#close-title", Static).update(
            markup(
                "[b]Close of $label[/b] · $title", label=controller.label, title=controller.title
            )
        )
        self._options = controller.vote_options()
        self._show()
        self.query_one(OptionList).focus()

    def _show(self) -> None:
        model = self.controller.model
        average = model.rating_average
        text = markup("$count rating(s)", count=model.rating_count)
        if average is not None:
            text += markup(", average [b]$average[/b] of 5", average=f"{average:.1f}")
        self.query_one("#rating", Static).update(text)
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(
            [
                Option(
                    markup("$votes ✓  $title", votes=f"{model.votes.get(mid, 0):>2}", title=title),
                    id=mid,
                )
                for mid, title in self._options
            ]
        )
        if self._options:
            options.highlighted = highlighted if highlighted is not None else 0
        self.tick()

    def tick(self) -> None:
        self.query_one(TalkTimeChart).show(self.controller.model)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_rating":
            return self.controller.model.last_rating is not None
        return True

    def action_rate(self, value: int) -> None:
        self.controller.add_rating(value)
        self.refresh_bindings()
        self._show()

    def action_undo_rating(self) -> None:
        if self.controller.model.last_rating is None:
            return
        self.controller.undo_last_rating()
        self.refresh_bindings()
        self._show()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.controller.add_vote(event.option.id)
            self._show()

    def action_finish(self) -> None:
        self.controller.close()
        self.host.show_done()

    def action_back(self) -> None:
        self.host.back_to_agenda()
