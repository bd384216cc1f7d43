"""The done screen's recap: who facilitated, who came, time per phase planned and actual, how
many items were captured of each kind (never their words), and what happens next."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.capture_labels import CAPTURE_NOUNS
from plg_tui.app.display import markup, plain
from plg_tui.core.agenda import format_mmss
from plg_tui.core.session_recap import PhaseTime, SessionRecap

NAME_WIDTH = 24


def _phase_cell(phase: PhaseTime) -> str:
    name = phase.name if len(phase.name) <= NAME_WIDTH else phase.name[: NAME_WIDTH - 1] + "…"
    planned = format_mmss(phase.planned_seconds)
    actual = format_mmss(phase.actual_seconds)
    return f"{name:<{NAME_WIDTH}} {planned:>5} / {actual:>5}"


def recap_lines(recap: SessionRecap) -> Content:
    facilitator = recap.facilitator or "nobody recorded"
    lines = [
        markup(
            "[b]Recap[/b] · facilitated by $who · attendance $present of $roster present",
            who=facilitator,
            present=recap.present,
            roster=recap.roster,
        ),
        markup("[b]Time per phase[/b] (planned / actual)"),
    ]
    cells = [_phase_cell(phase) for phase in recap.phases]
    lines.extend(
        plain("  " + "   ".join(cells[left : left + 2])) for left in range(0, len(cells), 2)
    )
    counts = [
        f"{count} {CAPTURE_NOUNS[kind]}{'' if count == 1 else 's'}"
        for kind, count in recap.captured
    ]
    lines.append(
        markup(
            "[b]Captured[/b] (sealed; counts only): $counts",
            counts=", ".join(counts) if counts else "nothing",
        )
    )
    lines.append(markup("[b]What happens next[/b]"))
    lines.extend(markup("  • $step", step=step) for step in recap.next_steps)
    return Content("\n").join(lines)


class SessionRecapPanel(Static):
    DEFAULT_CSS = """
    SessionRecapPanel {
        height: auto;
        padding: 1 1 0 1;
    }
    """

    def __init__(self, recap: SessionRecap, *, id: str | None = None) -> None:
        super().__init__(recap_lines(recap), id=id)
