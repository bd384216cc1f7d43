"""The groups as a CP-SAT model: exact rules, a lexicographic objective, the greedy hint.

Variables: `open[g]` (group g is formed), `x[i, g]` (candidate i sits in g), `module[g, k]`,
`band[g, b]` (g's lowest allowed level is b), `window[g, s, w]` (g meets in season s at
window w), `wish[i, g, k]` (i sits in g and g studies k: worth i's rank weight) and
`extra[g, d, t]` (g holds more than t of department d: the sum over t counts the same-
department pairs). Groups are interchangeable, so g may only hold candidates i >= g and
formed groups come first; the greedy formation, ordered by first member, satisfies both.
"""

from __future__ import annotations

import time
from collections import defaultdict
from types import ModuleType
from typing import Any

from plg_tui.core.formation.columns import TooManyGroups, allowed_groups
from plg_tui.core.formation.greedy import greedy
from plg_tui.core.formation.packing import solve_packing
from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.rules import FormationError
from plg_tui.core.formation.solution import Formation, FormedGroup, ordered, placed_weight, score
from plg_tui.core.formation.timewindow import fitting_starts

INSTALL_HINT = (
    "plg form needs OR-Tools (CP-SAT), an optional part of plg; install it with: "
    "pip install 'plg[formation]' (in a checkout: make, or .venv/bin/pip install -e "
    "'.[formation]')"
)
# Two workers, interleaved: CP-SAT is then deterministic (same seed, same answer) and still
# runs its portfolio; the limit is in deterministic time, which does not depend on the load.
# Set packing (small pools) proves fastest with one worker and its full LP, deterministic too.
WORKERS = 2


def load_cp_model() -> ModuleType:
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        raise FormationError(INSTALL_HINT) from None
    return cp_model


def _windows(problem: Problem, season: int) -> list[frozenset[int]]:
    """The distinct sets of candidates a window fits, none contained in another."""
    fits: dict[int, set[int]] = defaultdict(set)
    for person, masks in enumerate(problem.masks):
        for start in fitting_starts(masks[season], problem.window_slots):
            fits[start].add(person)
    sets = {frozenset(people) for people in fits.values()}
    useful = [s for s in sets if len(s) >= problem.rules.min_size]
    kept = [s for s in useful if not any(s < other for other in useful)]
    return sorted(kept, key=lambda s: sorted(s))


def solve(problem: Problem, time_limit: float, seed: int) -> Formation:
    cp_model = load_cp_model()
    started = time.perf_counter()
    baseline = greedy(problem)
    n, rules = len(problem.people), problem.rules
    groups, modules = problem.max_groups, len(problem.modules)
    if groups == 0 or modules == 0:
        return baseline
    try:
        columns = allowed_groups(problem)
    except TooManyGroups:
        columns = None
    if columns is not None:
        weight = placed_weight(problem)
        packed = solve_packing(
            cp_model,
            problem,
            columns,
            baseline,
            weight,
            lambda s: _configure(s, time_limit, seed, workers=1),
        )
        if packed is None:
            return _with_time(baseline, time.perf_counter() - started)
        picked, proven, bound = packed
        return _better(problem, baseline, ordered(picked), proven, bound, started)
    model = cp_model.CpModel()
    opened = [model.new_bool_var(f"open{g}") for g in range(groups)]
    x: dict[tuple[int, int], Any] = {
        (i, g): model.new_bool_var(f"x{i}_{g}") for i in range(n) for g in range(min(i + 1, groups))
    }
    module = {
        (g, k): model.new_bool_var(f"m{g}_{k}") for g in range(groups) for k in range(modules)
    }
    levels = sorted({p.level for p in problem.people})
    for g in range(groups - 1):
        model.add(opened[g] >= opened[g + 1])
    for i in range(n):
        model.add_at_most_one(x[i, g] for g in range(min(i + 1, groups)))
    _order_by_first_member(model, x, n, groups)
    season_windows = [_windows(problem, s) for s in range(len(problem.masks[0]) if n else 0)]
    wish: dict[tuple[int, int, int], Any] = {}
    penalties = []
    for g in range(groups):
        members = [x[i, g] for i in range(g, n)]
        model.add(sum(members) >= rules.min_size * opened[g])
        model.add(sum(members) <= rules.max_size * opened[g])
        model.add(sum(module[g, k] for k in range(modules)) == opened[g])
        band = {b: model.new_bool_var(f"b{g}_{b}") for b in levels}
        model.add(sum(band.values()) == opened[g])
        for i in range(g, n):
            level = problem.people[i].level
            fitting = [band[b] for b in levels if b <= level <= b + rules.level_spread]
            model.add(x[i, g] <= sum(fitting))
        for s, windows in enumerate(season_windows):
            chosen = [model.new_bool_var(f"w{g}_{s}_{w}") for w in range(len(windows))]
            model.add(sum(chosen) == opened[g])
            for i in range(g, n):
                model.add(
                    x[i, g] <= sum(c for c, fit in zip(chosen, windows, strict=True) if i in fit)
                )
        for i in range(g, n):
            ranked = problem.ranks[i]
            for k in ranked:
                if problem.weight(i, k):
                    wish[i, g, k] = model.new_bool_var(f"a{i}_{g}_{k}")
                    model.add(wish[i, g, k] <= module[g, k])
            model.add(sum(wish[i, g, k] for k in ranked if (i, g, k) in wish) <= x[i, g])
        for (i, j), rule in problem.conflicts.items():
            if g <= i and rule.rule in ("reporting line", "same manager"):
                model.add(x[i, g] + x[j, g] <= 1)
        for department in sorted({d for d in problem.departments if d >= 0}):
            count = sum(x[i, g] for i in range(g, n) if problem.departments[i] == department)
            for t in range(1, rules.max_size):
                extra = model.new_int_var(0, rules.max_size, f"e{g}_{department}_{t}")
                model.add(extra >= count - t)
                penalties.append(extra)
    weight = placed_weight(problem)
    model.maximize(
        weight * sum(x.values())
        + sum(problem.weight(i, k) * var for (i, _, k), var in wish.items())
        - sum(penalties)
    )
    _hint(model, problem, baseline.groups, opened, x, module)
    solver = cp_model.CpSolver()
    _configure(solver, time_limit, seed)
    status = solver.solve(model)
    elapsed = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _with_time(baseline, elapsed)
    found = ordered(
        [
            FormedGroup(
                module=next(k for k in range(modules) if solver.boolean_value(module[g, k])),
                members=tuple(i for i in range(g, n) if solver.boolean_value(x[i, g])),
            )
            for g in range(groups)
            if solver.boolean_value(opened[g])
        ]
    )
    proven = status == cp_model.OPTIMAL
    return _better(problem, baseline, found, proven, int(solver.best_objective_bound), started)


def _configure(solver: Any, time_limit: float, seed: int, workers: int = WORKERS) -> None:
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = workers > 1
    solver.parameters.max_deterministic_time = time_limit
    if workers == 1:
        # set packing's full linear relaxation is tight: it is what proves small pools optimal
        # (on the compact model it slows the search more than it helps the bound)
        solver.parameters.linearization_level = 2


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
        return _with_time(baseline, elapsed)
    return Formation(
        groups=found,
        score=found_score,
        method="CP-SAT",
        proven_optimal=proven,
        objective=objective,
        bound=max(objective, bound),
        seconds=elapsed,
    )


def _order_by_first_member(model: Any, x: dict[tuple[int, int], Any], n: int, groups: int) -> None:
    """Group g's first member comes before group g+1's: `seen[i, g]` is "g holds someone <= i"."""
    seen: dict[tuple[int, int], Any] = {}
    for g in range(groups):
        for i in range(g, n):
            seen[i, g] = model.new_bool_var(f"s{i}_{g}")
            model.add(seen[i, g] >= x[i, g])
            if i > g:
                model.add(seen[i, g] >= seen[i - 1, g])
                model.add(seen[i, g] <= seen[i - 1, g] + x[i, g])
            else:
                model.add(seen[i, g] <= x[i, g])
            if g > 0 and i > g - 1:
                model.add(x[i, g] <= seen[i - 1, g - 1])


def _with_time(formation: Formation, seconds: float) -> Formation:
    from dataclasses import replace

    return replace(formation, seconds=seconds)


def _hint(
    model: Any,
    problem: Problem,
    groups: tuple[FormedGroup, ...],
    opened: list[Any],
    x: dict[tuple[int, int], Any],
    module: dict[tuple[int, int], Any],
) -> None:
    at = {m: g for g, group in enumerate(groups) for m in group.members}
    for g, var in enumerate(opened):
        model.add_hint(var, g < len(groups))
    for (i, g), var in x.items():
        model.add_hint(var, at.get(i) == g)
    for (g, k), var in module.items():
        model.add_hint(var, g < len(groups) and groups[g].module == k)
