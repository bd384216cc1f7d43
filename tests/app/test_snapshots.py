"""Snapshots of every screen at 100x30 (lobby, agenda and close screens also at 80x24,
presenter mode at 160x45 and 80x24).

Deterministic: a fake clock and wall, the fixture roster, seeded randomness.
Update with: .venv/bin/python -m pytest tests/app --snapshot-update (and look at the SVGs).
"""

from __future__ import annotations

from textual.widgets import Input

from tests.app.helpers import go_to_close, next_phase, start_session, tick

BIG = (100, 30)
SMALL = (80, 24)


def still_cursors(pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def test_passphrase_screen(snap_compare, make_app):
    async def before(pilot):
        await pilot.pause()
        still_cursors(pilot)

    assert snap_compare(make_app(keys=None), terminal_size=BIG, run_before=before)


def test_lobby(snap_compare, make_app):
    async def before(pilot):
        await pilot.press("a", "down", "a", "down", "down", "space")

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_lobby_small_terminal(snap_compare, make_app):
    async def before(pilot):
        await pilot.press("a", "down")

    assert snap_compare(make_app(), terminal_size=SMALL, run_before=before)


def round_in_progress(clock):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("space")
        clock.advance(100)  # Ada runs over her 96 s
        await pilot.press("n")
        clock.advance(45)
        await tick(pilot)

    return before


def test_agenda_round(snap_compare, make_app, clock):
    assert snap_compare(make_app(), terminal_size=BIG, run_before=round_in_progress(clock))


def test_agenda_round_small_terminal(snap_compare, make_app, clock):
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=round_in_progress(clock))


def test_agenda_overtime(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("space")
        clock.advance(96 + 42)
        await tick(pilot)

    app = make_app()
    app.bell = lambda: None
    assert snap_compare(app, terminal_size=BIG, run_before=before)


def test_agenda_capture_phase(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        for _ in range(4):
            clock.advance(120)
            await next_phase(pilot)
        pilot.app.controller.capture("commitment", "ada@example.org", "sealed text")
        await tick(pilot)

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_agenda_techniques_phase(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        await next_phase(pilot)
        await next_phase(pilot)
        await pilot.press("full_stop")

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_capture_dialog(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        await next_phase(pilot)
        await pilot.press("c")
        await pilot.pause()
        still_cursors(pilot)

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_close_session_1(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("space")
        clock.advance(80)
        await pilot.press("n")
        clock.advance(120)
        await go_to_close(pilot)
        still_cursors(pilot)

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_close_session_2(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("space")
        clock.advance(60)
        await go_to_close(pilot)
        await pilot.press("4", "5", "enter")

    assert snap_compare(make_app(kind="2"), terminal_size=BIG, run_before=before)


def test_close_trust(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        pilot.app.controller.capture("ground_rules", None, "We finish on time")
        await go_to_close(pilot)

    assert snap_compare(make_app(kind="trust"), terminal_size=BIG, run_before=before)


def test_done(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        clock.advance(30 * 60)
        await go_to_close(pilot)
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_curtain(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        clock.advance(12 * 60 + 5)
        await pilot.press("b")
        await tick(pilot)

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_help(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_journal_confirmation(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("j")

    assert snap_compare(make_app(kind="2"), terminal_size=BIG, run_before=before)


# ---- presenter mode, the remaining screens at 100x30, the close screens at 80x24 ----------------

LARGE = (160, 45)


def presenter_in_last_minute(clock):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("space")
        clock.advance(96 - 42)
        await pilot.press("z")
        await tick(pilot)

    return before


def test_presenter_large_terminal(snap_compare, make_app, clock):
    assert snap_compare(make_app(), terminal_size=LARGE, run_before=presenter_in_last_minute(clock))


def test_presenter_small_terminal(snap_compare, make_app, clock):
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=presenter_in_last_minute(clock))


def test_presenter_overtime(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("space", "z")
        clock.advance(96 + 42)
        await tick(pilot)

    app = make_app()
    app.bell = lambda: None
    assert snap_compare(app, terminal_size=BIG, run_before=before)


def test_attendance(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("l")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_pick_next_speaker(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("g")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_leave_round_confirmation(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=BIG, run_before=before)


def test_close_session_1_small_terminal(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        clock.advance(120)
        await go_to_close(pilot)
        still_cursors(pilot)

    assert snap_compare(make_app(), terminal_size=SMALL, run_before=before)


def test_close_session_2_small_terminal(snap_compare, make_app, clock):
    async def before(pilot):
        await start_session(pilot)
        clock.advance(60)
        await go_to_close(pilot)
        await pilot.press("4", "5", "enter")

    assert snap_compare(make_app(kind="2"), terminal_size=SMALL, run_before=before)


def test_close_trust_small_terminal(snap_compare, make_app):
    async def before(pilot):
        await start_session(pilot)
        pilot.app.controller.capture("ground_rules", None, "We finish on time")
        await go_to_close(pilot)

    assert snap_compare(make_app(kind="trust"), terminal_size=SMALL, run_before=before)
