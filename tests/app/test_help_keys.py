"""The help screen shows every key name as written, brackets included."""

from __future__ import annotations

from plg_tui.app.screens.help import HelpScreen
from tests.app.helpers import next_phase, start_session

SIZE = (100, 30)


def help_lines(app) -> list[str]:
    rendered = app.screen.query_one("#help-keys Static").render()
    return str(rendered).splitlines()


async def test_bracket_keys_are_shown_as_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await next_phase(pilot)  # a later phase: "previous phase" applies
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = help_lines(app)
        assert any(
            line.split() == ["[", "Previous", "phase", "(agenda.previous_phase)"] for line in lines
        )
        assert any(line.split() == ["]", "Next", "phase", "(agenda.next_phase)"] for line in lines)
        assert not any("[/b]" in line for line in lines)


async def test_a_remapped_bracket_key_is_shown_as_written(make_app):
    app = make_app(keymap={"app.curtain": "ctrl+left_square_bracket"})
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        lines = help_lines(app)
        assert any(line.split() == ["^[", "Curtain", "(app.curtain)"] for line in lines)
