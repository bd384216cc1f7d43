"""The former's solver: the same seed gives the same groups, never worse than greedy, and an
honest account of whether it proved its answer."""

from __future__ import annotations

import random

import pytest

from plg_tui.core.formation.greedy import greedy
from plg_tui.core.formation.model import solve
from plg_tui.core.formation.problem import prepare
from plg_tui.core.formation.rules import FormRules
from plg_tui.core.formation.solution import breaches
from tests.core.formation_pools import person

pytest.importorskip("ortools")
MODULES = ("giving-feedback", "delegating", "one-on-ones", "leading-change")
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo")


def mixed_pool(size: int, seed: int = 5):
    rng = random.Random(seed)
    people = []
    for i in range(size):
        boss = f"p{rng.randrange(i)}" if i and rng.random() < 0.6 else ""
        people.append(
            person(
                f"p{i}",
                rng.randint(2, 6),
                boss=boss,
                department=rng.choice(("Eng", "Eng", "Sales", "Ops", "Finance")),
                zone=rng.choice(ZONES),
                topics=tuple(rng.sample(MODULES, 3)),
            )
        )
    return people


def test_the_same_seed_gives_the_same_groups_even_when_the_limit_stops_the_search():
    problem = prepare(mixed_pool(48), FormRules(), MODULES)
    first = solve(problem, 1.0, seed=3)
    second = solve(problem, 1.0, seed=3)
    assert first.groups == second.groups
    assert first.objective == second.objective


def test_the_solver_is_never_below_greedy_and_breaks_no_rule():
    problem = prepare(mixed_pool(40), FormRules(), MODULES)
    baseline = greedy(problem)
    found = solve(problem, 2.0, seed=1)
    assert breaches(problem, found.groups) == []
    assert breaches(problem, baseline.groups) == []
    assert found.score.placed >= baseline.score.placed
    assert found.objective >= baseline.objective
    assert found.bound >= found.objective
    assert found.proven_optimal or found.gap > 0 or found.bound == found.objective


def test_a_small_pool_is_proven_optimal():
    problem = prepare(mixed_pool(20), FormRules(min_size=3), MODULES)
    found = solve(problem, 10.0, seed=1)
    assert found.proven_optimal
    assert found.gap == 0
