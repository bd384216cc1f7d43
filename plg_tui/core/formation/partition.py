"""One cell of the master model split into its groups: the pair rules, sizes, departments.

Everyone in a cell fits its type, so only rules between two people (the reporting line, a
shared manager) can keep them apart. The model places as many as it can (all, unless the
cell cannot be split) and then has the fewest same-department pairs; it knows the least
number there can be (`least_pairs`) and stops when it reaches it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.solution import department_pairs


@dataclass(frozen=True)
class Split:
    groups: tuple[tuple[int, ...], ...]
    placed_all: bool
    pairs: int
    proven: bool  # no split of this cell places more, or has fewer pairs
    deterministic_time: float


def least_pairs(problem: Problem, members: Sequence[int], groups: int) -> int:
    """Same-department pairs if each department were spread evenly over the groups."""
    counts = Counter(problem.departments[m] for m in members if problem.departments[m] >= 0)
    return sum(
        max(0, count - layer * groups) for count in counts.values() for layer in range(1, count)
    )


def split(
    cp_model: Any,
    problem: Problem,
    members: tuple[int, ...],
    groups: int,
    configure: Any,
    limit: float,
) -> Split:
    rules = problem.rules
    size = len(members)
    model = cp_model.CpModel()
    # person a may sit in group g <= a only, and groups are ordered by their first member
    x = {
        (a, g): model.new_bool_var(f"x{a}_{g}")
        for a in range(size)
        for g in range(min(a + 1, groups))
    }
    opened = [model.new_bool_var(f"o{g}") for g in range(groups)]
    for g in range(groups):
        held = [x[a, g] for a in range(g, size)]
        model.add(sum(held) >= rules.min_size * opened[g])
        model.add(sum(held) <= rules.max_size * opened[g])
        if g:
            model.add(opened[g] <= opened[g - 1])
    for a in range(size):
        model.add_at_most_one(x[a, g] for g in range(min(a + 1, groups)))
    _order_by_first_member(model, x, size, groups)
    for a in range(size):
        for b in range(a + 1, size):
            if problem.conflict(members[a], members[b]):
                for g in range(min(a + 1, groups)):
                    model.add(x[a, g] + x[b, g] <= 1)
    extra = []
    for g in range(groups):
        by_department: dict[int, list[Any]] = {}
        for a in range(g, size):
            department = problem.departments[members[a]]
            if department >= 0:
                by_department.setdefault(department, []).append(x[a, g])
        for department, held in sorted(by_department.items()):
            for layer in range(1, min(len(held), rules.max_size)):
                var = model.new_int_var(0, len(held), f"e{g}_{department}_{layer}")
                model.add(var >= sum(held) - layer)
                extra.append(var)
    placed = sum(x.values())
    weight = 1 + groups * rules.max_size**2
    objective = weight * placed - sum(extra)
    model.add(objective <= weight * size - least_pairs(problem, members, groups))
    model.maximize(objective)
    solver = cp_model.CpSolver()
    configure(solver, limit)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Split((), False, 0, False, solver.deterministic_time)
    found = tuple(
        tuple(members[a] for a in range(g, size) if solver.boolean_value(x[a, g]))
        for g in range(groups)
    )
    found = tuple(group for group in found if group)
    return Split(
        groups=found,
        placed_all=sum(len(group) for group in found) == size,
        pairs=sum(department_pairs(problem, group) for group in found),
        proven=status == cp_model.OPTIMAL,
        deterministic_time=solver.deterministic_time,
    )


def _order_by_first_member(model: Any, x: dict[tuple[int, int], Any], n: int, groups: int) -> None:
    """Group g's first member comes before group g+1's: `seen[a, g]` is "g holds someone <= a"."""
    seen: dict[tuple[int, int], Any] = {}
    for g in range(groups):
        for a in range(g, n):
            seen[a, g] = model.new_bool_var(f"s{a}_{g}")
            model.add(seen[a, g] >= x[a, g])
            if a > g:
                model.add(seen[a, g] >= seen[a - 1, g])
                model.add(seen[a, g] <= seen[a - 1, g] + x[a, g])
            else:
                model.add(seen[a, g] <= x[a, g])
            if g > 0 and a > g - 1:
                model.add(x[a, g] <= seen[a - 1, g - 1])
