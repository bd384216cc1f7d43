"""Forming by logic-based Benders decomposition: the master model, then each cell split.

The master (`aggregate`) says how many groups of each type study each module and who sits in
which cell; `partition` splits every cell into its groups. A cell that cannot be split (pair
rules) is forbidden in the master, one that needs more same-department pairs than the master
counted is charged them; the master is solved again, until the best formation found scores
what the master's bound allows (proven optimal) or the budget is spent. Every cut holds for
every formation, so the master's bound stays a bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from plg_tui.core.formation.aggregate import Cell, Master
from plg_tui.core.formation.columns import best_module
from plg_tui.core.formation.group_types import group_types
from plg_tui.core.formation.partition import least_pairs, split
from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.solution import FormedGroup, ordered, placed_weight, score

# a cell's split may spend this share of the budget at most: cells are small
SPLIT_SHARE = 0.1
# the last few hundredths of a deterministic second buy nothing
LEAST_USEFUL = 0.01

Configure = Callable[[Any, float], None]  # (solver, deterministic seconds)


@dataclass(frozen=True)
class Decomposed:
    groups: tuple[FormedGroup, ...]
    objective: int
    bound: int
    proven: bool
    deterministic_time: float
    rounds: int


def objective_of(problem: Problem, groups: tuple[FormedGroup, ...]) -> int:
    return score(problem, groups).total(placed_weight(problem))


def decompose(
    cp_model: Any,
    problem: Problem,
    start: tuple[FormedGroup, ...],
    budget: float,
    configure: Configure,
) -> Decomposed:
    """The best formation found from `start` on (a valid one), the bound and the proof."""
    kinds = group_types(problem)
    best, best_value = start, objective_of(problem, start)
    if not kinds:  # no group of min size fits any level band and window: nothing to form
        return Decomposed(best, best_value, best_value, True, 0.0, 0)
    master = Master(cp_model, problem, kinds, placed_weight(problem))
    bound: int | None = None
    used, rounds = 0.0, 0
    while budget - used > LEAST_USEFUL:
        rounds += 1
        master.hint(best)
        answer = master.solve(configure, budget - used)
        if answer is None:
            break
        used += answer.deterministic_time
        bound = answer.bound if bound is None else min(bound, answer.bound)
        groups: list[FormedGroup] = []
        learned, complete = False, True
        for cell in answer.cells:
            limit = max(LEAST_USEFUL, min(budget - used, budget * SPLIT_SHARE))
            part = split(cp_model, problem, cell.members, cell.groups, configure, limit)
            used += part.deterministic_time
            groups += [FormedGroup(cell.module, members) for members in part.groups]
            if not part.proven:
                complete = False
            elif not part.placed_all:
                master.forbid(cell, _companions(problem, cell, master))
            elif part.pairs > least_pairs(problem, cell.members, cell.groups):
                master.charge(cell, part.pairs)
            else:
                continue
            learned = True
        found = improved(problem, groups)
        value = objective_of(problem, found)
        if value > best_value:
            best, best_value = found, value
        if best_value >= bound or not answer.optimal or not complete:
            break
        if not learned:  # every cell split as the master counted: nothing left to learn
            break
    if bound is None:  # no master answer: only what nobody can beat
        bound = placed_weight(problem) * len(problem.people) + sum(
            max((problem.weight(i, k) for k in range(len(problem.modules))), default=0)
            for i in range(len(problem.people))
        )
    return Decomposed(best, best_value, max(bound, best_value), best_value >= bound, used, rounds)


def _companions(problem: Problem, cell: Cell, master: Master) -> list[tuple[int, list[int]]]:
    """For each member the pair rules bar from someone in the cell: whom they may sit with."""
    fitting = sorted(master.kinds[cell.kind].fitting)
    found = []
    for person in cell.members:
        if any(problem.conflict(person, other) for other in cell.members if other != person):
            mates = [j for j in fitting if j != person and not problem.conflict(person, j)]
            found.append((person, mates))
    return found


def improved(problem: Problem, groups: list[FormedGroup]) -> tuple[FormedGroup, ...]:
    """Anyone left out joins a group with room that they fit; each group then studies the
    module its members wished for most."""
    members = [list(group.members) for group in groups]
    placed = {m for group in members for m in group}
    for person in range(len(problem.people)):
        if person in placed:
            continue
        for group in members:
            if len(group) < problem.rules.max_size and problem.fits(person, group):
                group.append(person)
                placed.add(person)
                break
    result = []
    for group, old in zip(members, groups, strict=True):
        chosen = tuple(sorted(group))
        module, wish = best_module(problem, chosen)
        kept = sum(problem.weight(m, old.module) for m in chosen)
        result.append(replace(old, members=chosen, module=module if wish > kept else old.module))
    return ordered(result)
