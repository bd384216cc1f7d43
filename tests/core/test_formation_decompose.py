"""The decomposition: a master model over group types, each cell then split into groups. Its
answers are checked against set packing over every allowed group, which is exact on small
pools: the same optimum, and "proven" only when it truly is."""

from __future__ import annotations

import pytest

from plg_tui.core.formation.columns import allowed_groups
from plg_tui.core.formation.decompose import decompose
from plg_tui.core.formation.greedy import greedy
from plg_tui.core.formation.group_types import group_types
from plg_tui.core.formation.model import _configure, load_cp_model
from plg_tui.core.formation.packing import solve_packing
from plg_tui.core.formation.problem import prepare
from plg_tui.core.formation.rules import FormRules
from plg_tui.core.formation.solution import breaches, placed_weight
from tests.core.formation_pools import TOPIC, person
from tests.core.test_formation_solver import MODULES, mixed_pool

pytest.importorskip("ortools")


def decomposed(problem, budget=20.0):
    return decompose(
        load_cp_model(), problem, greedy(problem).groups, budget, lambda s, t: _configure(s, t, 1)
    )


def exact_optimum(problem):
    packed = solve_packing(
        load_cp_model(),
        problem,
        allowed_groups(problem),
        (),
        placed_weight(problem),
        lambda s: _configure(s, 60.0, 1),
    )
    assert packed is not None
    assert packed[1], "set packing proves small pools optimal"
    return packed[2]


def test_a_cell_that_cannot_be_split_because_of_a_reporting_line_forces_another_assignment():
    # M leads four of the six who want the same module; in groups of three M needs two others
    # who are not M's reports. The master first puts all six in two groups of that module,
    # which no split allows; it must learn that and bring in X (who wished for it second).
    pool = [
        person("m", 4),
        *(person(f"r{k}", 3, boss="m") for k in range(4)),
        person("o", 4),
        person("x", 4, topics=("delegating", TOPIC)),
    ]
    problem = prepare(pool, FormRules(min_size=3, max_size=3), (TOPIC, "delegating"))
    found = decomposed(problem)
    assert found.rounds >= 2
    assert breaches(problem, found.groups) == []
    assert sum(len(g.members) for g in found.groups) == 6
    assert found.proven
    assert found.objective == found.bound == exact_optimum(problem)


@pytest.mark.parametrize("seed", [5, 15, 21, 33])
@pytest.mark.parametrize(
    ("size", "rules"),
    [
        (14, FormRules(min_size=3)),
        (20, FormRules(min_size=3, separate_shared_manager=True)),
        (24, FormRules()),
    ],
)
def test_the_decomposition_finds_the_exact_optimum_and_proves_only_what_is_true(seed, size, rules):
    problem = prepare(mixed_pool(size, seed), rules, MODULES)
    found = decomposed(problem)
    optimum = exact_optimum(problem)
    assert breaches(problem, found.groups) == []
    assert found.objective <= optimum <= found.bound
    assert found.proven == (found.objective == found.bound)
    assert found.proven
    assert found.objective == optimum


def test_a_budget_too_small_to_prove_says_so():
    problem = prepare(mixed_pool(48), FormRules(), MODULES)
    found = decomposed(problem, budget=0.001)
    assert breaches(problem, found.groups) == []
    assert found.objective >= greedy(problem).objective
    assert found.bound > found.objective
    assert not found.proven


def test_every_allowed_group_lies_within_one_type():
    problem = prepare(mixed_pool(20, 3), FormRules(min_size=3), MODULES)
    kinds = group_types(problem)
    for column in allowed_groups(problem):
        assert any(kind.fitting.issuperset(column.members) for kind in kinds)
