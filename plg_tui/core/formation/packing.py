"""Forming as set packing over every allowed group (see `columns`): pick disjoint groups."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from plg_tui.core.formation.columns import Column
from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.solution import FormedGroup


def solve_packing(
    cp_model: ModuleType,
    problem: Problem,
    columns: list[Column],
    start: Sequence[FormedGroup],
    weight: int,
    configure: Any,
) -> tuple[list[FormedGroup], bool, int] | None:
    """(groups, proven optimal, bound), or None when CP-SAT found nothing in its time."""
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"c{c}") for c in range(len(columns))]
    holding: dict[int, list[Any]] = {}
    for var, column in zip(chosen, columns, strict=True):
        for member in column.members:
            holding.setdefault(member, []).append(var)
    for person in sorted(holding):
        model.add_at_most_one(holding[person])
    model.add(sum(chosen) <= problem.max_groups)
    model.maximize(
        sum(
            (weight * len(column.members) + column.value) * var
            for var, column in zip(chosen, columns, strict=True)
        )
    )
    hinted = {group.members for group in start}
    for var, column in zip(chosen, columns, strict=True):
        model.add_hint(var, column.members in hinted)
    solver = cp_model.CpSolver()
    configure(solver)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    groups = [
        FormedGroup(column.module, column.members)
        for var, column in zip(chosen, columns, strict=True)
        if solver.boolean_value(var)
    ]
    return groups, status == cp_model.OPTIMAL, int(solver.best_objective_bound)
