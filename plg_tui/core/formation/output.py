"""A formation as people read it: the summary table, roster CSVs, groups.md."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from plg_tui.core.formation.explain import Unplaced, rank_text
from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.rules import FormationError
from plg_tui.core.formation.solution import Formation, FormedGroup
from plg_tui.core.formation.timewindow import check_dates, group_windows
from plg_tui.core.roster_columns import COLUMNS
from plg_tui.core.safe_text import printable
from plg_tui.vault.atomic import atomic_write
from plg_tui.vault.paths import is_valid_slug


def roster_name(number: int, module: str) -> str:
    """`g03-giving-feedback.csv`: the module id is checked as a name before it names a file."""
    if not is_valid_slug(module):
        raise ValueError(f"module id {module!r} cannot name a file")
    return f"g{number:02d}-{module}.csv"


def status_line(formation: Formation) -> str:
    if formation.method == "greedy":
        return "greedy formation (the solver found nothing better in its time)"
    if formation.proven_optimal:
        return f"proven optimal (CP-SAT, {formation.seconds:.1f} s)"
    return (
        f"best found when the time limit stopped CP-SAT ({formation.seconds:.1f} s): objective "
        f"{formation.objective}, bound {formation.bound}, gap {formation.gap:.2%}"
    )


def group_lines(problem: Problem, number: int, group: FormedGroup) -> list[str]:
    members = [problem.people[m] for m in group.members]
    windows = group_windows([m.timezone for m in members], problem.rules)
    days = check_dates(problem.rules.year)
    shared = ", ".join(f"{w.season} {w.utc_text()}" for w in windows if w is not None)
    lines = [
        f"g{number:02d}  {problem.modules[group.module]}  ({len(members)} members; common "
        f"window {shared})"
    ]
    for index, person in zip(group.members, members, strict=True):
        local = ", ".join(
            f"{w.season[:3]} {w.local_text(person.timezone, day)}"
            for w, day in zip(windows, days, strict=True)
            if w is not None
        )
        lines.append(
            "    "
            + "  ".join(
                (
                    f"{person.name:<24}",
                    f"level {person.level}",
                    f"{person.department or '-':<14}",
                    f"{person.timezone:<20}",
                    f"{rank_text(problem, index, group.module):<24}",
                    local,
                )
            )
        )
    return [printable(line) for line in lines]


def unplaced_lines(problem: Problem, out: Sequence[Unplaced]) -> list[str]:
    lines = [
        printable(
            f"    {problem.people[u.person].name} <{problem.people[u.person].email}>: "
            f"{u.rule}: {u.detail}"
        )
        for u in out
    ]
    lines += [
        printable(f"    {c.name} <{c.email}>: not available (declined or marked unavailable)")
        for c in problem.unavailable
    ]
    return lines


def bounced_warning(
    problem: Problem, formation: Formation, bounced: frozenset[str]
) -> tuple[str, list[str], str]:
    """(heading, one line per placed candidate whose survey email bounced, how to fix it);
    an empty list when none did. They stay placed: the address may be corrected later."""
    placed = [
        f"{problem.people[m].name} <{problem.people[m].email}> (g{number:02d})"
        for number, group in enumerate(formation.groups, 1)
        for m in group.members
        if problem.people[m].email.lower() in bounced
    ]
    count = len(placed)
    whose = "candidate's" if count == 1 else "candidates'"
    heading = f"warning: {count} placed {whose} email bounced in the survey:"
    fix = "fix the address in the pool CSV, plg pool import, then plg form again"
    return heading, [printable(line) for line in placed], fix


def summary(
    problem: Problem,
    formation: Formation,
    out: Sequence[Unplaced],
    bounced: frozenset[str] = frozenset(),
) -> list[str]:
    total = len(problem.people) + len(problem.unavailable)
    lines = [
        f"{len(formation.groups)} groups, {formation.score.placed} of {total} candidates "
        f"placed; wish score {formation.score.wish}, same-department pairs "
        f"{formation.score.department_pairs}",
        status_line(formation),
        "",
    ]
    heading, placed, fix = bounced_warning(problem, formation, bounced)
    if placed:
        lines += [heading, *(f"    {line}" for line in placed), fix, ""]
    for number, group in enumerate(formation.groups, 1):
        lines += group_lines(problem, number, group)
    not_placed = unplaced_lines(problem, out)
    if not_placed:
        lines += ["", "not placed:", *not_placed]
    return lines


def roster_csv(problem: Problem, group: FormedGroup) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for member in group.members:
        person = problem.people[member]
        writer.writerow([str(getattr(person, column)) for column in COLUMNS])
    return buffer.getvalue()


def groups_markdown(
    problem: Problem,
    formation: Formation,
    out: Sequence[Unplaced],
    bounced: frozenset[str] = frozenset(),
) -> str:
    lines = ["# Groups", "", status_line(formation), ""]
    heading, placed, fix = bounced_warning(problem, formation, bounced)
    if placed:
        lines += [f"**{heading[:1].upper()}{heading[1:]}**", ""]
        lines += [f"- {line}" for line in placed] + ["", f"To {fix}.", ""]
    for number, group in enumerate(formation.groups, 1):
        body = group_lines(problem, number, group)
        lines += [
            f"## {body[0]}",
            "",
            f"Roster: `{roster_name(number, problem.modules[group.module])}`",
            "",
        ]
        lines += [f"- {line.strip()}" for line in body[1:]]
        lines.append("")
    not_placed = unplaced_lines(problem, out)
    if not_placed:
        lines += ["## Not placed", ""] + [f"- {line.strip()}" for line in not_placed] + [""]
    if problem.rules.level_spread > 1:
        lines += [
            "Levels may be more than 1 apart: create these groups with "
            "`plg group create ... --allow-level-spread`.",
            "",
        ]
    return "\n".join(lines)


def write_outputs(
    folder: Path,
    problem: Problem,
    formation: Formation,
    out: Sequence[Unplaced],
    bounced: frozenset[str] = frozenset(),
) -> list[Path]:
    """One roster per group and groups.md, into a folder that holds no earlier formation
    (a stale g07 from a run with more groups would be created by mistake)."""
    earlier = sorted(folder.glob("g[0-9][0-9]-*.csv")) + sorted(folder.glob("groups.md"))
    if earlier:
        raise FormationError(
            f"--out {folder}: already holds a formation ({earlier[0].name}); choose a new "
            "folder or remove those files"
        )
    files = {
        folder / roster_name(n, problem.modules[g.module]): roster_csv(problem, g)
        for n, g in enumerate(formation.groups, 1)
    }
    files[folder / "groups.md"] = groups_markdown(problem, formation, out, bounced)
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        atomic_write(path, text.encode())
    return list(files)
