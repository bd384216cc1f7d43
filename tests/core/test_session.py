"""The session app's state model: lobby rules, phases, rounds, tallies, and save/restore."""

from __future__ import annotations

import json

import pytest

from plg_tui.core.groups import default_kind
from plg_tui.core.modules import load_module
from plg_tui.core.session import (
    Person,
    SessionModel,
    SessionStateError,
)
from plg_tui.vault.records import GroupInfo
from tests.fakeclock import FakeClock

PEOPLE = [
    Person("ada@example.org", "Ada Lovelace"),
    Person("grace@example.org", "Grace Hopper"),
    Person("linus@example.org", "Linus Park"),
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(500.0)


def session_one(clock: FakeClock) -> SessionModel:
    return SessionModel("1", load_module("giving-feedback").session1, PEOPLE, clock, clock.wall)


def ready(model: SessionModel) -> SessionModel:
    model.facilitator = PEOPLE[0].key
    for person in PEOPLE:
        model.toggle_agreement(person.key)
    return model


def test_the_session_starts_only_with_a_facilitator_and_every_agreement(clock):
    model = session_one(clock)
    problems = model.lobby_problems()
    assert "choose today's facilitator" in problems
    assert any("Ada, Grace, Linus" in p for p in problems)
    with pytest.raises(ValueError):
        model.begin()
    ready(model).begin()
    assert model.stage == "agenda" and model.phase_index == 0


def test_an_absent_member_loses_agreement_and_facilitation_and_is_left_out_of_rounds(clock):
    model = ready(session_one(clock))
    model.toggle_present(PEOPLE[0].key)
    assert model.facilitator is None and model.agreed[PEOPLE[0].key] is False
    with pytest.raises(ValueError):
        model.set_facilitator(PEOPLE[0].key)
    with pytest.raises(ValueError):
        model.toggle_agreement(PEOPLE[0].key)
    model.set_facilitator(PEOPLE[1].key)
    model.begin()
    assert model.round is not None and model.round.members == [PEOPLE[1].key, PEOPLE[2].key]
    assert model.round.phase_seconds == 8 * 60


def test_two_members_at_least(clock):
    model = ready(session_one(clock))
    model.toggle_present(PEOPLE[1].key)
    model.toggle_present(PEOPLE[2].key)
    assert "at least two members must be present" in model.lobby_problems()


def test_leaving_a_round_phase_pauses_its_timer_and_talk_time_adds_up(clock):
    model = ready(session_one(clock))
    model.begin()
    model.round.start()
    clock.advance(50)
    model.round.next()
    clock.advance(20)
    model.goto_phase(1)
    assert not model.rounds[0].running
    assert model.round is not None and model.round is not model.rounds[0]
    model.round.start()
    clock.advance(30)
    assert model.talk_time() == {PEOPLE[0].key: 80.0, PEOPLE[1].key: 20.0, PEOPLE[2].key: 0.0}
    model.goto_phase(2)
    assert model.round is None  # an open phase has no speaker timer
    model.goto_phase(1)
    assert model.round is model.rounds[1]  # coming back keeps the round as it was


def test_state_round_trips_through_json_and_resumes_paused_with_time_lost(clock):
    model = ready(session_one(clock))
    model.begin()
    model.round.start()
    clock.advance(40)
    model.round.next()
    clock.advance(15)
    model.add_rating(4)
    model.add_vote("delegating")
    model.pairs = [[PEOPLE[0].key, PEOPLE[1].key, PEOPLE[2].key]]
    state = json.loads(json.dumps(model.to_state()))
    clock.advance(9)  # the app was down
    phases = load_module("giving-feedback").session1
    restored = SessionModel.from_state("1", phases, PEOPLE, state, clock, clock.wall)
    timer = restored.round
    assert restored.stage == "agenda" and restored.facilitator == PEOPLE[0].key
    assert timer.current.member == PEOPLE[1].key and not timer.running
    assert timer.current_used() == 15.0 and timer.time_lost == 9.0
    assert restored.time_lost == 9.0
    assert restored.agenda.elapsed() == 64.0  # the call went on while the app was down
    assert (restored.rating_count, restored.rating_sum, restored.votes) == (1, 4, {"delegating": 1})
    assert restored.pairs == model.pairs


def test_a_damaged_or_foreign_state_is_refused(clock):
    model = ready(session_one(clock))
    model.begin()
    state = model.to_state()
    phases = load_module("giving-feedback").session1
    with pytest.raises(SessionStateError):
        SessionModel.from_state("1", phases, PEOPLE, {**state, "version": 99}, clock)
    with pytest.raises(SessionStateError):
        SessionModel.from_state("1", phases, PEOPLE, {"stage": "agenda", "version": 1}, clock)
    with pytest.raises(SessionStateError):  # saved for another agenda
        SessionModel.from_state("1", phases[:3], PEOPLE, state, clock)


def test_ratings_are_an_anonymous_aggregate(clock):
    model = session_one(clock)
    for value in (5, 3, 4):
        model.add_rating(value)
    model.undo_rating(4)
    assert (model.rating_count, model.rating_sum, model.rating_average) == (2, 8, 4.0)
    with pytest.raises(ValueError):
        model.add_rating(6)
    state = model.to_state()
    assert state["ratings"] == {"count": 2, "sum": 8}


@pytest.mark.parametrize(
    ("info", "in_progress", "expected"),
    [
        ({}, [], "1"),
        ({"session1_held": True}, [], "2"),
        ({"session1_held": True, "session2_held": True}, [], None),
        ({"session1_held": True}, ["trust"], "trust"),
        ({}, ["2"], "2"),
    ],
)
def test_default_kind(info, in_progress, expected):
    record = {"module": "m", "session1": "2026-01-01T10:00", "session2": "2026-02-01T10:00"}
    group = GroupInfo.from_record({**record, **info})
    assert default_kind(group, in_progress) == expected
