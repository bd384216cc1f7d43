"""Names, module text and journal entries from outside are shown as written, never as markup.

A roster name like "[/x]" crashed the app and "[@click=app.quit]Ada" made a clickable link
that quit it; a name edited into group.db by whoever holds the operations key could carry an
ESC sequence to the facilitator's terminal. This walks every screen with such a group.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len

from plg_tui.app.screens.agenda import AgendaScreen
from plg_tui.app.screens.attendance import AttendanceScreen
from plg_tui.app.screens.capture import CaptureScreen
from plg_tui.app.screens.close_session1 import CloseSession1Screen
from plg_tui.app.screens.close_session2 import CloseSession2Screen
from plg_tui.app.screens.close_trust import CloseTrustScreen
from plg_tui.app.screens.confirm import ConfirmScreen
from plg_tui.app.screens.done import DoneScreen
from plg_tui.app.screens.help import HelpScreen
from plg_tui.app.screens.journal import JournalScreen
from plg_tui.app.screens.lobby import LobbyScreen
from plg_tui.core.modules import bundled_modules_dir
from plg_tui.vault.group import write_sealed_entry
from plg_tui.vault.paths import INBOX
from tests.app.helpers import PASSPHRASE, SLUG, go_to_close, next_phase, start_session
from tests.conftest import ROSTER_HEADER, ROSTER_ROWS

SIZE = (120, 36)
CLICK = "[@click=app.quit]Ada"
ROSTER_NAMES = {
    "Ada Lovelace": "[@click=app.quit]Ada Lovelace",
    "Grace Hopper": "[b red]Grace Hopper",
    "Linus Park": "[/x] Linus",
    "Mei Chen": "[$accent]Mei [B]Chen\\",
}
# Not possible in a roster file (control characters are refused there), but the holder of
# the operations key can write it into group.db.
ESC_NAME = "\x1b[31mEsc \u202eRuiz\x07"
ESC_SHOWN = "␛[31mEsc �Ruiz␇"
SHOWN_NAMES = [*ROSTER_NAMES.values(), ESC_SHOWN]
MODULE_TITLE = "[/x]Feedback [@click=app.quit]that lands"
PHASE_NAME = "[/b]Check-in"
HOSTILE_TEXT = "[/x] said [@click=app.quit]quit[/] and \x1b]52;c;SGVsbG8=\x07"
HOSTILE_SHOWN = "[/x] said [@click=app.quit]quit[/] and ␛]52;c;SGVsbG8=␇"


@pytest.fixture
def group(make_group, tmp_path: Path) -> Path:
    """The fixture group with hostile names, on a module from the data home with hostile text."""
    rows = ROSTER_ROWS
    for real, hostile in ROSTER_NAMES.items():
        rows = rows.replace(real, hostile)
    roster = tmp_path / "hostile.csv"
    roster.write_text(ROSTER_HEADER + rows, encoding="utf-8")
    text = (bundled_modules_dir() / "giving-feedback.toml").read_text(encoding="utf-8")
    text = text.replace('id = "giving-feedback"', 'id = "hostile-feedback"')
    text = text.replace('title = "Giving feedback that lands"', f"title = {MODULE_TITLE!r}")
    text = text.replace('name = "Check-in"', f'name = "{PHASE_NAME}"', 1)
    text = text.replace('script = "Welcome back.', 'script = "[/x] [@click=app.quit]Welcome.', 1)
    text = re.sub(r'challenge_prompt = "', 'challenge_prompt = "[/b][@click=app.quit]', text)

    vault = make_group(SLUG, PASSPHRASE, roster=roster, module_id="giving-feedback")
    home = vault.home
    (home / "modules").mkdir(exist_ok=True)
    (home / "modules" / "hostile-feedback.toml").write_text(text, encoding="utf-8")
    vault.update_info(module="hostile-feedback", module_title=MODULE_TITLE)
    members = vault.members()
    members[4] = replace(members[4], name=ESC_NAME)
    vault.set_members(members)
    vault.close()
    return home


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def assert_no_quit_links(app) -> None:
    """No cell of the screen carries a click action (a markup link) that quits."""
    width, height = app.size
    for y in range(height):
        for x in range(width):
            meta = app.screen.get_style_at(x, y).meta
            assert "quit" not in str(meta.get("@click", "")), (x, y, meta)


async def click_literal(pilot, text: str) -> None:
    """Click the first character after the '[' of `text` where it is on screen."""
    for y, line in enumerate(screen_lines(pilot.app)):
        index = line.find(text)
        if index >= 0:
            await pilot.click(offset=(cell_len(line[:index]) + 1, y))
            await pilot.pause()
            assert pilot.app.is_running
            assert pilot.app.return_code is None
            return
    raise AssertionError(f"{text!r} is not on screen")


async def test_hostile_names_on_session_1_screens(make_app, group):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        shown = screen_text(app)
        assert all(name in shown for name in SHOWN_NAMES), shown
        assert MODULE_TITLE in shown
        assert "\x1b" not in shown
        assert_no_quit_links(app)
        await click_literal(pilot, CLICK)
        await pilot.press("home")
        await start_session(pilot)
        assert isinstance(app.screen, AgendaScreen)
        shown = screen_text(app)
        # Speaker panel, clock bar (facilitator), queue (first names), phase list and title.
        assert "[@click=app.quit]Ada Lovelace" in shown
        assert "Facilitator: [@click=app.quit]Ada Lovelace" in shown
        assert "[/x]" in shown
        assert "[/b]Check-in" in shown
        assert "[@click=app.quit]Welcome." in shown
        assert_no_quit_links(app)
        await click_literal(pilot, CLICK)

        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        assert all(name in screen_text(app) for name in SHOWN_NAMES)
        await pilot.press("escape")

        await next_phase(pilot)
        await pilot.press("c")  # a challenge, with the module's prompt
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen)
        assert "[@click=app.quit]Ada Lovelace" in screen_text(app)
        app.screen.query_one("#capture-text").value = HOSTILE_TEXT
        await pilot.press("enter")  # the toast and the status line name Ada
        await pilot.pause()
        assert "Sealed the challenge for [@click=app.quit]Ada" in screen_text(app)
        assert_no_quit_links(app)
        await pilot.press("escape")
        assert "[/b][@click=app.quit]" in screen_text(app)  # the prompt shown for everyone

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await go_to_close(pilot)
        assert isinstance(app.screen, CloseSession1Screen)
        shown = screen_text(app)
        assert MODULE_TITLE in shown
        assert "[$accent]Mei [B]Chen\\" in shown
        assert ESC_SHOWN in shown
        assert_no_quit_links(app)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        shown = screen_text(app)
        assert "Practice partners:" in shown
        assert "[b red]Grace Hopper" in shown
        assert_no_quit_links(app)
        assert app.is_running
        assert app.return_code is None


async def test_hostile_journal_and_session_2_close(make_app, group, keys):
    write_sealed_entry(
        group, keys, INBOX, "e1", {"member": "ada@example.org", "week": 2}, HOSTILE_TEXT
    )
    app = make_app(kind="2")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Show [@click=app.quit]Ada Lovelace's journal" in screen_text(app)
        assert_no_quit_links(app)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        shown = screen_text(app)
        assert "[@click=app.quit]Ada Lovelace's practice journal" in shown
        assert HOSTILE_SHOWN in shown
        assert "\x1b" not in shown
        assert_no_quit_links(app)
        await click_literal(pilot, "[@click=app.quit]quit")
        await pilot.press("escape")
        await go_to_close(pilot)
        assert isinstance(app.screen, CloseSession2Screen)
        assert MODULE_TITLE in screen_text(app)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert app.is_running
        assert app.return_code is None


async def test_hostile_ground_rule_on_trust_close(make_app, group):
    app = make_app(kind="trust")
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        app.controller.capture("ground_rules", None, HOSTILE_TEXT)
        await go_to_close(pilot)
        assert isinstance(app.screen, CloseTrustScreen)
        shown = screen_text(app)
        assert f"1. {HOSTILE_SHOWN}" in shown
        assert ESC_SHOWN in shown
        assert_no_quit_links(app)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)


async def test_the_link_check_sees_a_markup_link():
    """The checks above would catch a name that became a link (they are not vacuous)."""
    from textual.app import App
    from textual.widgets import Static

    class Linked(App[None]):
        def compose(self):
            yield Static("[@click=app.quit]Ada[/]")

    app = Linked()
    async with app.run_test(size=(20, 3)) as pilot:
        await pilot.pause()
        with pytest.raises(AssertionError):
            assert_no_quit_links(app)
        await pilot.click(offset=(1, 0))
        await pilot.pause()
        assert app.return_code is not None or not app.is_running
