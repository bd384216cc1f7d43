"""Startup time of `plg demo` against a bare Textual app, measured the same way in one run.

Each program runs in a fresh pseudo-terminal (100x30); the time is from just before the process
is started until the first painted screen shows its marker text in the terminal output. The two
programs alternate, and the medians are compared. Target: `plg demo` at most 1.3x the bare app.

    .venv/bin/python bench/startup.py [--runs N]

Note: the marker is the real lobby's first paint. `plg demo` paints that lobby from its fixed
roster and only then, in a worker, builds the throwaway group and opens the vault (keys pressed
meanwhile are applied once it is open), so what remains on the measured path is Python, Textual,
the CLI's parser and the lobby's own widgets. Every `plg` command module is imported to build
the parser, so a heavy import at the top of any of them (vault, cryptography) counts here.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

TARGET_RATIO = 1.3
TIMEOUT = 30.0

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("BARE APP PAINTED")

Bare().run()
"""
DEMO = "import sys; from plg_tui.cli import main; sys.exit(main(['demo']))"

PROGRAMS = {
    "bare Textual app": ([sys.executable, "-c", BARE_APP], b"BARE APP PAINTED"),
    "plg demo": ([sys.executable, "-c", DEMO], b"PLEASE DO NOT RECORD"),
}


def time_to_paint(command: list[str], marker: bytes) -> float:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True
    )
    os.close(follower)
    seen = b""
    try:
        while True:
            if time.perf_counter() - start > TIMEOUT:
                raise RuntimeError(f"no paint within {TIMEOUT} s: {command[:3]}")
            ready, _, _ = select.select([leader], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                raise RuntimeError(f"exited before painting: {command[:3]}") from None
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                return time.perf_counter() - start
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # Drain so the child never blocks on a full terminal while exiting.
        while select.select([leader], [], [], 0)[0]:
            try:
                if not os.read(leader, 65536):
                    break
            except OSError:
                break
        os.close(leader)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each program (default 7)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for command, marker in PROGRAMS.values():  # warm the file cache once
        time_to_paint(command, marker)
    for _ in range(args.runs):
        for name, (command, marker) in PROGRAMS.items():
            times[name].append(time_to_paint(command, marker))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"{name:<18} median {medians[name] * 1000:7.1f} ms"
            f"  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})"
        )
    ratio = medians["plg demo"] / medians["bare Textual app"]
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"ratio plg demo / bare app: {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
