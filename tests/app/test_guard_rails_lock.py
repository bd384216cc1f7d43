"""One session app per group (issue 11, section 4): the lock under the group's folder, held
against a real second process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from plg_tui.app.screens.agenda import AgendaScreen
from plg_tui.app.screens.confirm import ConfirmScreen
from plg_tui.app.screens.lobby import LobbyScreen
from plg_tui.app.screens.read_only import ReadOnlyScreen
from plg_tui.app.screens.session_locked import SessionLockedScreen
from plg_tui.vault.paths import DataHome
from tests.app.helpers import SLUG, WALL_START, start_session

SIZE = (100, 30)
HOLDER = """
import os, socket, sys
from pathlib import Path
from plg_tui.core.session_lock import LockHolder, acquire
lock = acquire(Path(sys.argv[1]), LockHolder(socket.gethostname(), os.getpid(), float(sys.argv[2])))
print("held", flush=True)
sys.stdin.read()
lock.release()
"""


def lock_path(home: Path) -> Path:
    return DataHome(home).group(SLUG).session_lock


@contextmanager
def other_process_holding(home: Path) -> Iterator[subprocess.Popen[str]]:
    """A second process on this host holds the group's lock until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_path(home)), str(WALL_START)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "held\n"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def screen_text(app) -> str:
    return " ".join(str(widget.render()) for widget in app.screen.query("Static, Label"))


async def test_the_running_app_holds_the_lock_and_a_clean_quit_removes_it(make_app, group):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        held = json.loads(lock_path(group).read_text())
        assert held == {"host": socket.gethostname(), "pid": os.getpid(), "started": WALL_START}
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
    assert not lock_path(group).exists()


async def test_a_second_app_names_the_holder_and_offers_only_a_read_only_view(make_app, group):
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("space")  # Ada speaks
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
    with other_process_holding(group) as holder:
        second = make_app(resume=True)
        async with second.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(second.screen, SessionLockedScreen)
            text = screen_text(second)
            assert f"already open on {socket.gethostname()} (process {holder.pid})" in text
            assert "since 2026-12-01 13:00 UTC" in text
            await pilot.press("t")  # it runs: no taking over
            await pilot.pause()
            assert isinstance(second.screen, SessionLockedScreen)
            await pilot.press("v")
            await pilot.pause()
            assert isinstance(second.screen, ReadOnlyScreen)
            view = screen_text(second)
            assert "READ-ONLY VIEW" in view
            assert "Check-in" in view
            assert "Speaking: Ada Lovelace" in view
            assert second.controller is None  # nothing here can save
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert not second.is_running
        assert json.loads(lock_path(group).read_text())["pid"] == holder.pid  # left alone


async def test_a_stale_lock_is_taken_over_after_a_yes(make_app, group):
    with other_process_holding(group) as holder:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    assert lock_path(group).exists()  # a killed holder cannot remove it
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionLockedScreen)
        assert "and has gone" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        assert json.loads(lock_path(group).read_text())["pid"] == os.getpid()
        await start_session(pilot)
        assert isinstance(app.screen, AgendaScreen)
    assert not lock_path(group).exists()


async def test_the_lock_is_removed_when_the_app_crashes(make_app, group):
    app = make_app()
    seen_while_running = []

    async def crash() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            seen_while_running.append(lock_path(group).exists())
            app.call_later(lambda: 1 / 0)
            await pilot.pause()

    with pytest.raises(ZeroDivisionError):
        await crash()
    assert seen_while_running == [True]
    assert not lock_path(group).exists()


async def test_a_hostile_lock_file_is_shown_inert_and_junk_names_nobody(make_app, group):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=10)
    hostile = {"host": "\x1b]52;c;SGVsbG8=\x07evil[/b]", "pid": dead.pid, "started": WALL_START}
    lock_path(group).write_text(json.dumps(hostile))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionLockedScreen)
        text = screen_text(app)
        assert "\x1b" not in text
        assert "␛]52;c;SGVsbG8=␇evil[/b]" in text  # shown as written, inert
        assert "cannot tell from here" in text  # another host: the facilitator decides
        await pilot.press("q")
        await pilot.pause()
    assert json.loads(lock_path(group).read_text()) == hostile  # left as it was
    lock_path(group).write_bytes(b"\xff" * (1 << 20))  # a MiB of junk names nobody
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
    assert not lock_path(group).exists()
