import json
from datetime import UTC, datetime, timedelta

import pytest

from plg_tui.core.agenda import AgendaClock, PhasePlan, format_mmss, format_signed
from tests.fakeclock import FakeClock

PLAN = [PhasePlan("check-in", 600), PhasePlan("round", 3600), PhasePlan("close", 1200)]


def test_before_the_session_starts_the_plan_is_the_projection():
    agenda = AgendaClock(PLAN, FakeClock(500.0))
    assert agenda.current_index is None
    assert not agenda.started
    assert agenda.elapsed() == 0.0
    assert agenda.projected_total() == 5400.0
    assert agenda.ahead_behind() == 0.0


def test_phases_accumulate_actual_time_and_goto_moves_the_clock():
    clock = FakeClock(500.0)
    agenda = AgendaClock(PLAN, clock)
    agenda.start_session()
    assert agenda.current_index == 0
    clock.advance(400)
    assert agenda.actual_seconds(0) == 400.0
    assert agenda.phase_remaining() == 200.0
    agenda.goto(1)
    clock.advance(100)
    assert agenda.actual_seconds(0) == 400.0
    assert agenda.actual_seconds(1) == 100.0
    assert agenda.elapsed() == 500.0
    agenda.goto(0)  # back to a phase: its time keeps adding up
    clock.advance(50)
    assert agenda.actual_seconds(0) == 450.0
    assert agenda.actual_seconds(1) == 100.0


def test_projection_when_a_phase_runs_short_and_then_long():
    clock = FakeClock(500.0)
    agenda = AgendaClock(PLAN, clock)
    agenda.start_session()
    clock.advance(420)  # check-in 3 minutes short
    agenda.goto(1)
    assert agenda.projected_total() == 420 + 3600 + 1200
    assert agenda.ahead_behind() == 180.0
    clock.advance(3600 + 130)  # round runs 130 s over its plan
    assert agenda.phase_remaining() == -130.0
    # the current phase's overrun is in elapsed; its remaining plan is clamped at zero
    assert agenda.projected_total() == 420 + 3730 + 1200
    assert agenda.ahead_behind() == 50.0
    clock.advance(200)
    assert agenda.ahead_behind() == -150.0


def test_skipped_phases_drop_out_of_the_projection():
    clock = FakeClock(500.0)
    agenda = AgendaClock(PLAN, clock)
    agenda.start_session()
    clock.advance(100)
    agenda.goto(2)
    assert agenda.projected_total() == 100 + 1200


def test_next_phase_stops_at_the_last_phase():
    agenda = AgendaClock(PLAN, FakeClock(500.0))
    assert agenda.next_phase()
    assert agenda.current_index == 0
    assert agenda.next_phase()
    assert agenda.next_phase()
    assert agenda.current_index == 2
    assert not agenda.next_phase()
    assert agenda.current_index == 2


def test_goto_outside_the_agenda_is_refused():
    agenda = AgendaClock(PLAN, FakeClock(500.0))
    with pytest.raises(IndexError):
        agenda.goto(3)


def test_goto_before_start_starts_the_session():
    clock = FakeClock(500.0)
    agenda = AgendaClock(PLAN, clock)
    agenda.goto(1)
    clock.advance(10)
    assert agenda.started
    assert agenda.elapsed() == 10.0
    assert agenda.actual_seconds(1) == 10.0


def test_end_session_freezes_elapsed_and_phase_times():
    clock = FakeClock(500.0)
    agenda = AgendaClock(PLAN, clock)
    agenda.start_session()
    clock.advance(600)
    agenda.goto(2)
    clock.advance(1000)
    agenda.end_session()
    clock.advance(999)
    assert agenda.ended
    assert agenda.elapsed() == 1600.0
    assert agenda.actual_seconds(2) == 1000.0
    assert agenda.projected_total() == 1600.0
    assert agenda.ahead_behind() == 3800.0


def test_projected_end_is_now_plus_what_the_plan_still_needs():
    clock = FakeClock(500.0)
    agenda = AgendaClock(PLAN, clock)
    agenda.start_session()
    clock.advance(700)
    agenda.goto(1)
    now = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
    assert agenda.projected_end(now) == now + timedelta(seconds=4800)


def test_resume_keeps_phase_times_and_counts_the_lost_time_as_elapsed():
    clock = FakeClock(500.0)
    wall = [1_700_000_000.0]
    agenda = AgendaClock(PLAN, clock, wall=lambda: wall[0])
    agenda.start_session()
    clock.advance(600)
    agenda.goto(1)
    clock.advance(300)
    saved = json.loads(json.dumps(agenda.to_dict()))
    wall[0] += 75
    new_clock = FakeClock(2.0)
    restored = AgendaClock.from_dict(saved, new_clock, wall=lambda: wall[0])
    assert restored.time_lost == 75.0
    assert restored.current_index == 1
    assert restored.elapsed() == 975.0
    assert restored.actual_seconds(0) == 600.0
    assert restored.actual_seconds(1) == 300.0
    new_clock.advance(10)
    assert restored.actual_seconds(1) == 310.0
    assert restored.elapsed() == 985.0
    assert restored.phases == tuple(PLAN)
    assert restored.budget_seconds == 5400.0


def test_resume_of_an_unstarted_or_ended_session():
    fresh = AgendaClock.from_dict(AgendaClock(PLAN, FakeClock(500.0)).to_dict(), FakeClock(500.0))
    assert not fresh.started
    assert fresh.time_lost == 0.0
    clock = FakeClock(500.0)
    agenda = AgendaClock(PLAN, clock)
    agenda.start_session()
    clock.advance(100)
    agenda.end_session()
    saved = agenda.to_dict()
    ended = AgendaClock.from_dict(saved, FakeClock(500.0), wall=lambda: saved["saved_wall"] + 500)
    assert ended.ended
    assert ended.time_lost == 0.0
    assert ended.elapsed() == 100.0


def test_malformed_agenda_state_is_refused():
    data = AgendaClock(PLAN, FakeClock(500.0)).to_dict()
    data["actual"] = [1.0]
    with pytest.raises(ValueError, match="agenda state"):
        AgendaClock.from_dict(data, FakeClock(500.0))
    with pytest.raises(ValueError, match="agenda state"):
        AgendaClock.from_dict({"version": 1}, FakeClock(500.0))


def test_bad_plans_are_refused():
    with pytest.raises(ValueError, match="at least one phase"):
        AgendaClock([], FakeClock(500.0))
    with pytest.raises(ValueError, match="must be finite and >= 0"):
        AgendaClock([PhasePlan("x", -5)], FakeClock(500.0))


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (725, "12:05"),
        (5400, "90:00"),
        (0, "0:00"),
        (-42, "-0:42"),
        (724.2, "12:05"),
        (0.3, "0:01"),
        (-0.3, "-0:01"),
        (725.0000000001, "12:05"),
        (59.0, "0:59"),
        (-3725, "-62:05"),
    ],
)
def test_format_mmss(seconds, shown):
    assert format_mmss(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (180, "+3:00 ahead"),
        (-130, "2:10 behind"),
        (0.4, "on time"),
        (-0.4, "on time"),
        (59.6, "+1:00 ahead"),
        (-5, "0:05 behind"),
    ],
)
def test_format_signed(seconds, shown):
    assert format_signed(seconds) == shown


def test_formatters_refuse_non_finite_values():
    with pytest.raises(ValueError, match="must be finite"):
        format_mmss(float("nan"))
    with pytest.raises(ValueError, match="must be finite"):
        format_signed(float("inf"))
