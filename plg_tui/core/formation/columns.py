"""Every group the rules allow, when there are few enough: forming is then set packing.

Given its members, a group's best module and its worth are fixed (modules do not interact
across groups), so each allowed group is one column with one value, and the solver picks
disjoint columns. Its linear relaxation is far tighter than the compact model's, which is
what lets CP-SAT prove optimality on programme-sized pools; past `COLUMN_LIMIT` groups the
compact model takes over.
"""

from __future__ import annotations

from dataclasses import dataclass

from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.solution import department_pairs
from plg_tui.core.formation.timewindow import has_window

COLUMN_LIMIT = 20_000


@dataclass(frozen=True)
class Column:
    members: tuple[int, ...]
    module: int
    value: int  # wish points minus same-department pairs (placing is counted apart)


class TooManyGroups(Exception):
    """More allowed groups than COLUMN_LIMIT: use the compact model."""


def best_module(problem: Problem, members: tuple[int, ...]) -> tuple[int, int]:
    """(module, wish points): the most wished-for module, the first listed among equals."""
    return max(
        ((k, sum(problem.weight(m, k) for m in members)) for k in range(len(problem.modules))),
        key=lambda pair: (pair[1], -pair[0]),
    )


def allowed_groups(problem: Problem, limit: int = COLUMN_LIMIT) -> list[Column]:
    rules, n = problem.rules, len(problem.people)
    seasons = len(problem.masks[0]) if n else 0
    later = [[j for j in range(i + 1, n) if problem.conflict(i, j) is None] for i in range(n)]
    found: list[Column] = []

    def grow(members: tuple[int, ...], masks: tuple[int, ...], pool: list[int]) -> None:
        if len(members) >= rules.min_size:
            if len(found) >= limit:
                raise TooManyGroups
            module, wish = best_module(problem, members)
            found.append(Column(members, module, wish - department_pairs(problem, members)))
        if len(members) == rules.max_size:
            return
        for index, person in enumerate(pool):
            joint = tuple(masks[s] & problem.masks[person][s] for s in range(seasons))
            if not all(has_window(m, problem.window_slots) for m in joint):
                continue
            allowed = set(later[person])
            grow((*members, person), joint, [p for p in pool[index + 1 :] if p in allowed])

    for first in range(n):
        grow((first,), problem.masks[first], later[first])
    return found
