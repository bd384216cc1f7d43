"""What the speaker panel says about the round's re-divided time."""

from __future__ import annotations

from plg_tui.app.widgets.speaker_panel import division_text
from plg_tui.core.timers import RoundTimer
from tests.app.helpers import FakeClock


def test_redivided_share_ignores_the_current_speakers_extra_minute():
    clock = FakeClock()
    timer = RoundTimer(["a", "b", "c"], 600, clock)
    assert division_text(timer) == "Round left 10:00"
    timer.start()
    clock.advance(300)  # a takes half the round
    timer.next()
    timer.adjust(60)  # b gets a minute more, taken from c: the round still fits
    text = division_text(timer)
    assert "Round left 5:00" in text
    assert text.endswith("Re-divided: 1:30 each")


def test_a_round_that_cannot_fit_says_by_how_much_it_runs_over():
    clock = FakeClock()
    timer = RoundTimer(["a", "b", "c"], 600, clock)
    timer.start()
    clock.advance(590)  # a leaves 10 s for two; each still gets the 1-minute floor
    timer.next()
    assert division_text(timer).startswith("Round left 2:00 (1:50 over)")
