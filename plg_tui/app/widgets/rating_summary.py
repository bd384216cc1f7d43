"""Session 2's anonymous module rating and the next-topic vote, as the done screen shows them."""

from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import plain
from plg_tui.app.session_host import SessionHost
from plg_tui.vocabulary import SessionKind


def vote_result(votes: Mapping[str, int], titles: Mapping[str, str]) -> str:
    """'Next topic: Delegating (3 votes)', a tie named as one, or that nobody voted."""
    counted = {module: n for module, n in votes.items() if n > 0}
    if not counted:
        return "Next topic: no votes were given."
    top = max(counted.values())
    leaders = sorted(titles.get(module, module) for module, n in counted.items() if n == top)
    noun = "vote" if top == 1 else "votes"
    if len(leaders) > 1:
        return f"Next topic: a tie between {' and '.join(leaders)} ({top} {noun} each)."
    return f"Next topic: {leaders[0]} ({top} {noun} of {sum(counted.values())})."


def rating_line(count: int, total: int) -> str:
    if not count:
        return "Module rating: nobody rated it."
    return f"Module rating (anonymous): {total / count:.1f} of 5, from {count} member(s)."


class RatingSummary(Static):
    """Only what the close keeps: the count and average of the ratings, and vote totals."""

    DEFAULT_CSS = """
    RatingSummary {
        padding: 0 1;
        height: auto;
    }
    """

    def on_mount(self) -> None:
        host = self.app
        controller = host.controller if isinstance(host, SessionHost) else None
        if controller is None or controller.kind != SessionKind.TWO:
            self.display = False
            return
        model = controller.model
        titles = dict(controller.vote_options())
        lines = [
            plain(rating_line(model.rating_count, model.rating_sum)),
            plain(vote_result(model.votes, titles)),
        ]
        self.update(Content("\n").join(lines))
