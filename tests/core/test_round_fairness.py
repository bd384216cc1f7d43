"""Equal slots stay equal: the floor, skips to the end, "you go next" (issue 11, §3)."""

import pytest

from plg_tui.core.speaker_slots import SpeakerStatus
from plg_tui.core.timers import RoundTimer
from tests.fakeclock import FakeClock

MEMBERS = ["ana", "ben", "cy", "dee"]


def started(phase=480.0, min_slot=60.0):
    clock = FakeClock()
    timer = RoundTimer(MEMBERS, phase, clock, min_slot_seconds=min_slot)
    timer.start()
    return timer, clock


def test_a_round_that_cannot_fit_gives_each_the_floor_and_says_how_far_it_runs_over():
    timer, clock = started()
    clock.advance(400)  # ana talks for 400 of the round's 480 s
    assert [s.allotted for s in timer.slots[1:]] == [60.0] * 3  # not 80/3 s each
    assert timer.over_by() == 100.0
    timer.next()
    assert timer.current.allotted == 60.0
    assert timer.remaining() == 60.0
    assert timer.over_by() == 100.0


def test_the_floor_is_the_equal_slot_when_that_is_smaller():
    timer, clock = started(phase=120.0, min_slot=60.0)
    clock.advance(200)
    timer.next()
    assert timer.current.allotted == 30.0


def test_plus_and_minus_redivide_the_others_live():
    timer, _clock = started()
    timer.adjust(60)
    assert [s.allotted for s in timer.slots[1:]] == [100.0] * 3
    assert timer.round_left() == 480.0
    timer.adjust(-120)
    assert [s.allotted for s in timer.slots[1:]] == [140.0] * 3


def test_next_on_someone_who_never_started_is_a_skip_not_done():
    clock = FakeClock()
    timer = RoundTimer(MEMBERS, 480.0, clock)
    timer.next()
    assert all(s.status is not SpeakerStatus.DONE for s in timer.slots)
    assert timer.members == ["ben", "cy", "dee", "ana"]


def test_skip_moves_to_the_end_and_a_second_skip_removes():
    timer, clock = started()
    clock.advance(10)
    timer.skip()
    assert timer.members == ["ben", "cy", "dee", "ana"]
    assert timer.running  # the floor passes on at once
    assert timer.current.member == "ben"
    assert timer.slots[3].used == 10.0
    timer.next()
    timer.next()
    timer.next()
    assert timer.current.member == "ana"
    timer.skip()
    assert timer.finished
    assert timer.skipped_members() == ["ana"]


def test_pick_next_puts_a_waiting_member_after_the_speaker():
    timer, clock = started()
    clock.advance(30)
    timer.pick_next("dee")
    assert timer.members == ["ana", "dee", "ben", "cy"]
    assert timer.current_used() == 30.0
    assert timer.running
    timer.next()
    assert timer.current.member == "dee"


def test_pick_next_replaces_a_current_speaker_who_has_not_started():
    clock = FakeClock()
    timer = RoundTimer(MEMBERS, 480.0, clock)
    timer.pick_next("cy")
    assert timer.members == ["cy", "ana", "ben", "dee"]
    assert timer.current.member == "cy"
    assert timer.current.status is SpeakerStatus.WAITING
    assert timer.waiting_members() == ["ana", "ben", "dee"]


def test_pick_next_refuses_someone_not_waiting():
    timer, _clock = started()
    with pytest.raises(ValueError, match="still waiting"):
        timer.pick_next("ana")


def test_deferred_and_floor_survive_a_resume():
    timer, clock = started(min_slot=90.0)
    timer.skip()
    again = RoundTimer.from_dict(timer.to_dict(), clock)
    assert again.min_slot == 90.0
    assert again.slots[3].deferred


def test_the_session_gives_its_rounds_the_configured_floor():
    from plg_tui.core.module_model import Phase
    from plg_tui.core.person import Person
    from plg_tui.core.session import SessionModel

    people = [Person(f"{m}@example.org", m.title()) for m in MEMBERS]
    phase = Phase(name="Round", minutes=8, kind="round", script="")
    model = SessionModel("1", [phase], people, FakeClock(), min_slot_seconds=90.0)
    model.agreed = dict.fromkeys(model.agreed, True)
    model.facilitator = people[0].key
    model.begin()
    assert model.round.min_slot == 90.0
    model.pick_next_speaker(people[3].key)
    assert model.current_speaker == people[3].key  # ana had not started: dee goes first
    assert model.waiting_speakers == [p.key for p in people[:3]]
