"""Why a candidate is where they are, or why no group could take them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.solution import FormedGroup, department_pairs
from plg_tui.core.formation.timewindow import check_dates, group_windows


@dataclass(frozen=True)
class Unplaced:
    person: int  # index into Problem.people
    rule: str  # the rule that kept them out, in a word or two
    detail: str


def _ordinal(rank: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(rank, f"{rank}th")


def rank_text(problem: Problem, person: int, module: int) -> str:
    rank = problem.ranks[person].get(module)
    return f"{_ordinal(rank)} choice" if rank else "not among their choices"


def _blocker(problem: Problem, person: int, group: FormedGroup) -> tuple[str, str] | None:
    """The rule that keeps `person` out of `group` (None: they would fit)."""
    for member in group.members:
        rule = problem.conflict(person, member)
        if rule is not None:
            return rule.rule, rule.detail
    if not problem.shares_window([*group.members, person]):
        hours = problem.rules.min_overlap_minutes / 60
        return "time window", f"no common {hours:g}-hour window with the group"
    if len(group.members) >= problem.rules.max_size:
        return "group size", f"already has {problem.rules.max_size} members"
    return None


def unplaced(problem: Problem, groups: Sequence[FormedGroup]) -> list[Unplaced]:
    placed = {m for g in groups for m in g.members}
    return [
        _why_out(problem, groups, person)
        for person in range(len(problem.people))
        if person not in placed
    ]


def _why_out(problem: Problem, groups: Sequence[FormedGroup], person: int) -> Unplaced:
    rules = problem.rules
    others = [j for j in range(len(problem.people)) if j != person]
    excluded = Counter(
        pair.rule for j in others if (pair := problem.conflict(person, j)) is not None
    )
    compatible = len(others) - sum(excluded.values())
    if compatible < rules.min_size - 1:
        rule = excluded.most_common(1)[0][0] if excluded else "group size"
        counts = ", ".join(f"{name}: {count}" for name, count in excluded.most_common())
        return Unplaced(
            person,
            rule,
            f"only {compatible} of the {len(others)} other candidates may share a group with "
            f"them ({counts} ruled out); a group needs {rules.min_size - 1} others",
        )
    blocked = [(n, _blocker(problem, person, g)) for n, g in enumerate(groups, 1)]
    reasons = Counter(b[0] for _, b in blocked if b is not None)
    listed = "; ".join(f"g{n:02d} {b[0]}: {b[1]}" for n, b in blocked if b is not None)
    placed = {m for g in groups for m in g.members}
    free = [j for j in others if j not in placed and problem.conflict(person, j) is None]
    among = Counter(
        pair.rule for a, b in combinations(free, 2) if (pair := problem.conflict(a, b)) is not None
    )
    if among:
        rule = among.most_common(1)[0][0]
    else:
        rule = reasons.most_common(1)[0][0] if reasons else "group size"
    if len(free) < rules.min_size - 1:
        left = f"only {len(free)} unplaced candidate(s) could sit with them"
    elif among:
        counts = ", ".join(f"{name}: {count}" for name, count in among.most_common())
        left = (
            f"the {len(free)} unplaced candidates who could sit with them break the rules "
            f"with one another ({counts} pairs)"
        )
    else:
        left = f"the {len(free)} unplaced candidates who could sit with them share no window"
    return Unplaced(
        person, rule, (f"no formed group can take them ({listed}); " if listed else "") + left
    )


def explain(
    problem: Problem, groups: Sequence[FormedGroup], person: int, out: Sequence[Unplaced]
) -> list[str]:
    who = problem.people[person]
    lines = [
        f"{who.name} <{who.email}>: level {who.level}, {who.department or 'no department'}"
        f", {who.timezone}"
    ]
    wanted = sorted(problem.ranks[person].items(), key=lambda item: item[1])
    wishes = ", ".join(f"{r}. {problem.modules[k]}" for k, r in wanted) or "none given"
    lines.append(f"  wished for: {wishes}")
    home = next((n for n, g in enumerate(groups) if person in g.members), None)
    if home is None:
        reason = next((u for u in out if u.person == person), None)
        if reason is not None:
            lines.append(f"  not placed: {reason.rule}: {reason.detail}")
        return lines
    group = groups[home]
    lines.append(
        f"  in g{home + 1:02d}, studying {problem.modules[group.module]} "
        f"({rank_text(problem, person, group.module)})"
    )
    members = [problem.people[m] for m in group.members]
    levels = [m.level for m in members]
    lines.append(
        f"  rules met: {len(members)} members; levels {min(levels)}-{max(levels)} "
        f"(at most {problem.rules.level_spread} apart); no one in the group is in their "
        "reporting line"
        + ("; no one shares their manager" if problem.rules.separate_shared_manager else "")
    )
    for window, day in zip(
        group_windows([m.timezone for m in members], problem.rules),
        check_dates(problem.rules.year),
        strict=True,
    ):
        if window is not None:
            lines.append(
                f"  common window in {window.season}: {window.utc_text()}, for them "
                f"{window.local_text(who.timezone, day)} {who.timezone}"
            )
    same = sum(
        1
        for m in group.members
        if m != person
        and problem.departments[m] >= 0
        and problem.departments[m] == problem.departments[person]
    )
    lines.append(
        f"  department: {same} other(s) from {who.department or '(none)'} in the group; "
        f"{department_pairs(problem, group.members)} same-department pair(s) in this group"
    )
    for module, rank in wanted:
        if module == group.module or rank >= problem.ranks[person].get(group.module, 99):
            continue
        studying = [(n, g) for n, g in enumerate(groups, 1) if g.module == module]
        if not studying:
            lines.append(
                f"  why not {problem.modules[module]}: no group studies it (too few who want "
                "it can meet the rules together, or they fit better elsewhere)"
            )
        for n, other in studying:
            block = _blocker(problem, person, other)
            why = (
                f"{block[0]}: {block[1]}"
                if block
                else (
                    "they would fit, but moving them would cost more elsewhere (placed, wishes "
                    "or department mix)"
                )
            )
            lines.append(f"  why not g{n:02d} ({problem.modules[module]}): {why}")
    return lines
