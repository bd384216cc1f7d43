"""Guard rails of the session app (issue 11, section 4): a quit that asks and saves, session 2's
date rule, one rating and vote per present member, the curtain from anywhere, latecomers.
The session lock's tests are in test_guard_rails_lock.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plg_tui.app.screens.agenda import AgendaScreen
from plg_tui.app.screens.capture import CaptureScreen
from plg_tui.app.screens.close_session1 import CloseSession1Screen
from plg_tui.app.screens.close_session2 import CloseSession2Screen
from plg_tui.app.screens.confirm import ConfirmScreen
from plg_tui.app.screens.curtain import CurtainScreen
from plg_tui.app.screens.done import DoneScreen
from plg_tui.app.screens.lobby import LobbyScreen
from plg_tui.app.widgets.rating_summary import RatingSummary
from tests.app.helpers import SLUG, WALL_START, go_to_close, start_session, tick

SIZE = (100, 30)
EMAILS = ["ada@example.org", "grace@example.org", "linus@example.org", "mei@example.org"]
LINUS = "linus@example.org"


def question(app) -> str:
    return str(app.screen.query_one("#confirm-question").render())


def local_date(days: int, hour: int = 14) -> str:
    """A Berlin date `days` after the fixture's session 1 (the app's fake wall clock)."""
    start = datetime.fromtimestamp(WALL_START, UTC) + timedelta(days=days)
    return start.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


# ---- Ctrl+Q ----------------------------------------------------------------------------------


async def test_ctrl_q_asks_then_saves_the_round_paused_and_names_the_resume_command(
    make_app, open_vault, group, clock, monkeypatch
):
    monkeypatch.delenv("PLG_HOME", raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("space")  # Ada starts speaking
        clock.advance(30)
        await tick(pilot)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        assert question(app) == "Quit the session app?"
        await pilot.press("ctrl+q")  # a second Ctrl+Q does not stack another question
        assert sum(isinstance(s, ConfirmScreen) for s in app.screen_stack) == 1
        await pilot.press("n")
        assert isinstance(app.screen, AgendaScreen)
        assert app.is_running
        clock.advance(5)
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
    assert app.farewell == (
        f"The session is saved. To resume it: plg --home {group} session {SLUG} --kind 1 --resume"
    )
    saved = open_vault().session_state("1")
    assert saved["rounds"]["0"]["was_running"] is False
    assert saved["rounds"]["0"]["slots"][0]["used"] == 35.0
    clock.advance(600)  # the facilitator comes back ten minutes later
    again = make_app(resume=True)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        model = again.controller.model
        assert isinstance(again.screen, AgendaScreen)
        assert model.time_lost == 0.0  # nothing ran unseen: exactly where it stopped
        assert model.round.current_used() == 35.0


async def test_ctrl_q_after_the_close_quits_at_once(make_app):
    app = make_app(kind="trust")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await go_to_close(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.farewell is None


# ---- session 2's date -----------------------------------------------------------------------


async def test_session2_date_follows_the_gap_rule_is_in_the_future_and_reaches_the_companion(
    make_app, group
):
    from companion.outbound.plan import load_group

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await go_to_close(pilot)
        screen = app.screen
        assert isinstance(screen, CloseSession1Screen)
        field = screen.query_one("#date-input")
        await pilot.press("d")
        field.value = local_date(-1)  # yesterday
        await pilot.press("enter")
        await pilot.pause()
        status = str(screen.query_one("#date-status").render())
        assert "is not in the future" in status
        assert isinstance(app.screen, CloseSession1Screen)  # no override for the past
        field.value = local_date(14)  # too soon: ask
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "14 days after today's session; the rule is 21 to 35 days" in str(
            app.screen.query_one("#confirm-detail").render()
        )
        await pilot.press("n")
        assert app.controller.model.session2_date is None
        await pilot.press("escape", "f")  # out of the field; finishing asks again
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
    moved = load_group(group, SLUG)
    assert moved.session2.strftime("%Y-%m-%dT%H:%M") == local_date(14)
    assert str(moved.session2.tzinfo) == "Europe/Berlin"
    # as `plg group reschedule` does: everyone's calendar gets an update (SEQUENCE 1)
    assert (moved.info.invitation_sequences or {}).get("2") == 1


async def test_a_date_inside_the_rule_is_taken_without_a_question(make_app, open_vault):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await go_to_close(pilot)
        app.screen.query_one("#date-input").value = local_date(30)
        await pilot.press("d", "enter", "f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
    assert open_vault().info().session2 == local_date(30)


async def test_after_help_closes_the_close_screens_keys_still_work(make_app, open_vault):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await go_to_close(pilot)
        app.screen.query_one("#date-input").value = local_date(30)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")  # back from help: no hidden field takes the keys
        await pilot.pause()
        await pilot.press("d", "enter", "f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)


# ---- ratings and votes ----------------------------------------------------------------------


async def lobby_without_linus(pilot) -> None:
    await pilot.press("down", "down", "space", "up", "up")  # Linus is away today
    for index in range(5):
        if index != 2:
            await pilot.press("a")
        await pilot.press("down")
    await pilot.press("s")
    await pilot.pause()


async def test_one_rating_and_one_vote_per_present_member_with_undo_and_correction(
    make_app, open_vault
):
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await lobby_without_linus(pilot)
        await go_to_close(pilot)
        assert isinstance(app.screen, CloseSession2Screen)
        model = app.controller.model
        await pilot.press("5", "4", "3", "2", "1")  # four present: the fifth is refused
        assert (model.rating_count, model.rating_sum) == (4, 14)
        await pilot.press("u", "u", "u", "u")  # every rating taken back in turn
        assert (model.rating_count, model.rating_sum) == (0, 0)
        await pilot.press("u")
        await pilot.press("4", "4", "2")
        await pilot.press("c", "2", "5")  # whoever gave the 2 meant 5
        await pilot.pause()
        assert (model.rating_count, model.rating_sum) == (3, 13)
        await pilot.press("c", "1", "3")  # nobody gave a 1: nothing changes
        await pilot.pause()
        assert (model.rating_count, model.rating_sum) == (3, 13)
        for _ in range(5):
            await pilot.press("enter")
        await pilot.pause()
        assert sum(model.votes.values()) == 4
        await pilot.press("x", "down", "enter")  # one member changes their vote
        await pilot.pause()
        assert len(model.votes) == 2
        assert sum(model.votes.values()) == 4
        await pilot.press("u")  # the vote just moved is taken back
        await pilot.pause()
        assert sum(model.votes.values()) == 3
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        summary = str(app.screen.query_one(RatingSummary).render())
        assert "Module rating (anonymous): 4.3 of 5, from 3 member(s)." in summary
        assert "(3 votes of 3)" in summary
    info = open_vault().info()
    assert info.module_rating == {"count": 3, "sum": 13}


async def test_rerunning_a_held_session_2_warns_before_anything_is_overwritten(
    make_app, open_vault
):
    open_vault().update_info(
        session1_held=True,
        session2_held=True,
        module_rating={"count": 4, "sum": 17},
        next_topic_votes={"delegating": 3},
    )
    before = open_vault().session_state("2")
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert question(app) == "Session 2 of this group was already held. Run it again?"
        await pilot.press("ctrl+q")  # quitting before the answer saves nothing either
        await pilot.pause()
        if app.is_running and question(app) == "Quit the session app?":
            await pilot.press("y")
            await pilot.pause()
    assert open_vault().session_state("2") == before
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
    assert open_vault().session_state("2") == before
    assert open_vault().info().module_rating == {"count": 4, "sum": 17}
    again = make_app(kind="2")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(again.screen, LobbyScreen)


# ---- the curtain ----------------------------------------------------------------------------


async def test_curtain_from_the_lobby_and_over_an_open_capture_box(make_app):
    from plg_tui.app.keys import APP_BINDINGS

    ids = {binding.id: binding for binding in APP_BINDINGS}
    assert ids["app.curtain_anywhere"].key == "f12,ctrl+b"
    assert ids["app.curtain_anywhere"].description
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f12")
        assert isinstance(app.screen, CurtainScreen)
        await pilot.press("f12")
        assert isinstance(app.screen, LobbyScreen)
        await start_session(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen)
        await pilot.press("b")  # a letter in the text, not the curtain
        await pilot.pause()
        assert app.screen.query_one("#capture-text").value == "b"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen)
        assert app.screen.query_one("#curtain-clock")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen)
        assert app.screen.query_one("#capture-text").value == "b"


# ---- a latecomer ----------------------------------------------------------------------------


async def test_a_latecomer_agrees_first_then_joins_the_running_round_last(make_app, open_vault):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await lobby_without_linus(pilot)
        model = app.controller.model
        await pilot.press("space")  # Ada speaks
        assert LINUS not in model.round.waiting_members()
        await pilot.press("l", "down", "down", "space")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert question(app) == "Has Linus Park agreed to confidentiality?"
        await pilot.press("n")
        await pilot.pause()
        assert LINUS not in model.present_keys()
        await pilot.press("space", "y")
        await pilot.pause()
        assert model.present[LINUS]
        assert model.agreed[LINUS]
        assert model.round.waiting_members()[-1] == LINUS
        assert model.round.current.member == EMAILS[0]  # the speaker goes on
    saved = open_vault().session_state("1")
    assert saved["rounds"]["0"]["slots"][-1]["member"] == LINUS


async def test_the_demo_asks_too_but_names_no_resume_command(group, keys, clock):
    import asyncio

    from plg_tui.app.app import PlgApp

    app = PlgApp(group, SLUG, kind="1", open_keys=lambda: keys, clock=clock, wall=clock.wall)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(500):
            if app.controller is not None:
                break
            await asyncio.sleep(0.01)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "thrown away" in str(app.screen.query_one("#confirm-detail").render())
        await pilot.press("y")
        await pilot.pause()
    assert app.farewell is None
