"""`plg report` in the terminal: a table of groups, then each group with bar charts in text.

Names, module titles and time zones came from outside plg (a roster, a module file): each
line passes through `printable`, so no escape sequence reaches the terminal.
"""

from __future__ import annotations

from plg_tui.core.report import (
    MIN_RATINGS_SHOWN,
    GroupReport,
    ProgrammeReport,
    ProgrammeTotals,
    Rating,
)
from plg_tui.core.safe_text import printable

BAR_WIDTH = 20
FULL, EMPTY = "█", "░"


def bar(value: int, total: int, width: int = BAR_WIDTH) -> str:
    """`width` cells, filled in proportion to value/total (an empty bar when total is 0)."""
    if total <= 0:
        return EMPTY * width
    filled = round(width * min(max(value, 0), total) / total)
    if value > 0 and filled == 0:
        filled = 1  # one is not none
    return FULL * filled + EMPTY * (width - filled)


def percent(value: int, total: int) -> str:
    return f"{round(100 * value / total)}%" if total else "–"


def rating_text(rating: Rating | None) -> str:
    if rating is None:
        return "not rated yet (asked at session 2's close)"
    if not rating.shown:
        return f"hidden: shown from {MIN_RATINGS_SHOWN} ratings up, so no one's can be inferred"
    assert rating.average is not None
    return f"{rating.average:.1f} of 5 from {rating.count} ratings"


def _votes_lines(votes: tuple[tuple[str, int], ...], indent: str) -> list[str]:
    if not votes:
        return [f"{indent}none yet"]
    top = max(count for _module, count in votes)
    width = max(len(module) for module, _count in votes)
    return [f"{indent}{module:<{width}}  {bar(count, top, 10)} {count}" for module, count in votes]


def _summary_table(report: ProgrammeReport) -> list[str]:
    header = ("group", "stage", "members", "held", "attended", "sent", "bounced", "stopped",
              "replied", "rating")  # fmt: skip
    rows = [header]
    for g in report.groups:
        seats = sum(s.roster for s in g.sessions if s.held and s.present is not None)
        came = sum(s.present or 0 for s in g.sessions if s.held)
        average = g.rating.average if g.rating else None
        rows.append(
            (
                g.slug,
                g.stage,
                str(g.members),
                f"{g.sessions_held}/{g.sessions_planned}",
                percent(came, seats),
                str(g.delivery.sent),
                str(g.delivery.bounced),
                str(g.delivery.opted_out),
                f"{g.participation.members_replied}/{g.members}",
                "–" if average is None else f"{average:.1f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip


def _totals_lines(t: ProgrammeTotals) -> list[str]:
    stages = ", ".join(f"{stage} {count}" for stage, count in t.stages) or "none"
    lines = [
        f"Programme: {t.groups} group{'' if t.groups == 1 else 's'}, "
        f"{t.members} member{'' if t.members == 1 else 's'}",
        f"  stages         {stages}",
        f"  sessions held  {bar(t.sessions_held, t.sessions_planned)} "
        f"{t.sessions_held} of {t.sessions_planned}",
        f"  attendance     {bar(t.attended, t.attendance_taken)} "
        f"{percent(t.attended, t.attendance_taken)} ({t.attended} of {t.attendance_taken} seats)",
        f"  emails         sent {t.delivery.sent}, failed {t.delivery.failed}, "
        f"uncertain {t.delivery.uncertain}; members bouncing {t.delivery.bounced}, "
        f"opted out {t.delivery.opted_out}",
        f"  partners met   {t.delivery.partner_check_text}",
        f"  journal        {bar(t.members_replied, t.members)} "
        f"{t.members_replied} of {t.members} members replied",
        f"  module rating  {rating_text(t.rating)}",
        "  next topic",
        *_votes_lines(t.votes, "    "),
    ]
    return lines


def cycle_lines(g: GroupReport) -> list[str]:
    """The cycle line, for a group past its first module only."""
    if g.cycle <= 1 and not g.earlier_modules:
        return []
    earlier = ", ".join(g.earlier_modules) or "none recorded"
    return [f"  cycle          {g.cycle} (earlier modules: {earlier})"]


def _group_lines(g: GroupReport, with_names: bool) -> list[str]:
    lines = [
        f"{g.slug} — {g.module_title} ({g.module}), {g.timezone}",
        *cycle_lines(g),
        f"  stage          {g.stage}",
        f"  members        {g.members}",
        f"  sessions       {g.sessions_held} of {g.sessions_planned} held",
    ]
    for s in g.sessions:
        when = s.planned or "no date"
        if not s.held:
            lines.append(f"    {s.label:<24} {when}  planned")
            continue
        if s.present is None:
            lines.append(f"    {s.label:<24} {when}  held, no attendance taken")
            continue
        lines.append(
            f"    {s.label:<24} {when}  held  {bar(s.present, s.roster)} "
            f"{s.present} of {s.roster} present"
        )
        if with_names:
            lines.append(f"      present: {', '.join(s.present_names) or 'nobody'}")
            if s.facilitator:
                lines.append(f"      facilitated by {s.facilitator}")
    lines.append(
        f"  facilitation   {g.facilitations} session(s) facilitated by "
        f"{g.facilitators} different member(s)"
    )
    d = g.delivery
    if d.companion_ran:
        lines.append(
            f"  emails         sent {d.sent}, failed {d.failed}, uncertain {d.uncertain}; "
            f"members bouncing {d.bounced}, opted out {d.opted_out}"
        )
        lines.append(f"  partners met   {d.partner_check_text}")
    else:
        lines.append("  emails         none yet (the companion has not sent for this group)")
    p = g.participation
    lines.append(
        f"  journal        {p.members_replied} of {p.members} members replied, "
        f"in {p.weeks_with_replies} of {p.weeks} weeks"
    )
    lines.extend(
        f"    week {week}         {bar(count, p.members)} {count}"
        for week, count in enumerate(p.replies_by_week, 1)
    )
    lines.append(f"  module rating  {rating_text(g.rating)}")
    lines.append("  next topic")
    lines.extend(_votes_lines(g.votes, "    "))
    return lines


def render_text(report: ProgrammeReport) -> str:
    lines = [
        f"plg report, {report.generated} (counts only: nothing anyone said or wrote)",
        "",
        *_totals_lines(report.totals),
        "",
    ]
    if report.groups:
        lines.extend([*_summary_table(report), ""])
    for group in report.groups:
        lines.extend([*_group_lines(group, report.with_names), ""])
    lines.extend(f"{bad.slug}: cannot open ({bad.problem})" for bad in report.unreadable)
    if not report.groups and not report.unreadable:
        lines.append("no groups yet (create one: plg group create ...)")
    return "\n".join(printable(line) for line in lines).rstrip("\n") + "\n"
