"""The shared screen at the sizes people really share: nothing cut at 100x30, the essentials
whole at 80x24, the projected end in the group's time zone, no stale warnings."""

from __future__ import annotations

from plg_tui.app.screens.help import HelpScreen
from plg_tui.app.screens.lobby import DO_NOT_RECORD, NOT_YET
from tests.app.helpers import agree_all, next_phase, start_session

BIG = (100, 30)
SMALL = (80, 24)


def screen_rows(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_rows(app))


def flowing(app, selector: str = "Screen") -> str:
    """The words shown in `selector`'s region of the screen, line breaks and runs of spaces
    folded (wrapped text reads whole)."""
    if selector == "Screen":
        box = app.screen.region
    else:  # without its scrollbar, whose thumb would read as a word
        box = app.screen.query_one(selector).scrollable_content_region
    rows = screen_rows(app)[box.y : box.bottom]
    return " ".join(" ".join(row[box.x : box.right].split()) for row in rows)


async def test_lobby_at_80x24_keeps_help_in_the_footer_and_the_banner_whole(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        rows = screen_rows(app)
        assert "? Help" in rows[-1]
        assert " ".join(DO_NOT_RECORD.split()) in flowing(app)


async def test_session_2_questions_are_on_screen_at_80x24_without_scrolling(make_app, clock):
    app = make_app(kind="2")
    async with app.run_test(size=SMALL) as pilot:
        await start_session(pilot)
        clock.advance(60)
        await next_phase(pilot)  # the reflection round
        shown = flowing(app, "#script-box")
        for question in app.controller.prompts["reflection"].splitlines():
            assert question in shown, question


async def test_help_scrolls_with_the_keyboard_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start_session(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "(app.presenter)" not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert "(app.presenter)" in screen_text(app)


async def test_help_shows_the_bracket_keys_as_keys(make_app, clock):
    app = make_app()
    async with app.run_test(size=BIG) as pilot:
        await start_session(pilot)
        clock.advance(60)
        await next_phase(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        shown = screen_text(app)
        assert "[  Previous phase" in shown
        assert "]  Next phase" in shown
        assert "[/b]" not in shown


async def test_agenda_at_100x30_cuts_no_phase_name_and_names_the_time_zone(make_app):
    app = make_app()
    async with app.run_test(size=BIG) as pilot:
        await start_session(pilot)
        shown = screen_text(app)
        assert "…" not in shown
        listed = flowing(app, "#phase-list").split()
        for phase in app.controller.model.phases:
            assert all(word in listed for word in phase.name.split()), phase.name
        # the fixture group meets in Berlin; the clock is 13:00 UTC, 14:00 there
        assert "Projected end 15:30 Europe/Berlin" in shown
        assert "? Help" in screen_rows(app)[-1]
        assert "z Presenter" in screen_rows(app)[-1]


async def test_the_not_yet_warning_goes_when_everyone_has_agreed(make_app):
    app = make_app()
    async with app.run_test(size=BIG) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert [note.title for note in app._notifications] == [NOT_YET]
        await agree_all(pilot)
        assert [note.title for note in app._notifications] == []
