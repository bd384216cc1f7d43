"""Equal slots stay equal, on screen (issue 11, §3): driven by keys with a fake clock."""

from __future__ import annotations

import re

from plg_tui.app.screens.agenda import AgendaScreen
from plg_tui.app.screens.confirm import ConfirmScreen
from plg_tui.app.screens.pick_speaker import PickSpeakerScreen
from plg_tui.core.speaker_slots import SpeakerStatus
from tests.app.helpers import start_session, tick

SIZE = (100, 30)
ADA, GRACE, LINUS, MEI, TOMAS = (
    f"{name}@example.org" for name in ("ada", "grace", "linus", "mei", "tomas")
)


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def seconds(mmss: str) -> int:
    minutes, secs = mmss.split(":")
    return int(minutes) * 60 + int(secs)


def queue_left(app) -> int:
    """The sum of the times the queue shows for those not yet finished."""
    rows = re.findall(r"(now|next)\s+(\d+:\d\d)", text(app, "#queue"))
    return sum(seconds(mmss) for _word, mmss in rows)


def round_left(app) -> int:
    return seconds(re.search(r"Round left (\d+:\d\d)", text(app, "#division")).group(1))


async def test_a_round_that_cannot_fit_gives_the_floor_and_shows_the_overrun(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        timer = app.controller.model.round
        await pilot.press("space")
        clock.advance(470)  # Ada leaves 10 s of the 8-minute round for four
        await pilot.press("n")
        assert timer.current.member == GRACE
        assert timer.current.allotted == 60.0
        assert "OVERTIME" not in text(app, "#speaker-state")
        assert "1:00 left" in text(app, "#speaker-state")
        assert "Round left 4:00 (3:50 over)" in text(app, "#division")
        assert queue_left(app) == round_left(app) == 240


async def test_plus_and_minus_redivide_live_and_the_queue_adds_up(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("space")
        assert queue_left(app) == round_left(app) == 480
        await pilot.press("plus")
        assert "1:21" in text(app, "#queue")  # (480 - 156) / 4 for each still waiting
        assert queue_left(app) == round_left(app) == 480
        clock.advance(36)
        await tick(pilot)
        assert queue_left(app) == round_left(app) == 444
        await pilot.press("minus", "minus")
        assert queue_left(app) == round_left(app) == 444
        await pilot.press("n")
        clock.advance(20)
        await tick(pilot)
        assert queue_left(app) == round_left(app) == 424


async def test_skip_moves_to_the_end_and_again_removes(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        timer = app.controller.model.round
        await pilot.press("n")  # Ada never started: not "done 0:00"
        assert "done" not in text(app, "#queue")
        assert timer.members == [GRACE, LINUS, MEI, TOMAS, ADA]
        await pilot.press("s")  # Grace to the end too
        assert timer.members == [LINUS, MEI, TOMAS, ADA, GRACE]
        for _ in range(3):
            await pilot.press("space")
            clock.advance(30)
            await pilot.press("n", "space")
        assert timer.current.member == ADA
        await pilot.press("s", "s")  # skipped again: Ada and Grace are out of the round
        assert timer.finished
        assert [s.status for s in timer.slots[3:]] == [SpeakerStatus.SKIPPED] * 2
        assert text(app, "#speaker-state") == "Round complete · skipped: Ada Lovelace, Grace Hopper"


async def test_you_go_next_picks_from_those_waiting(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        timer = app.controller.model.round
        await pilot.press("space")
        clock.advance(30)
        await pilot.press("g")
        assert isinstance(app.screen, PickSpeakerScreen)
        await pilot.press("down", "down", "enter")  # Mei, third of those waiting
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        assert timer.members == [ADA, MEI, GRACE, LINUS, TOMAS]
        assert timer.current_used() == 30.0
        assert timer.running
        await pilot.press("g", "escape")  # backing out changes nothing
        assert timer.members == [ADA, MEI, GRACE, LINUS, TOMAS]
    saved = app.controller.vault.session_state("1")
    assert [slot["member"] for slot in saved["rounds"]["0"]["slots"]][:2] == [ADA, MEI]


async def test_leaving_a_round_with_members_waiting_asks_first(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        model = app.controller.model
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Ada Lovelace" in app.screen.detail
        await pilot.press("n")
        await pilot.pause()
        assert model.phase_index == 0
        await pilot.press("right_square_bracket")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert model.phase_index == 1


async def test_the_floor_comes_from_plg_toml(make_app, group, clock):
    (group / "plg.toml").write_text("[session]\nmin_slot_minutes = 1.5\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        assert app.controller.model.round.min_slot == 90.0
