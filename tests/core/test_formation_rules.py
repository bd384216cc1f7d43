"""Every hard rule of `plg form`, on pools built to tempt the solver into breaking it."""

from __future__ import annotations

import pytest

from plg_tui.core.formation.former import form
from plg_tui.core.formation.rules import FormRules
from plg_tui.core.formation.solution import breaches
from tests.core.formation_pools import TOPIC, person

pytest.importorskip("ortools")
MODULES = (TOPIC, "delegating")


def groups_of(result):
    return [
        {result.problem.people[m].email.split("@")[0] for m in g.members}
        for g in result.formation.groups
    ]


def solved(pool, rules=None, modules=MODULES):
    result = form(pool, rules or FormRules(), modules, time_limit=10, seed=1)
    assert breaches(result.problem, result.formation.groups) == []
    return result


def test_a_manager_and_their_skip_level_report_never_share_a_group():
    # a -> b -> c, b unavailable: the chain still runs through b. One group of six would
    # hold everyone; the rule forces two groups of three.
    pool = [
        person("a", 4),
        person("b", 4, boss="a", available=False),
        person("c", 4, boss="b"),
        *(person(k, 4) for k in "defg"),
    ]
    result = solved(pool, FormRules(min_size=3))
    groups = groups_of(result)
    assert result.formation.score.placed == 6
    assert not any({"a", "c"} <= g for g in groups)


def test_a_manager_outside_the_pool_links_nobody_but_a_chain_through_the_column_does():
    pool = [person("a", 4, boss="x"), person("c", 4, boss="a"), person("d", 4), person("e", 4)]
    result = solved(pool, FormRules(min_size=3))
    assert all(not {"a", "c"} <= g for g in groups_of(result))
    out = {result.problem.people[u.person].email for u in result.unplaced}
    assert out & {"a@example.org", "c@example.org"}


def test_levels_two_to_six_mixed_stay_within_the_spread():
    pool = [person(f"p{i}", 2 + i % 5) for i in range(20)]
    result = solved(pool, FormRules(min_size=3))
    for group in result.formation.groups:
        levels = [result.problem.people[m].level for m in group.members]
        assert max(levels) - min(levels) <= 1
    assert result.formation.score.placed == 20


def test_a_wider_level_spread_is_honoured_when_asked():
    pool = [person(f"p{i}", 2 + i % 3) for i in range(6)]  # levels 2, 3, 4
    result = solved(pool, FormRules(min_size=6, level_spread=2))
    assert result.formation.score.placed == 6
    narrow = solved(pool, FormRules(min_size=6))
    assert narrow.formation.score.placed == 0
    assert {u.rule for u in narrow.unplaced} == {"level spread"}


def test_members_twelve_time_zones_apart_are_never_together():
    pool = [person(f"b{i}", zone="Europe/Berlin") for i in range(3)] + [
        person(f"n{i}", zone="Pacific/Auckland") for i in range(3)
    ]
    result = solved(pool, FormRules(min_size=3))
    groups = groups_of(result)
    assert sorted(len(g) for g in groups) == [3, 3]
    for group in groups:
        assert len({name[0] for name in group}) == 1


def test_a_window_that_holds_in_january_but_not_in_july_is_not_enough():
    # Tokyo 09-18 is 00-09 UTC all year; Los Angeles 09-18 is 17-02 UTC in January (2 h
    # shared) but 16-01 UTC in July (1 h): daylight saving in one zone only.
    pool = [person(f"t{i}", zone="Asia/Tokyo") for i in range(2)] + [
        person(f"l{i}", zone="America/Los_Angeles") for i in range(2)
    ]
    result = solved(pool)
    assert result.formation.groups == ()
    assert {u.rule for u in result.unplaced} == {"time window"}
    relaxed = solved(pool, FormRules(min_overlap_minutes=60))
    assert relaxed.formation.score.placed == 4


def test_the_working_hours_are_each_members_own_and_configurable():
    pool = [person(f"t{i}", zone="Asia/Tokyo") for i in range(2)] + [
        person(f"b{i}", zone="Europe/Berlin") for i in range(2)
    ]
    assert solved(pool).formation.score.placed == 0
    from datetime import time

    late = FormRules(day_start=time(7, 0), day_end=time(21, 0))  # Tokyo 21:00 = Berlin 13:00
    assert solved(pool, late).formation.score.placed == 4


def test_a_department_holding_half_the_pool_is_spread_as_evenly_as_it_can_be():
    pool = [person(f"e{i}", department="Engineering") for i in range(6)] + [
        person(f"o{i}") for i in range(6)
    ]
    result = solved(pool)
    assert result.formation.proven_optimal
    assert result.formation.score.placed == 12
    # three groups of four, two engineers in each: three same-department pairs, the least
    assert result.formation.score.department_pairs == 3
    for group in groups_of(result):
        assert sum(name.startswith("e") for name in group) <= 2


def test_reports_of_one_manager_are_kept_apart_only_when_asked():
    pool = [person(f"r{i}", boss="boss") for i in range(4)] + [person(f"s{i}") for i in range(4)]
    together = solved(pool)
    assert together.formation.score.placed == 8
    apart = solved(pool, FormRules(min_size=4, separate_shared_manager=True))
    for group in groups_of(apart):
        assert sum(name.startswith("r") for name in group) <= 1
    rules = {u.rule for u in apart.unplaced}
    assert rules <= {"same manager"}


def test_sizes_stay_within_bounds_and_placing_people_comes_first():
    # Seven want delegating, one wants feedback: placing all eight beats giving everyone
    # their first choice.
    pool = [person(f"d{i}", topics=("delegating",)) for i in range(7)] + [person("f")]
    result = solved(pool, FormRules(min_size=4, max_size=5))
    sizes = sorted(len(g.members) for g in result.formation.groups)
    assert sizes == [4, 4]
    assert result.formation.score.placed == 8


def test_wishes_decide_the_module_when_the_rules_allow_it():
    pool = [person(f"d{i}", topics=("delegating", TOPIC)) for i in range(4)]
    result = solved(pool)
    (group,) = result.formation.groups
    assert result.problem.modules[group.module] == "delegating"


def test_at_most_the_asked_number_of_groups():
    pool = [person(f"p{i}") for i in range(12)]
    result = solved(pool, FormRules(min_size=3, max_groups=2))
    assert len(result.formation.groups) == 2
    assert result.formation.score.placed == 12


def test_the_breach_check_finds_a_broken_group():
    from plg_tui.core.formation.solution import FormedGroup

    pool = [person("a", 4), person("c", 5, boss="a"), person("d", 2), person("e", 4)]
    result = solved(pool, FormRules(min_size=3))
    found = breaches(result.problem, [FormedGroup(0, (0, 1, 2, 3))])
    assert any("reporting line" in b for b in found)
    assert any("level spread" in b for b in found)
