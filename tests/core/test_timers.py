import json
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plg_tui.core.agenda import AgendaClock, PhasePlan
from plg_tui.core.speaker_slots import SpeakerStatus
from plg_tui.core.timers import RoundTimer
from tests.fakeclock import FakeClock


def dyadic(rng: random.Random, low: float, high: float) -> float:
    """Seconds in steps of 1/1024: sums of these are exact in binary floating point."""
    return rng.randint(math.ceil(low * 1024), math.floor(high * 1024)) / 1024


MEMBERS = ["ana", "ben", "cy", "dee"]


def started_timer(members=MEMBERS, phase=480.0):
    clock = FakeClock()
    timer = RoundTimer(members, phase, clock)
    timer.start()
    return timer, clock


# ---- basics ---------------------------------------------------------------------------------


def test_equal_slots_and_first_member_waits_until_start():
    clock = FakeClock()
    timer = RoundTimer(MEMBERS, 480, clock)
    assert [s.allotted for s in timer.slots] == [120.0] * 4
    assert timer.current_index == 0
    assert timer.current.status is SpeakerStatus.WAITING
    assert not timer.running
    clock.advance(50)
    assert timer.remaining() == 120.0
    timer.start()
    assert timer.current.status is SpeakerStatus.SPEAKING
    clock.advance(50)
    assert timer.remaining() == 70.0
    assert timer.current_used() == 50.0
    assert not timer.redivided()


def test_pause_freezes_remaining_and_toggle_resumes():
    timer, clock = started_timer()
    clock.advance(30)
    timer.toggle()
    assert not timer.running
    clock.advance(500)
    assert timer.remaining() == 90.0
    timer.toggle()
    clock.advance(10)
    assert timer.remaining() == 80.0


def test_remaining_is_a_deadline_not_a_counter():
    timer, clock = started_timer()
    clock.advance(7.25)
    assert timer.deadline() == pytest.approx(clock.now + timer.remaining())
    timer.pause()
    assert timer.deadline() is None


def test_next_redivides_the_rest_of_the_phase_among_waiting_members():
    timer, clock = started_timer()
    clock.advance(180)  # 60 s over
    timer.next()
    assert [s.status for s in timer.slots] == [
        SpeakerStatus.DONE,
        SpeakerStatus.SPEAKING,
        SpeakerStatus.WAITING,
        SpeakerStatus.WAITING,
    ]
    assert [s.allotted for s in timer.slots[1:]] == [100.0, 100.0, 100.0]
    assert timer.slots[0].used == 180.0
    assert timer.redivided()
    assert timer.running
    clock.advance(40)
    assert timer.remaining() == 60.0


def test_finishing_early_gives_the_others_more():
    timer, clock = started_timer()
    clock.advance(60)
    timer.next()
    assert [s.allotted for s in timer.slots[1:]] == [140.0, 140.0, 140.0]


def test_skip_absent_member_twice_shares_their_slot():
    timer, _clock = started_timer()
    timer.skip()  # to the end of the queue first
    assert timer.members == ["ben", "cy", "dee", "ana"]
    for _ in range(3):
        timer.next()
    timer.skip()  # skipped again: out of the round
    assert timer.finished
    assert timer.slots[3].status is SpeakerStatus.SKIPPED
    assert timer.slots[3].used == 0.0
    assert timer.skipped_members() == ["ana"]


def test_when_nothing_remains_the_next_speaker_still_gets_the_floor():
    timer, clock = started_timer(["ana", "ben"], 120)
    clock.advance(150)
    timer.next()
    assert timer.current.allotted == 60.0  # the floor: the equal slot, as it is under 1 min
    assert timer.over_by() == 90.0
    assert not timer.take_bell()
    clock.advance(61)
    assert timer.take_bell()
    assert timer.is_overtime
    assert timer.remaining() == -1.0


def test_next_while_paused_leaves_the_new_speaker_waiting_and_paused():
    timer, clock = started_timer()
    clock.advance(100)
    timer.pause()
    timer.next()
    assert not timer.running
    assert timer.current.status is SpeakerStatus.WAITING
    clock.advance(100)
    assert timer.current_used() == 0.0


def test_previous_returns_the_floor_and_keeps_everyones_time():
    timer, clock = started_timer()
    clock.advance(100)
    timer.next()
    clock.advance(20)
    timer.previous()
    assert timer.current.member == "ana"
    assert timer.current.status is SpeakerStatus.SPEAKING
    assert timer.running
    clock.advance(5)
    assert timer.current_used() == 105.0
    assert timer.slots[1].status is SpeakerStatus.WAITING
    assert timer.slots[1].used == 20.0
    timer.next()
    # ben already used 20 s of his share; the shares still add up to the phase
    assert [s.allotted for s in timer.slots[1:]] == [125.0, 125.0, 125.0]
    clock.advance(5)
    assert timer.current_used() == 25.0
    assert timer.remaining() == 100.0


def test_previous_at_the_first_speaker_does_nothing():
    timer, clock = started_timer()
    clock.advance(10)
    timer.previous()
    assert timer.current_index == 0
    assert timer.current_used() == 10.0


def test_previous_after_the_last_speaker_reopens_them_paused():
    timer, clock = started_timer(["ana", "ben"], 120)
    clock.advance(60)
    timer.next()
    clock.advance(30)
    timer.next()
    assert timer.finished
    assert not timer.running
    assert timer.current_index is None
    assert timer.remaining() == 0.0
    timer.next()  # no-op once finished
    timer.previous()
    assert timer.current.member == "ben"
    assert not timer.running
    assert timer.current.status is SpeakerStatus.SPEAKING
    assert timer.current_used() == 30.0


def test_adjust_redivides_the_rest_and_never_goes_below_zero():
    timer, _clock = started_timer()
    timer.adjust(60)
    assert [s.allotted for s in timer.slots] == [180.0, 100.0, 100.0, 100.0]
    assert timer.redivided()
    timer.adjust(-60)
    timer.adjust(-60)
    assert timer.current.allotted == 60.0
    assert [s.allotted for s in timer.slots[1:]] == [140.0] * 3
    timer.adjust(-600)
    assert timer.current.allotted == 0.0


def test_shuffle_reorders_only_members_who_have_not_spoken():
    timer, clock = started_timer(["ana", "ben", "cy", "dee", "eve", "fay"], 600)
    clock.advance(10)
    timer.next()
    clock.advance(10)
    timer.next()
    clock.advance(5)
    timer.previous()  # ben is current again; cy has spoken 5 s
    timer.shuffle(random.Random(7))
    assert timer.members[:3] == ["ana", "ben", "cy"]
    assert sorted(timer.members[3:]) == ["dee", "eve", "fay"]
    orders = set()
    for seed in range(20):
        other = RoundTimer(["ana", "ben", "cy", "dee", "eve", "fay"], 600, FakeClock())
        other.shuffle(random.Random(seed))
        orders.add(tuple(other.members))
    assert len(orders) > 5


def test_shuffle_is_deterministic_given_rng():
    first = RoundTimer(MEMBERS, 480, FakeClock())
    second = RoundTimer(MEMBERS, 480, FakeClock())
    first.shuffle(random.Random(3))
    second.shuffle(random.Random(3))
    assert first.members == second.members


def test_bell_rings_once_per_speaker():
    timer, clock = started_timer(["ana", "ben"], 120)
    clock.advance(59)
    assert not timer.take_bell()
    clock.advance(1)
    assert timer.take_bell()
    assert not timer.take_bell()
    clock.advance(30)
    assert not timer.take_bell()
    timer.adjust(60)
    clock.advance(60)
    assert not timer.take_bell()
    timer.next()
    clock.advance(100)
    assert timer.take_bell()


def test_bell_does_not_ring_for_a_speaker_who_has_not_started():
    clock = FakeClock()
    timer = RoundTimer(["ana"], 0, clock)
    assert not timer.take_bell()
    timer.start()
    assert timer.take_bell()


def test_last_minute_and_overtime_flags():
    timer, clock = started_timer()
    clock.advance(59)
    assert not timer.in_last_minute
    clock.advance(1)
    assert timer.in_last_minute
    clock.advance(60)
    assert not timer.in_last_minute
    assert not timer.is_overtime
    clock.advance(0.5)
    assert timer.is_overtime


def test_phase_remaining_and_talk_time_include_the_running_speaker():
    timer, clock = started_timer()
    clock.advance(100)
    timer.next()
    clock.advance(30)
    assert timer.talk_time() == {"ana": 100.0, "ben": 30.0, "cy": 0.0, "dee": 0.0}
    assert timer.phase_remaining() == 350.0


@pytest.mark.parametrize(
    ("members", "phase", "reason"),
    [
        ([], 100, "at least one member"),
        (["ana", "ana"], 100, "appears more than once"),
        (["ana"], -1, "finite number >= 0"),
        (["ana"], math.inf, "finite number >= 0"),
    ],
)
def test_bad_construction_is_refused(members, phase, reason):
    with pytest.raises(ValueError, match=reason):
        RoundTimer(members, phase, FakeClock())


# ---- resume ---------------------------------------------------------------------------------


def test_resume_restores_paused_with_frozen_times_and_reports_time_lost():
    clock = FakeClock()
    wall = [5_000.0]
    timer = RoundTimer(MEMBERS, 480, clock, wall=lambda: wall[0])
    timer.start()
    clock.advance(100)
    timer.next()
    clock.advance(25)
    saved = json.loads(json.dumps(timer.to_dict()))
    wall[0] += 42.5
    new_clock = FakeClock(3.0)  # a new process: its monotonic clock has another origin
    restored = RoundTimer.from_dict(saved, new_clock, wall=lambda: wall[0])
    assert not restored.running
    assert restored.time_lost == 42.5
    assert restored.current.member == "ben"
    assert restored.current.status is SpeakerStatus.SPEAKING
    new_clock.advance(1000)
    assert restored.talk_time() == {"ana": 100.0, "ben": 25.0, "cy": 0.0, "dee": 0.0}
    assert [s.allotted for s in restored.slots] == [120.0, 380 / 3, 380 / 3, 380 / 3]
    restored.start()
    new_clock.advance(5)
    assert restored.current_used() == 30.0
    restored.next()
    assert restored.slots[1].status is SpeakerStatus.DONE


def test_resume_of_a_paused_timer_loses_no_time_and_keeps_the_bell():
    timer, clock = started_timer(["ana", "ben"], 60)
    clock.advance(45)
    assert timer.take_bell()
    timer.pause()
    saved = timer.to_dict()
    restored = RoundTimer.from_dict(saved, FakeClock(), wall=lambda: saved["saved_wall"] + 99)
    assert restored.time_lost == 0.0
    restored.start()
    assert not restored.take_bell()
    assert restored.remaining() == -15.0


def test_to_dict_does_not_stop_the_timer():
    timer, clock = started_timer()
    clock.advance(10)
    timer.to_dict()
    clock.advance(10)
    assert timer.running
    assert timer.current_used() == 20.0


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("slots"),
        lambda d: d.update(version=99),
        lambda d: d.update(current_index=17),
        lambda d: d["slots"][0].update(status="dancing"),
    ],
)
def test_malformed_state_is_refused(damage):
    timer, _ = started_timer()
    data = timer.to_dict()
    damage(data)
    with pytest.raises(ValueError, match="round timer state"):
        RoundTimer.from_dict(data, FakeClock())


# ---- the session simulation the issue asks for ----------------------------------------------


def _run_round(clock, rng, members, phase, absent, pause_speaker, tick):
    """Drive a round as the UI would: keys land on the first tick after the planned moment.

    Returns the largest display error seen. Every expected value comes from this model, not
    from the timer.
    """
    n = len(members)
    allot = {m: phase / n for m in members}
    allotted_at_turn = {}
    used = {m: 0.0 for m in members}
    done = []
    worst = 0.0
    timer = RoundTimer(members, phase, clock)
    timer.start()
    for k, member in enumerate(members):
        assert timer.current.member == member
        allotted_at_turn[member] = allot[member]
        if member in absent:  # the last in the queue: a skip moves them to the end, a second
            timer.skip()  # takes them out of the round
            timer.skip()
        else:
            speak_for = dyadic(rng, 10, max(10.0, 1.5 * allot[member]))
            seg_start, banked, running = clock.now, 0.0, True
            paused_once, resume_at, rung = False, 0.0, False
            while True:
                tick()
                live = banked + (clock.now - seg_start if running else 0.0)
                expected = allot[member] - live
                worst = max(worst, abs(timer.remaining() - expected))
                assert timer.take_bell() == (expected <= 0 and not rung)
                rung = rung or expected <= 0
                spent_before = sum(used[d] for d in done)
                assert timer.phase_remaining() == pytest.approx(phase - spent_before - live)
                if running and live >= speak_for:
                    break
                if k == pause_speaker and running and not paused_once and live >= speak_for / 2:
                    timer.pause()
                    banked, running, paused_once = live, False, True
                    resume_at = clock.now + 30
                elif not running and clock.now >= resume_at:
                    timer.start()
                    seg_start, running = clock.now, True
            used[member] = banked + (clock.now - seg_start)
            timer.next()
        done.append(member)
        waiting = members[k + 1 :]
        if waiting:
            pool = phase - sum(used[d] for d in done)
            for w in waiting:
                allot[w] = max(pool / len(waiting), min(60.0, phase / n))
            assert [s.allotted for s in timer.slots[k + 1 :]] == [allot[w] for w in waiting]
    assert timer.finished
    assert timer.talk_time() == used
    for slot in timer.slots:
        overtime = used[slot.member] - allotted_at_turn[slot.member]
        assert slot.used - slot.allotted == overtime
    return worst


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulated_90_minute_session_with_event_loop_stalls(seed):
    rng = random.Random(seed)
    clock = FakeClock(12_345.0)
    plan = [
        PhasePlan("check-in", 600),
        PhasePlan("challenges", 2400),
        PhasePlan("technique", 900),
        PhasePlan("commitments", 1200),
        PhasePlan("close", 300),
    ]
    rounds = {
        "challenges": (["ana", "ben", "cy", "dee", "eve"], {"eve"}, 3),
        "commitments": (["eve", "dee", "ben", "ana"], set(), 0),
    }
    agenda = AgendaClock(plan, clock)
    agenda.start_session()
    session_start = clock.now
    phase_start = clock.now
    actual = [0.0] * len(plan)
    worst = 0.0

    def tick():
        clock.advance(dyadic(rng, 0, 2))
        index = agenda.current_index
        assert agenda.elapsed() == clock.now - session_start
        assert agenda.actual_seconds(index) == clock.now - phase_start
        left = max(plan[index].planned_seconds - (clock.now - phase_start), 0.0)
        later = sum(p.planned_seconds for p in plan[index + 1 :])
        expected_total = (clock.now - session_start) + left + later
        assert agenda.ahead_behind() == pytest.approx(5400 - expected_total, abs=1e-9)

    for index, phase in enumerate(plan):
        if phase.name in rounds:
            members, absent, pause_speaker = rounds[phase.name]
            worst = max(
                worst,
                _run_round(clock, rng, members, phase.planned_seconds, absent, pause_speaker, tick),
            )
        else:
            end = clock.now + dyadic(rng, 0.8 * phase.planned_seconds, 1.2 * phase.planned_seconds)
            while clock.now < end:
                tick()
        actual[index] = clock.now - phase_start
        if index + 1 < len(plan):
            agenda.goto(index + 1)
            phase_start = clock.now
    agenda.end_session()
    clock.advance(100)
    assert worst <= 0.1
    assert [agenda.actual_seconds(i) for i in range(len(plan))] == actual
    assert agenda.elapsed() == sum(actual)
    assert agenda.ahead_behind() == pytest.approx(5400 - sum(actual), abs=1e-9)


# ---- properties -----------------------------------------------------------------------------

actions = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.integers(0, 400 * 1024).map(lambda n: n / 1024)),
        st.tuples(
            st.sampled_from(["next", "skip", "toggle", "previous", "plus", "minus", "pick"]),
            st.just(0.0),
        ),
    ),
    max_size=40,
)


def _apply(timer, action):
    if action == "plus":
        timer.adjust(60)
    elif action == "minus":
        timer.adjust(-60)
    elif action == "pick":
        waiting = timer.waiting_members()
        if waiting:
            timer.pick_next(waiting[-1])
    else:
        getattr(timer, action)()


@settings(max_examples=150, deadline=None)
@given(
    member_count=st.integers(1, 6),
    phase=st.integers(0, 3600).map(float),
    script=actions,
)
def test_queue_and_round_left_always_add_up(member_count, phase, script):
    clock = FakeClock()
    members = [f"m{i}" for i in range(member_count)]
    timer = RoundTimer(members, phase, clock)
    floor = min(60.0, phase / member_count)
    timer.start()
    before = timer.talk_time()
    for action, seconds in script:
        if action == "advance":
            clock.advance(seconds)
        else:
            _apply(timer, action)
        talk = timer.talk_time()
        assert all(talk[m] >= before[m] for m in members)
        before = talk
        assert sorted(timer.members) == members
        assert sum(talk.values()) + timer.phase_remaining() == pytest.approx(phase, abs=1e-6)
        slots = timer.slots
        if timer.finished:
            assert timer.round_left() == 0.0
            continue
        # What the queue shows (each unfinished slot's time left) is what "Round left" says.
        queue = sum(max(0.0, s.allotted - s.used) for s in slots[timer.current_index :])
        assert queue == pytest.approx(timer.round_left(), abs=1e-6)
        waiting = slots[timer.current_index + 1 :]
        assert all(s.allotted >= floor - 1e-9 for s in waiting)
        if waiting:
            # Nothing is lost or invented: the left time is the phase's, plus any overrun.
            expected = timer.phase_remaining() + timer.over_by()
            assert timer.round_left() == pytest.approx(expected, abs=1e-6)
