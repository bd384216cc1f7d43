"""A pool prepared for forming: who may sit with whom, who fits which window, who wants what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plg_tui.core.formation.rules import (
    Candidate,
    FormRules,
    PairRule,
    chain_conflict,
    level_conflict,
    manager_conflict,
    reporting_chains,
)
from plg_tui.core.formation.timewindow import common_mask, has_window, window_length, working_masks

# a first choice is worth 3, a second 2, a third 1; later ranks and unranked modules nothing
WISH_WEIGHTS = (3, 2, 1)


def wish_weight(rank: int | None) -> int:
    if rank is None or rank > len(WISH_WEIGHTS):
        return 0
    return WISH_WEIGHTS[rank - 1]


@dataclass(frozen=True)
class Problem:
    people: tuple[Candidate, ...]  # the available candidates, in pool order
    unavailable: tuple[Candidate, ...]
    modules: tuple[str, ...]
    rules: FormRules
    masks: tuple[tuple[int, ...], ...]  # per person: one working-hours mask per season
    ranks: tuple[dict[int, int], ...]  # per person: module index -> rank (1 = most wanted)
    conflicts: dict[tuple[int, int], PairRule]  # (i, j), i < j: may not share a group
    departments: tuple[int, ...]  # per person: department index (-1: none given)
    window_slots: int

    @property
    def max_groups(self) -> int:
        fit = len(self.people) // self.rules.min_size
        return fit if self.rules.max_groups is None else min(fit, self.rules.max_groups)

    def weight(self, person: int, module: int) -> int:
        return wish_weight(self.ranks[person].get(module))

    def conflict(self, i: int, j: int) -> PairRule | None:
        return self.conflicts.get((i, j) if i < j else (j, i))

    def shares_window(self, members: Sequence[int]) -> bool:
        return all(
            has_window(common_mask(self.masks[m][season] for m in members), self.window_slots)
            for season in range(len(self.masks[0]) if self.masks else 0)
        )

    def fits(self, person: int, members: Sequence[int]) -> bool:
        """May `person` join `members` (pair rules and the common window)?"""
        if any(self.conflict(person, m) for m in members):
            return False
        return self.shares_window([*members, person])


def prepare(pool: Sequence[Candidate], rules: FormRules, modules: Sequence[str]) -> Problem:
    people = tuple(c for c in pool if c.available)
    module_index = {module: k for k, module in enumerate(modules)}
    chains = reporting_chains(pool)
    length = window_length(rules)
    masks = tuple(working_masks(p.timezone, rules) for p in people)
    ranks = tuple(
        {
            module_index[t]: rank
            for rank, t in enumerate(_first_mentions(p.topics), 1)
            if t in module_index
        }
        for p in people
    )
    conflicts: dict[tuple[int, int], PairRule] = {}
    for i, a in enumerate(people):
        for j in range(i + 1, len(people)):
            b = people[j]
            found = (
                chain_conflict(a, b, chains)
                or level_conflict(a, b, rules)
                or manager_conflict(a, b, rules)
            )
            if found is None and not all(
                has_window(masks[i][s] & masks[j][s], length) for s in range(len(masks[i]))
            ):
                found = PairRule("time window", f"{a.timezone} and {b.timezone} share no window")
            if found is not None:
                conflicts[(i, j)] = found
    department_index: dict[str, int] = {}
    departments = tuple(
        department_index.setdefault(p.department.casefold(), len(department_index))
        if p.department
        else -1
        for p in people
    )
    return Problem(
        people=people,
        unavailable=tuple(c for c in pool if not c.available),
        modules=tuple(modules),
        rules=rules,
        masks=masks,
        ranks=ranks,
        conflicts=conflicts,
        departments=departments,
        window_slots=length,
    )


def _first_mentions(topics: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for topic in topics:
        if topic not in seen:
            seen.append(topic)
    return seen
