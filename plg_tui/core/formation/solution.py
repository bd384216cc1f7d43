"""A formation: the groups, how good they are, and how sure the solver is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from plg_tui.core.formation.problem import WISH_WEIGHTS, Problem


@dataclass(frozen=True)
class FormedGroup:
    module: int  # index into Problem.modules
    members: tuple[int, ...]  # indexes into Problem.people, ascending


@dataclass(frozen=True)
class Score:
    placed: int
    wish: int
    department_pairs: int

    def total(self, placed_weight: int) -> int:
        return placed_weight * self.placed + self.wish - self.department_pairs


@dataclass(frozen=True)
class Formation:
    groups: tuple[FormedGroup, ...]
    score: Score
    method: str  # "CP-SAT" or "greedy"
    proven_optimal: bool
    objective: int
    bound: int  # the best objective still possible (== objective when proven)
    seconds: float

    @property
    def gap(self) -> float:
        """How far the bound lies above the objective, as a share of the bound."""
        if self.proven_optimal or self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)

    def placed(self) -> set[int]:
        return {m for g in self.groups for m in g.members}


def placed_weight(problem: Problem) -> int:
    """Placing one more candidate outweighs every wish and diversity point there is."""
    size = problem.rules.max_size
    pairs = problem.max_groups * size * (size - 1) // 2
    return 1 + WISH_WEIGHTS[0] * len(problem.people) + pairs


def department_pairs(problem: Problem, members: Sequence[int]) -> int:
    return sum(
        1
        for a, b in combinations(members, 2)
        if problem.departments[a] >= 0 and problem.departments[a] == problem.departments[b]
    )


def score(problem: Problem, groups: Sequence[FormedGroup]) -> Score:
    return Score(
        placed=sum(len(g.members) for g in groups),
        wish=sum(problem.weight(m, g.module) for g in groups for m in g.members),
        department_pairs=sum(department_pairs(problem, g.members) for g in groups),
    )


def ordered(groups: Sequence[FormedGroup]) -> tuple[FormedGroup, ...]:
    """Groups by their first member: the order the solver's symmetry breaking expects."""
    return tuple(sorted(groups, key=lambda g: g.members[0]))


def breaches(problem: Problem, groups: Sequence[FormedGroup]) -> list[str]:
    """Every hard rule a formation breaks, checked afresh from the candidates (empty: none)."""
    from plg_tui.core.formation.rules import (
        chain_conflict,
        level_conflict,
        manager_conflict,
        reporting_chains,
    )
    from plg_tui.core.formation.timewindow import group_windows

    rules = problem.rules
    chains = reporting_chains(problem.people + problem.unavailable)
    found: list[str] = []
    seen: set[int] = set()
    if len(groups) > problem.max_groups:
        found.append(f"{len(groups)} groups, more than the {problem.max_groups} allowed")
    for number, group in enumerate(groups, 1):
        where = f"g{number:02d}"
        if not rules.min_size <= len(group.members) <= rules.max_size:
            found.append(f"{where}: {len(group.members)} members")
        if not 0 <= group.module < len(problem.modules):
            found.append(f"{where}: no module")
        for member in group.members:
            if member in seen:
                found.append(f"{where}: {problem.people[member].email} is in two groups")
            seen.add(member)
        for a, b in combinations(group.members, 2):
            x, y = problem.people[a], problem.people[b]
            rule = chain_conflict(x, y, chains) or level_conflict(x, y, rules)
            rule = rule or manager_conflict(x, y, rules)
            if rule:
                found.append(f"{where}: {rule.rule}: {rule.detail}")
        zones = [problem.people[m].timezone for m in group.members]
        windows = group_windows(zones, rules)
        if any(w is None or w.minutes < rules.min_overlap_minutes for w in windows):
            found.append(f"{where}: no common window of {rules.min_overlap_minutes} minutes")
    return found
