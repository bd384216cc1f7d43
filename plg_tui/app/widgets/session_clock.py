"""The session's clock bar: elapsed of the 90-minute budget, projected end, ahead or behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup
from plg_tui.core.agenda import format_mmss, format_signed
from plg_tui.core.session import SessionModel


def group_zone(name: str) -> tzinfo | None:
    """The group's time zone, or None (the computer's own) when the name is not known here."""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def clock_text(model: SessionModel, title: str, wall_now: float, zone: str = "") -> Content:
    """The clock bar; the projected end is in the group's time zone `zone`, and says so."""
    agenda = model.agenda
    elapsed = format_mmss(agenda.elapsed())
    budget = format_mmss(agenda.budget_seconds)
    where = group_zone(zone)
    end = agenda.projected_end(datetime.fromtimestamp(wall_now, where)).strftime("%H:%M")
    if where is not None:
        end += f" {zone}"
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

    def show(
        self, model: SessionModel, title: str, wall: Callable[[], float], zone: str = ""
    ) -> None:
        self.set_class(model.agenda.ahead_behind() < 0, "-behind")
        self.update(clock_text(model, title, wall(), zone))
