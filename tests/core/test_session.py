"""The session app's state model: lobby rules, phases, rounds, tallies, and save/restore."""

from __future__ import annotations

import json

import pytest

from plg_tui.core.groups import default_kind
from plg_tui.core.modules import load_module
from plg_tui.core.person import Person
from plg_tui.core.session import SessionModel
from plg_tui.core.session_state import SessionStateError, restore_session, session_state
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
    with pytest.raises(ValueError, match="choose today's facilitator"):
        model.begin()
    ready(model).begin()
    assert model.stage == "agenda"
    assert model.phase_index == 0


def test_an_absent_member_loses_agreement_and_facilitation_and_is_left_out_of_rounds(clock):
    model = ready(session_one(clock))
    model.toggle_present(PEOPLE[0].key)
    assert model.facilitator is None
    assert model.agreed[PEOPLE[0].key] is False
    with pytest.raises(ValueError, match="facilitator must be present"):
        model.set_facilitator(PEOPLE[0].key)
    with pytest.raises(ValueError, match="only a present member can agree"):
        model.toggle_agreement(PEOPLE[0].key)
    model.set_facilitator(PEOPLE[1].key)
    model.begin()
    assert model.round is not None
    assert model.round.members == [PEOPLE[1].key, PEOPLE[2].key]
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
    assert model.round is not None
    assert model.round is not model.rounds[0]
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
    state = json.loads(json.dumps(session_state(model)))
    clock.advance(9)  # the app was down
    phases = load_module("giving-feedback").session1
    restored = restore_session("1", phases, PEOPLE, state, clock, clock.wall)
    timer = restored.round
    assert restored.stage == "agenda"
    assert restored.facilitator == PEOPLE[0].key
    assert timer.current.member == PEOPLE[1].key
    assert not timer.running
    assert timer.current_used() == 15.0
    assert timer.time_lost == 9.0
    assert restored.time_lost == 9.0
    assert restored.agenda.elapsed() == 64.0  # the call went on while the app was down
    assert (restored.rating_count, restored.rating_sum, restored.votes) == (1, 4, {"delegating": 1})
    assert restored.pairs == model.pairs


def test_a_damaged_or_foreign_state_is_refused(clock):
    model = ready(session_one(clock))
    model.begin()
    state = session_state(model)
    phases = load_module("giving-feedback").session1
    with pytest.raises(SessionStateError):
        restore_session("1", phases, PEOPLE, {**state, "version": 99}, clock)
    with pytest.raises(SessionStateError):
        restore_session("1", phases, PEOPLE, {"stage": "agenda", "version": 1}, clock)
    with pytest.raises(SessionStateError):  # saved for another agenda
        restore_session("1", phases[:3], PEOPLE, state, clock)


def test_ratings_are_an_anonymous_aggregate(clock):
    model = session_one(clock)
    for value in (5, 3, 4):
        model.add_rating(value)
    model.undo_rating(4)
    assert (model.rating_count, model.rating_sum, model.rating_average) == (2, 8, 4.0)
    with pytest.raises(ValueError, match="a rating is 1 to 5"):
        model.add_rating(6)
    state = session_state(model)
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


# ---- the rules the screens dispatch to (they only render) ---------------------------------


def test_attendance_mid_session_keeps_two_members_present(clock):
    model = ready(session_one(clock))
    model.begin()
    model.toggle_attendance(PEOPLE[2].key)
    assert model.present_keys() == [PEOPLE[0].key, PEOPLE[1].key]
    with pytest.raises(ValueError, match="At least two members must stay present"):
        model.toggle_attendance(PEOPLE[1].key)
    assert model.present_keys() == [PEOPLE[0].key, PEOPLE[1].key]
    model.toggle_attendance(PEOPLE[2].key)  # back from the call they had to take
    assert model.agreed[PEOPLE[2].key] is True  # arriving back does not undo the agreement


def test_round_commands_drive_the_current_speaker_and_refuse_outside_a_round(clock):
    model = ready(session_one(clock))
    model.begin()
    assert model.round_open
    assert not model.has_previous_speaker
    assert model.current_speaker == PEOPLE[0].key
    model.toggle_timer()
    clock.advance(30)
    model.next_speaker()
    assert model.current_speaker == PEOPLE[1].key
    assert model.has_previous_speaker
    model.previous_speaker()
    assert model.current_speaker == PEOPLE[0].key
    model.skip_speaker()
    model.add_speaker_minute()
    assert model.round.current.allotted > model.round.slots[2].allotted
    model.remove_speaker_minute()
    model.goto_phase(2)  # an open phase: no speaker to move on
    assert not model.round_open
    assert model.current_speaker is None
    with pytest.raises(ValueError, match="not a round phase"):
        model.next_speaker()


def test_starting_the_timer_clears_the_time_lost_on_resume(clock):
    model = ready(session_one(clock))
    model.begin()
    model.toggle_timer()
    clock.advance(20)
    phases = load_module("giving-feedback").session1
    restored = restore_session("1", phases, PEOPLE, session_state(model), clock, clock.wall)
    restored.round.time_lost = 7.0
    restored.toggle_timer()
    assert restored.round.running
    assert restored.time_lost == 0.0


def test_next_phase_after_the_last_goes_to_the_close_and_previous_stops_at_the_first(clock):
    model = ready(session_one(clock))
    model.begin()
    model.previous_phase()
    assert model.phase_index == 0
    assert not model.has_previous_phase
    for _ in model.phases[1:]:
        model.next_phase()
    assert model.is_last_phase
    assert model.stage == "agenda"
    model.next_phase()
    assert model.stage == "close"


def test_a_capture_is_for_the_speaker_the_next_member_waiting_or_the_group(clock):
    model = ready(session_one(clock))
    model.begin()
    model.goto_phase(1)  # "Our feedback challenges": a round capturing challenges
    assert model.capture_kind == "challenge"
    assert model.capture_member(set()) == PEOPLE[0].key
    model.goto_phase(2)  # an open phase: notes, which belong to the group
    assert (model.capture_kind, model.capture_member(set())) == ("notes", None)
    model.goto_phase(4)  # "Commitments": a capture phase goes round those without one yet
    assert model.capture_kind == "commitment"
    assert model.capture_member({PEOPLE[0].key}) == PEOPLE[1].key
    assert model.capture_member({p.key for p in PEOPLE}) is None


def test_journal_is_offered_only_in_a_live_round_of_session_two(clock):
    one = ready(session_one(clock))
    one.begin()
    assert not one.journal_available
    two = SessionModel("2", load_module("giving-feedback").session2, PEOPLE, clock, clock.wall)
    ready(two).begin()
    assert two.journal_available


def test_pairs_typed_by_name_must_cover_the_roster(clock):
    model = session_one(clock)
    groups, problems = model.parse_pairs("Ada + grace & Linus")
    assert problems == []
    assert groups == [[p.key for p in PEOPLE]]
    assert model.parse_pairs("Ada + Zed")[1] == ["'Zed' is not a member of this group"]
    assert model.set_pairs([[PEOPLE[0].key, PEOPLE[1].key]]) != []
    assert model.pairs == []
    assert model.close_problems() == ["Agree on practice partners first."]
    assert model.set_pairs(groups) == []
    assert model.pairs == groups
    assert model.close_problems() == []


def test_session_two_date_is_checked_in_the_group_time_zone(clock):
    from plg_tui.core.groups import GroupError

    model = session_one(clock)
    with pytest.raises(GroupError):
        model.set_session2_date("next Tuesday", "Europe/Rome")
    assert model.session2_date is None
    model.set_session2_date("2031-03-04T14:00", "Europe/Rome", allow_gap=True)
    assert model.session2_date == "2031-03-04T14:00"


def test_each_rating_can_be_taken_back_in_turn_and_the_order_is_never_saved(clock):
    model = session_one(clock)
    model.add_rating(2)
    model.add_rating(5)
    assert model.undo_last_tally() == "rating"
    assert (model.rating_count, model.rating_sum) == (1, 2)
    model.undo_last_tally()
    assert (model.rating_count, model.rating_sum) == (0, 0)
    with pytest.raises(ValueError, match="no rating or vote to take back"):
        model.undo_last_tally()
    model.add_rating(4)
    assert "tally_log" not in json.dumps(session_state(model))
