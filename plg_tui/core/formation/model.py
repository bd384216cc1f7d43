"""Forming with CP-SAT: the decomposition first, set packing where it can still prove more.

The greedy formation is the start and the floor: the answer never scores less. The
decomposition (`decompose`: a master model over group types, each cell then split into
groups) proves programme-sized pools optimal in well under a second; when it cannot, and the
pool is small enough to list every allowed group (`columns`), set packing gets the rest of the
budget, starting from the best formation found.

The budget is in CP-SAT's deterministic seconds, which do not depend on the machine's load:
the same seed and limit give the same groups. `--time-limit` is wall seconds on an idle
2-core machine; `deterministic_budget` turns it into deterministic seconds with room to spare.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from types import ModuleType
from typing import Any

from plg_tui.core.formation.columns import TooManyGroups, allowed_groups
from plg_tui.core.formation.decompose import decompose
from plg_tui.core.formation.greedy import greedy
from plg_tui.core.formation.packing import solve_packing
from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.rules import FormationError
from plg_tui.core.formation.solution import Formation, FormedGroup, ordered, placed_weight, score

INSTALL_HINT = (
    "plg form needs OR-Tools (CP-SAT), an optional part of plg; install it with: "
    "pip install 'plg[formation]' (in a checkout: make, or .venv/bin/pip install -e "
    "'.[formation]')"
)
# One worker: CP-SAT is then deterministic (same seed, same answer), and the models here are
# small enough that a portfolio buys less than it costs on a shared 2-core machine.
WORKERS = 1
# Deterministic seconds per wall second: these models take 1.5 to 3.2 CPU seconds per
# deterministic second (measured on the 2-core machine; presolve counts little deterministic
# time but takes seconds on 240 candidates); 0.3 keeps a run that spends its whole budget
# inside the wall seconds asked for.
DETERMINISTIC_PER_WALL_SECOND = 0.3


def load_cp_model() -> ModuleType:
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        raise FormationError(INSTALL_HINT) from None
    return cp_model


def deterministic_budget(wall_seconds: float) -> float:
    return wall_seconds * DETERMINISTIC_PER_WALL_SECOND


def solve(problem: Problem, time_limit: float, seed: int) -> Formation:
    """The best formation CP-SAT finds within `time_limit` (wall seconds, see above)."""
    cp_model = load_cp_model()
    started = time.perf_counter()
    baseline = greedy(problem)
    if problem.max_groups == 0 or not problem.modules:
        return baseline
    budget = deterministic_budget(time_limit)

    def configure(solver: Any, limit: float) -> None:
        _configure(solver, limit, seed)

    found = decompose(cp_model, problem, baseline.groups, budget, configure)
    groups, bound, proven = found.groups, found.bound, found.proven
    left = budget - found.deterministic_time
    if not proven and left > 0:
        try:
            columns = allowed_groups(problem)
        except TooManyGroups:
            columns = None
        if columns is not None:
            packed = solve_packing(
                cp_model,
                problem,
                columns,
                groups,
                placed_weight(problem),
                lambda s: _configure(s, left, seed),
            )
            if packed is not None:
                picked, packed_proven, packed_bound = packed
                if _objective(problem, picked) > found.objective or packed_proven:
                    groups = ordered(picked)
                bound = min(bound, packed_bound)
                proven = packed_proven
    return _better(problem, baseline, groups, proven, bound, started)


def _objective(problem: Problem, groups: Sequence[FormedGroup]) -> int:
    return score(problem, groups).total(placed_weight(problem))


def _configure(solver: Any, limit: float, seed: int) -> None:
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = WORKERS
    solver.parameters.max_deterministic_time = limit
    # the full linear relaxation is what proves: the master's bound, set packing's
    solver.parameters.linearization_level = 2
    # the hint is a floor to start from, not a path to follow: retracing it first costs
    # seconds on large pools before the LP-guided search finds far better
    solver.parameters.hint_conflict_limit = 0


def _better(
    problem: Problem,
    baseline: Formation,
    found: tuple[FormedGroup, ...],
    proven: bool,
    bound: int,
    started: float,
) -> Formation:
    """The solver's groups, unless the greedy ones score higher (a time limit hit early)."""
    elapsed = time.perf_counter() - started
    found_score = score(problem, found)
    objective = found_score.total(placed_weight(problem))
    if objective < baseline.objective:
        return replace(baseline, seconds=elapsed)
    return Formation(
        groups=found,
        score=found_score,
        method="CP-SAT",
        proven_optimal=proven,
        objective=objective,
        bound=max(objective, bound),
        seconds=elapsed,
    )
