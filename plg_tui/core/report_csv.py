"""`plg report --format csv`: one row per group and one for the whole programme.

A spreadsheet runs a cell that starts with = + - @ as a formula, so text from outside plg
(a module title, a member's name) that starts so is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

from plg_tui.core.report import GroupReport, ProgrammeReport
from plg_tui.core.safe_text import printable
from plg_tui.vocabulary import SessionKind

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "scope",
    "group",
    "module",
    "module_title",
    "stage",
    "members",
    "sessions_planned",
    "sessions_held",
    *(
        f"{name}_{part}"
        for name in ("trust", "session1", "session2")
        for part in ("date", "held", "present")
    ),
    "facilitations",
    "facilitators",
    "emails_sent",
    "emails_failed",
    "emails_uncertain",
    "members_bouncing",
    "members_opted_out",
    "partner_check_asked",
    "partners_met",
    "partners_not_yet",
    "members_replied",
    "weeks_with_replies",
    "practice_weeks",
    "rating_count",
    "rating_average",
    "next_topic_votes",
    "cycle",
    "earlier_modules",
)
NAME_COLUMNS = tuple(f"{name}_present_names" for name in ("trust", "session1", "session2"))
_SESSION_COLUMN = {
    SessionKind.TRUST: "trust",
    SessionKind.ONE: "session1",
    SessionKind.TWO: "session2",
}


def cell(value: object) -> str:
    text = printable(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _votes(votes: tuple[tuple[str, int], ...]) -> str:
    return "; ".join(f"{module}: {count}" for module, count in votes)


def _group_row(g: GroupReport, with_names: bool) -> dict[str, object]:
    average = g.rating.average if g.rating else None
    row: dict[str, object] = {
        "scope": "group",
        "group": g.slug,
        "module": g.module,
        "module_title": g.module_title,
        "cycle": g.cycle,
        "earlier_modules": "; ".join(g.earlier_modules),
        "stage": g.stage,
        "members": g.members,
        "sessions_planned": g.sessions_planned,
        "sessions_held": g.sessions_held,
        "facilitations": g.facilitations,
        "facilitators": g.facilitators,
        "emails_sent": g.delivery.sent,
        "emails_failed": g.delivery.failed,
        "emails_uncertain": g.delivery.uncertain,
        "members_bouncing": g.delivery.bounced,
        "members_opted_out": g.delivery.opted_out,
        "partner_check_asked": g.delivery.partner_check_asked,
        "partners_met": g.delivery.partners_met,
        "partners_not_yet": g.delivery.partners_not_yet,
        "members_replied": g.participation.members_replied,
        "weeks_with_replies": g.participation.weeks_with_replies,
        "practice_weeks": g.participation.weeks,
        "rating_count": g.rating.count if g.rating and g.rating.shown else "",
        "rating_average": "" if average is None else f"{average:.2f}",
        "next_topic_votes": _votes(g.votes),
    }
    for session in g.sessions:
        prefix = _SESSION_COLUMN[SessionKind(session.kind)]
        row[f"{prefix}_date"] = session.planned
        row[f"{prefix}_held"] = "yes" if session.held else "no"
        row[f"{prefix}_present"] = "" if session.present is None else session.present
        if with_names:
            row[f"{prefix}_present_names"] = "; ".join(session.present_names)
    return row


def render_csv(report: ProgrammeReport) -> str:
    columns = COLUMNS + (NAME_COLUMNS if report.with_names else ())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    for group in report.groups:
        row = _group_row(group, report.with_names)
        writer.writerow({key: cell(value) for key, value in row.items()})
    t = report.totals
    average = t.rating.average if t.rating else None
    writer.writerow(
        {
            key: cell(value)
            for key, value in {
                "scope": "programme",
                "group": f"{t.groups} groups",
                "members": t.members,
                "sessions_planned": t.sessions_planned,
                "sessions_held": t.sessions_held,
                "emails_sent": t.delivery.sent,
                "emails_failed": t.delivery.failed,
                "emails_uncertain": t.delivery.uncertain,
                "members_bouncing": t.delivery.bounced,
                "members_opted_out": t.delivery.opted_out,
                "partner_check_asked": t.delivery.partner_check_asked,
                "partners_met": t.delivery.partners_met,
                "partners_not_yet": t.delivery.partners_not_yet,
                "members_replied": t.members_replied,
                "rating_count": t.rating.count if t.rating else "",
                "rating_average": "" if average is None else f"{average:.2f}",
                "next_topic_votes": _votes(t.votes),
            }.items()
        }
    )
    for bad in report.unreadable:
        writer.writerow(
            {"scope": "unreadable", "group": cell(bad.slug), "stage": cell(bad.problem)}
        )
    return out.getvalue()
