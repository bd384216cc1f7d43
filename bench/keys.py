"""Time from a key press to the updated screen in the session app, against an empty Textual app.

Both apps run under Textual's Pilot (headless, 100x30) in this one process. A press is timed
from just before Pilot sends the key until the app hands its next rendered frame to the
driver (`App._display`), so what is measured is the key's handling plus the repaint it causes:
in the session app that includes saving the session (encrypted, fsynced) after the change.
The session app runs the demo group in its first round, timer running; the keys are next
speaker (`n`, each followed by an untimed `p` back), +1 min (`+`, each followed by an untimed
`-`) and presenter mode (`z`, in and out: a change of screen, where the empty app only changes
one line of text, as it does for every key). Target: each key's p95 at most 2x the empty app's.

    .venv/bin/python bench/keys.py [--presses N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Static

TARGET_RATIO = 2.0
SIZE = (100, 30)
FRAME_TIMEOUT = 5.0
# (label, key, the untimed key that undoes it or "")
SESSION_KEYS = [("next speaker", "n", "p"), ("+1 min", "plus", "minus"), ("presenter", "z", "")]


class EmptyApp(App[None]):
    BINDINGS = [  # noqa: RUF012 (Textual's own annotation)
        Binding(key, "change", key) for key in ("n", "p", "plus", "minus", "z")
    ]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Static("pressed 0 times", id="count")

    def action_change(self) -> None:
        self.presses += 1
        self.query_one("#count", Static).update(f"pressed {self.presses} times")


class FrameWatch:
    """Set when the app hands a rendered frame to its driver."""

    def __init__(self, app: App[Any]) -> None:
        self.frame = asyncio.Event()
        display: Callable[..., None] = app._display

        def watched(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.frame.set()

        app._display = watched  # type: ignore[method-assign]

    async def press(self, pilot: Pilot[Any], key: str) -> float:
        self.frame.clear()
        start = time.perf_counter()
        await pilot.press(key)
        await asyncio.wait_for(self.frame.wait(), FRAME_TIMEOUT)
        return time.perf_counter() - start


async def time_keys(
    app: App[Any],
    keys: list[tuple[str, str, str]],
    presses: int,
    setup: Callable[[Pilot[Any]], Any] | None = None,
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {label: [] for label, _, _ in keys}
    async with app.run_test(size=SIZE) as pilot:
        if setup is not None:
            await setup(pilot)
        await pilot.pause()
        watch = FrameWatch(app)
        for label, key, undo in keys:
            for _ in range(presses):
                times[label].append(await watch.press(pilot, key))
                if undo:
                    try:
                        await watch.press(pilot, undo)
                    except TimeoutError:
                        raise RuntimeError(
                            f"no frame after {undo!r} (undoing {key!r}), press {len(times[label])}"
                        ) from None
    return times


async def start_round(pilot: Pilot[Any]) -> None:
    for _ in range(5):
        await pilot.press("a", "down")
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("space")  # the round runs: `p` can step back only to someone who spoke
    await pilot.pause()
    assert "AgendaScreen" in type(pilot.app.screen).__name__, "the session did not start"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200, help="presses of each key")
    args = parser.parse_args()

    from plg_tui.app.app import PlgApp
    from plg_tui.core.demo import demo_home

    empty_keys = [(label, key, undo) for label, key, undo in SESSION_KEYS]
    empty = asyncio.run(time_keys(EmptyApp(), empty_keys, args.presses))
    with demo_home() as demo:
        group = demo.build()
        # The clock tick would repaint on its own; an hour apart it never falls in a press.
        app = PlgApp(group.home, group.slug, kind="1", keys=group.keys, tick_seconds=3600)
        session = asyncio.run(time_keys(app, SESSION_KEYS, args.presses, start_round))

    worst = 0.0
    print(f"{'key':<14}{'app':<8}{'median':>10}{'p95':>10}   (n={args.presses} each)")
    for label, _, _ in SESSION_KEYS:
        for name, times in (("plg", session[label]), ("empty", empty[label])):
            print(
                f"{label:<14}{name:<8}{statistics.median(times) * 1000:8.2f}ms"
                f"{p95(times) * 1000:8.2f}ms"
            )
        ratio = p95(session[label]) / p95(empty[label])
        median_ratio = statistics.median(session[label]) / statistics.median(empty[label])
        worst = max(worst, ratio)
        print(f"{label:<14}ratio   median {median_ratio:.2f}x  p95 {ratio:.2f}x")
    verdict = "within" if worst <= TARGET_RATIO else "OVER"
    print(f"worst p95 ratio plg / empty app: {worst:.2f}x ({verdict} the {TARGET_RATIO}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
