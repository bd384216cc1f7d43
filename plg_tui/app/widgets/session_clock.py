"""The session's clock bar: elapsed of the 90-minute budget, projected end, ahead or behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup
from plg_tui.core.agenda import format_mmss, format_signed
from plg_tui.core.session import SessionModel


def clock_text(model: SessionModel, title: str, wall_now: float) -> Content:
    agenda = model.agenda
    elapsed = format_mmss(agenda.elapsed())
    budget = format_mmss(agenda.budget_seconds)
    end = agenda.projected_end(datetime.fromtimestamp(wall_now)).strftime("%H:%M")
    balance = agenda.ahead_behind()
    facilitator = model.name_of(model.facilitator) if model.facilitator else "nobody yet"
    return markup(
        "[b]$title[/b]   Facilitator: $facilitator\n"
        "Session clock [b]$elapsed[/b] of $budget   Projected end [b]$end[/b]   [b]$balance[/b]",
        title=title,
        facilitator=facilitator,
        elapsed=elapsed,
        budget=budget,
        end=end,
        balance=format_signed(balance),
    )


class SessionClock(Static):
    """Reads the agenda clock; never keeps time itself."""

    DEFAULT_CSS = """
    SessionClock {
        height: 2;
        padding: 0 1;
        background: $panel;
    }
    SessionClock.-behind {
        color: $warning;
    }
    """

    def show(self, model: SessionModel, title: str, wall: Callable[[], float]) -> None:
        self.set_class(model.agenda.ahead_behind() < 0, "-behind")
        self.update(clock_text(model, title, wall()))
