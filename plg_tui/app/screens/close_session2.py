"""Close of session 2: an anonymous 1-5 rating of the module and a vote on the next topic."""

from __future__ import annotations

from collections.abc import Callable
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
    # The library has over thirty modules: the vote list takes the height the talk-time
    # chart leaves, so the facilitator scrolls as little as possible on the call. (CSS, not
    # DEFAULT_CSS: it must win over the app's stylesheet for the close screens.)
    CSS = """
    CloseSession2Screen #close-top {
        height: 1fr;
        max-height: 100%;
    }
    CloseSession2Screen #vote-box {
        height: 100%;
    }
    CloseSession2Screen #votes {
        height: 1fr;
        max-height: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"rate({n})", f"Rate {n}", id=f"close2.rate{n}", show=n in (1, 5))
            for n in range(1, 6)
        ),
        Binding("c", "correct_rating", "Correct a rating", id="close2.correct", show=False),
        Binding("x", "remove_vote", "Take back a vote", id="close2.remove_vote", show=False),
        Binding("u", "undo", "Undo", id="close2.undo"),
        Binding("f", "finish", "Finish session", id="close2.finish"),
        Binding("escape", "back", "Back to agenda", id="close2.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="close-title")
        with Horizontal(id="close-top"):
            with Vertical(id="rating-box"):
                yield Static(
                    "[b]Rate the module[/b], anonymously: members send their 1-5 to the "
                    "facilitator privately, who presses 1-5 for each (one per member; "
                    "u undoes, c corrects one). Only the count and the average are kept."
                )
                yield Static("", id="rating")
            with Vertical(id="vote-box"):
                yield Static(
                    "[b]Next topic[/b]: Enter adds a vote to the highlighted module, "
                    "x takes one back"
                )
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
        present = model.present_count()
        text = markup("$count of $present rated", count=model.rating_count, present=present)
        if average is not None:
            text += markup(", average [b]$average[/b] of 5", average=f"{average:.1f}")
        voted = sum(model.votes.values())
        text += markup(" · $voted of $present voted", voted=voted, present=present)
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
        model = self.controller.model
        if action == "undo":
            return model.can_undo_tally
        if action == "correct_rating":
            return model.rating_count > 0
        return True

    def _changed(self) -> None:
        self.refresh_bindings()
        self._show()

    def _tally(self, change: Callable[[], object]) -> None:
        try:
            change()
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self._changed()

    def action_rate(self, value: int) -> None:
        self._tally(lambda: self.controller.add_rating(value))

    def action_undo(self) -> None:
        if not self.controller.model.can_undo_tally:
            return
        what = self.controller.undo_last_tally()
        self.notify(f"The last {what} was taken back.")
        self._changed()

    def action_correct_rating(self) -> None:
        from plg_tui.app.screens.pick_rating import PickRatingScreen

        def old_picked(old: int | None) -> None:
            if old is None:
                return

            def new_picked(new: int | None) -> None:
                if new is not None:
                    self._tally(lambda: self.controller.correct_rating(old, new))

            self.app.push_screen(PickRatingScreen(f"The {old} becomes which rating?"), new_picked)

        self.app.push_screen(PickRatingScreen("Which rating is corrected?"), old_picked)

    def action_remove_vote(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        module_id = options.get_option_at_index(options.highlighted).id
        if module_id:
            self._tally(lambda: self.controller.remove_vote(module_id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        module_id = event.option.id
        if module_id:
            self._tally(lambda: self.controller.add_vote(module_id))

    def action_finish(self) -> None:
        self.controller.close()
        self.host.show_done()

    def action_back(self) -> None:
        self.host.back_to_agenda()
