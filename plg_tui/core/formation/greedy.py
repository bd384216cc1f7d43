"""The spreadsheet method, as a baseline and as the solver's first hint.

Sort candidates by first choice (the most wanted module first), fill groups in that order,
skip anyone who breaks a rule with the group so far; groups left too small are broken up and
their members tried in any group with room; leftovers then form groups among themselves.
"""

from __future__ import annotations

import time
from collections import Counter

from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.solution import (
    Formation,
    FormedGroup,
    ordered,
    placed_weight,
    score,
)


def _first_choice(problem: Problem, person: int) -> int | None:
    ranked = problem.ranks[person]
    return min(ranked, key=lambda k: ranked[k]) if ranked else None


def greedy_groups(problem: Problem) -> tuple[FormedGroup, ...]:
    rules = problem.rules
    wished = [_first_choice(problem, i) for i in range(len(problem.people))]
    popularity = Counter(k for k in wished if k is not None)
    fallback = popularity.most_common(1)[0][0] if popularity else 0
    firsts = [fallback if k is None else k for k in wished]
    # most wanted module first; candidates without a wish last, each in pool order
    order = sorted(
        range(len(problem.people)),
        key=lambda i: (wished[i] is None, -popularity[firsts[i]], firsts[i], i),
    )
    groups: list[tuple[int, list[int]]] = []
    leftover: list[int] = []
    current: tuple[int, list[int]] | None = None
    for person in order:
        module = firsts[person]
        if current is None or current[0] != module or len(current[1]) >= rules.max_size:
            current = (module, [])
            groups.append(current)
        if problem.fits(person, current[1]):
            current[1].append(person)
        else:
            leftover.append(person)
    kept = [g for g in groups if len(g[1]) >= rules.min_size]
    leftover += [m for g in groups if len(g[1]) < rules.min_size for m in g[1]]
    kept.sort(key=lambda g: -len(g[1]))
    while len(kept) > problem.max_groups:
        leftover += kept.pop()[1]
    leftover.sort()
    rest: list[int] = []
    for person in leftover:
        home = next(
            (g for g in kept if len(g[1]) < rules.max_size and problem.fits(person, g[1])),
            None,
        )
        if home is None:
            rest.append(person)
        else:
            home[1].append(person)
    while rest and len(kept) < problem.max_groups:
        seed, *others = rest
        members = [seed]
        for person in others:
            if len(members) < rules.max_size and problem.fits(person, members):
                members.append(person)
        if len(members) < rules.min_size:
            rest.remove(seed)
            continue
        wanted = Counter(k for m in members for k in problem.ranks[m] if problem.ranks[m][k] == 1)
        module = wanted.most_common(1)[0][0] if wanted else fallback
        kept.append((module, members))
        rest = [p for p in rest if p not in members]
    return ordered([FormedGroup(module, tuple(sorted(members))) for module, members in kept])


def greedy(problem: Problem) -> Formation:
    started = time.perf_counter()
    groups = greedy_groups(problem)
    found = score(problem, groups)
    objective = found.total(placed_weight(problem))
    return Formation(
        groups=groups,
        score=found,
        method="greedy",
        proven_optimal=False,
        objective=objective,
        bound=objective,
        seconds=time.perf_counter() - started,
    )
