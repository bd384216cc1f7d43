"""Shared helpers for the session app tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from tests.fakeclock import FakeClock as SharedFakeClock

PASSPHRASE = "correct horse battery"
SLUG = "team"
# 2026-12-01 14:00 in Berlin: the fixture group's session 1.
WALL_START = datetime(2026, 12, 1, 13, 0, tzinfo=UTC).timestamp()


class FakeClock(SharedFakeClock):
    """The session app tests' clock: its wall time starts at the fixture group's session 1."""

    def __init__(self) -> None:
        super().__init__(1000.0, WALL_START)


async def tick(pilot) -> None:
    """One clock tick now, then let the screens repaint: after moving the fake clock a test
    does not wait for the app's timer (on a loaded machine it may come late)."""
    pilot.app.tick()
    await pilot.pause()


async def wait_until(pilot, condition: Callable[[], bool], attempts: int = 500) -> None:
    """Let the app run until `condition` holds: a worker may not have started when a press
    returns, so waiting for the workers to complete can return before it ran."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never reached the expected state")


async def agree_all(pilot, count: int = 5) -> None:
    """In the lobby: tick the agreement for every member, top to bottom."""
    for _ in range(count):
        await pilot.press("a", "down")
    await pilot.pause()


async def start_session(pilot) -> None:
    await agree_all(pilot)
    await pilot.press("s")
    await pilot.pause()


async def next_phase(pilot) -> None:
    """`]`, and yes when asked to leave a round whose members have not all spoken."""
    from plg_tui.app.screens.confirm import ConfirmScreen

    await pilot.press("right_square_bracket")
    await pilot.pause()
    if isinstance(pilot.app.screen, ConfirmScreen):
        await pilot.press("y")
        await pilot.pause()


async def go_to_close(pilot) -> None:
    """From the agenda: next phase until the close screen opens."""
    for _ in range(len(pilot.app.controller.model.phases)):
        await next_phase(pilot)
    await pilot.pause()
