"""`plg report --format html`: one self-contained page a champion can send to a sponsor.

A small table and a few bar charts drawn as inline SVG: no JavaScript, no external asset, no
link anywhere, so the page looks the same offline, in a mail client and printed on A4. Every
value goes through Jinja's autoescape (and `printable` first): a module title or a name can
never become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe

from plg_tui.core.jinja_templates import template_environment
from plg_tui.core.report import GroupReport, ProgrammeReport
from plg_tui.core.report_text import percent, rating_text
from plg_tui.core.safe_text import printable

TEMPLATES_DIR = Path(__file__).parent / "report_templates"
MAX_CHART_ROWS = 12  # longer lists are cut to the largest, and the chart says so


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: int
    total: int  # the bar's full length; the value is drawn as its share

    @property
    def share(self) -> float:
        return min(max(self.value / self.total, 0.0), 1.0) if self.total > 0 else 0.0


@dataclass(frozen=True)
class Chart:
    title: str
    rows: tuple[ChartRow, ...]
    note: str = ""


def _top(rows: list[ChartRow], what: str) -> tuple[tuple[ChartRow, ...], str]:
    if len(rows) <= MAX_CHART_ROWS:
        return tuple(rows), ""
    rows = sorted(rows, key=lambda r: -r.value)[:MAX_CHART_ROWS]
    return tuple(rows), f"the {MAX_CHART_ROWS} {what} with the most shown"


def charts(report: ProgrammeReport) -> list[Chart]:
    t = report.totals
    found = [
        Chart(
            "Groups by stage",
            tuple(ChartRow(stage, count, t.groups) for stage, count in t.stages),
        ),
        Chart(
            "Sessions held, seats filled, journal writers",
            (
                ChartRow("sessions held", t.sessions_held, t.sessions_planned),
                ChartRow("seats filled", t.attended, t.attendance_taken),
                ChartRow("journal writers", t.members_replied, t.members),
            ),
        ),
    ]
    weeks = max((len(g.participation.replies_by_week) for g in report.groups), default=0)
    if weeks:
        by_week = [
            sum(g.participation.replies_by_week[w] for g in report.groups
                if w < len(g.participation.replies_by_week))
            for w in range(weeks)
        ]  # fmt: skip
        found.append(
            Chart(
                "Members who replied to the journal prompt, by practice week",
                tuple(ChartRow(f"week {w + 1}", n, t.members) for w, n in enumerate(by_week)),
            )
        )
    if t.votes:
        top = max(count for _module, count in t.votes)
        rows, note = _top([ChartRow(m, c, top) for m, c in t.votes], "topics")
        found.append(Chart("Next-topic votes", rows, note))
    return found


def _attendance(group: GroupReport) -> str:
    seats = sum(s.roster for s in group.sessions if s.held and s.present is not None)
    came = sum(s.present or 0 for s in group.sessions if s.held)
    return percent(came, seats)


def _printable(value: object) -> object:
    """Every value printed: control and bidi characters removed (already escaped Markup,
    such as a joined list, stays Markup so it is not escaped twice)."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(printable(value))
    return printable(value) if isinstance(value, str) else value


def _environment() -> jinja2.Environment:
    env = template_environment(TEMPLATES_DIR, html=True, finalize=_printable)
    env.globals.update(attendance=_attendance, rating_text=rating_text)
    return env


def render_html(report: ProgrammeReport) -> str:
    template = _environment().get_template("report.html")
    return template.render(report=report, totals=report.totals, charts=charts(report))
