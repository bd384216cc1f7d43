"""The real program in a real terminal: `plg demo` and a crashed `plg session`, driven in tmux."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.app.block_digits import read_block_digits
from tests.app.helpers import PASSPHRASE, SLUG
from tests.conftest import require_tool


@pytest.fixture(autouse=True)
def needs_tmux() -> None:
    require_tool(shutil.which("tmux") is not None, "tmux")


PLG = str(Path(sys.executable).parent / "plg")
COUNTDOWN = re.compile(r"speaking · (\d+):(\d\d) left")


class Terminal:
    """One private tmux server (its own socket), so nothing else's sessions are touched."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"plg-test-{uuid.uuid4().hex[:8]}"
        self.env = env

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=self.env,
        )
        return result.stdout

    def start(self, name: str, command: str) -> None:
        self.tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "30", f"exec {command}")

    def screen(self, name: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", name)

    def keys(self, name: str, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", name, key)
            time.sleep(0.05)

    def wait_for(self, name: str, test: Callable[[str], bool], timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen(name)
            if test(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out; the screen shows:\n{text}")

    def pane_pid(self, name: str) -> int:
        return int(self.tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def alive(self, name: str) -> bool:
        return name in self.tmux("list-sessions", "-F", "#{session_name}").split()

    def close(self) -> None:
        self.tmux("kill-server")
        folder = Path(self.env.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    temp = tmp_path / "e2e-tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "TERM": "xterm-256color"}
    term = Terminal(env)
    yield term
    term.close()


def seconds(match: re.Match[str]) -> int:
    return int(match.group(1)) * 60 + int(match.group(2))


def agree_and_start(term: Terminal, name: str) -> None:
    term.wait_for(name, lambda s: "PLEASE DO NOT RECORD" in s)
    for _ in range(5):
        term.keys(name, "a", "Down")
    term.wait_for(name, lambda s: "Ready. Press s" in s)
    term.keys(name, "s")
    term.wait_for(name, lambda s: "Session clock" in s and "Ready: press space" in s)


def test_demo_runs_a_round_and_the_countdown_moves(terminal: Terminal, tmp_path: Path):
    terminal.start("demo", f"{PLG} demo")
    # the lobby as the facilitator reads it once the group is open: whole words in each column
    lobby = terminal.wait_for("demo", lambda s: "facilitator (suggested)" in s)
    assert lobby.count("✓ present  · not yet") == 5
    agree_and_start(terminal, "demo")
    assert "Amara Okafor" in terminal.screen("demo")
    terminal.keys("demo", "Space")
    first = COUNTDOWN.search(terminal.wait_for("demo", COUNTDOWN.search))
    assert first is not None
    later = terminal.wait_for(
        "demo",
        lambda s: (m := COUNTDOWN.search(s)) is not None and seconds(m) <= seconds(first) - 2,
    )
    assert "Amara Okafor" in later
    terminal.keys("demo", "C-q")
    terminal.wait_for("demo", lambda s: "Quit the session app?" in s)
    terminal.keys("demo", "y")
    deadline = time.monotonic() + 10
    while terminal.alive("demo") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive("demo")
    # The throwaway data home is gone.
    assert list((tmp_path / "e2e-tmp").glob("plg-demo-*")) == []


def test_demo_presenter_mode_shows_a_countdown_that_moves(terminal: Terminal):
    terminal.start("demo", f"{PLG} demo")
    agree_and_start(terminal, "demo")
    terminal.keys("demo", "Space", "z")
    digits = re.compile(r"(\d+):(\d\d)")

    def countdown(screen: str) -> int | None:
        match = digits.fullmatch(read_block_digits(screen) or "")
        return seconds(match) if match else None

    first_screen = terminal.wait_for("demo", lambda s: countdown(s) is not None)
    first = countdown(first_screen)
    assert first is not None
    assert first <= 96
    assert "Amara Okafor" in first_screen
    assert "speaking" in first_screen
    later = terminal.wait_for("demo", lambda s: (countdown(s) or first) <= first - 2)
    assert "Amara Okafor" in later
    terminal.keys("demo", "z")
    terminal.wait_for("demo", lambda s: "Session clock" in s and "Queue" in s)
    terminal.keys("demo", "C-q")


def test_killed_session_resumes_paused_with_time_lost(
    terminal: Terminal, make_group, open_vault_factory
):
    make_group(SLUG, PASSPHRASE).close()
    terminal.env["PLG_PASSPHRASE"] = PASSPHRASE
    terminal.start("run", f"{PLG} session {SLUG} --kind 1")
    agree_and_start(terminal, "run")
    terminal.keys("run", "Space")
    # 2.5 s against a floor of 1.0: a loaded machine may handle Space late and "n" at once
    time.sleep(2.5)
    terminal.keys("run", "n")
    terminal.wait_for("run", lambda s: "▶ Grace" in s)
    time.sleep(1.0)
    os.kill(terminal.pane_pid("run"), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while terminal.alive("run") and time.monotonic() < deadline:
        time.sleep(0.1)
    saved = open_vault_factory().session_state("1")
    rounds = saved["rounds"]["0"]
    assert saved["stage"] == "agenda"
    assert rounds["current_index"] == 1
    assert rounds["was_running"] is True
    ada_used = rounds["slots"][0]["used"]
    assert 1.0 <= ada_used <= 8.0

    terminal.start("again", f"{PLG} session {SLUG} --resume")
    # the killed app could not remove its lock: the new one offers to take over
    terminal.wait_for("again", lambda s: "open elsewhere" in s)
    terminal.keys("again", "t")
    terminal.wait_for("again", lambda s: "Take over this group's session?" in s)
    terminal.keys("again", "y")
    # wait for the whole resumed screen: a capture can land between two partial repaints
    text = terminal.wait_for(
        "again",
        lambda s: bool(re.search(r"Paused on resume: \d+:\d\d", s) and "✓ Ada" in s),
    )
    assert "Grace Hopper" in text
    assert "1/6  Check-in" in text
    lost = re.search(r"Paused on resume: (\d+):(\d\d)", text)  # "lost" may be cut at 80 columns
    assert lost is not None
    assert seconds(lost) >= 1
    assert re.search(r"✓ Ada\s+done\s+0:0\d", text), text
    terminal.keys("again", "C-q", "y")


def test_demo_home_is_removed_when_the_terminal_goes_away(terminal: Terminal, tmp_path: Path):
    terminal.start("demo", f"{PLG} demo")
    terminal.wait_for("demo", lambda s: "PLEASE DO NOT RECORD" in s)
    assert len(list((tmp_path / "e2e-tmp").glob("plg-demo-*"))) == 1
    os.kill(terminal.pane_pid("demo"), signal.SIGTERM)
    deadline = time.monotonic() + 10
    while terminal.alive("demo") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list((tmp_path / "e2e-tmp").glob("plg-demo-*")) == []
