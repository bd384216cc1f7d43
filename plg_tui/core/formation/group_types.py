"""Kinds of group: the rules other than reporting lines depend only on a group's type.

A type is a level band (lowest level b, so levels b..b+spread) and one meeting window per
season. Every candidate who fits a type (level in the band, working hours around both
windows) may sit with every other who fits it, except for pair rules between people (the
reporting line, a shared manager). Only the types whose sets of fitting candidates are not
contained in another's matter: a group of a smaller type is a group of the larger one too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.timewindow import fitting_starts


@dataclass(frozen=True)
class GroupType:
    fitting: frozenset[int]  # the candidates (Problem.people indexes) who fit it


def window_sets(problem: Problem, season: int) -> list[frozenset[int]]:
    """The distinct sets of candidates a window fits, none contained in another."""
    fits: dict[int, set[int]] = defaultdict(set)
    for person, masks in enumerate(problem.masks):
        for start in fitting_starts(masks[season], problem.window_slots):
            fits[start].add(person)
    sets = {frozenset(people) for people in fits.values()}
    useful = [s for s in sets if len(s) >= problem.rules.min_size]
    kept = [s for s in useful if not any(s < other for other in useful)]
    return sorted(kept, key=lambda s: sorted(s))


def group_types(problem: Problem) -> tuple[GroupType, ...]:
    """The maximal types with room for a group, in a fixed order (by their fitting members)."""
    rules = problem.rules
    seasons = len(problem.masks[0]) if problem.masks else 0
    bands = [
        frozenset(
            i for i, p in enumerate(problem.people) if low <= p.level <= low + rules.level_spread
        )
        for low in sorted({p.level for p in problem.people})
    ]
    sets = {band for band in bands if len(band) >= rules.min_size}
    for season in range(seasons):
        windows = window_sets(problem, season)
        sets = {
            joint
            for fitting in sets
            for window in windows
            if len(joint := fitting & window) >= rules.min_size
        }
    kept = [s for s in sets if not any(s < other for other in sets)]
    return tuple(GroupType(s) for s in sorted(kept, key=lambda s: sorted(s)))


def type_of(kinds: tuple[GroupType, ...], members: tuple[int, ...]) -> int | None:
    """The first type a group fits wholly (None: it breaks a rule no type allows)."""
    return next((t for t, kind in enumerate(kinds) if kind.fitting.issuperset(members)), None)
