"""Talk time per member as horizontal bars with the minutes and share written beside them."""

from __future__ import annotations

from collections.abc import Mapping

from rich.markup import escape
from textual.widgets import Static

from plg_tui.core.agenda import format_mmss
from plg_tui.core.session import SessionModel

BAR_WIDTH = 30


def chart_lines(
    times: Mapping[str, float], names: Mapping[str, str], width: int = BAR_WIDTH
) -> str:
    total = sum(times.values())
    if not times:
        return "Nobody has spoken yet."
    longest = max(times.values()) or 1.0
    fair = 100.0 / len(times)
    lines = [f"[b]Talk time[/b] (a fair share would be {fair:.0f}% each)"]
    label_width = max(len(names.get(k, k)) for k in times)
    for key, seconds in times.items():
        filled = round(width * seconds / longest) if longest else 0
        bar = "█" * filled + "·" * (width - filled)
        share = 100.0 * seconds / total if total else 0.0
        name = escape(names.get(key, key))
        lines.append(f"{name:<{label_width}} {bar} {format_mmss(seconds):>6} {share:>3.0f}%")
    return "\n".join(lines)


class TalkTimeChart(Static):
    def show(self, model: SessionModel) -> None:
        """Everyone present, and anyone absent now who spoke earlier."""
        names = {p.key: p.name for p in model.people}
        times = {k: v for k, v in model.talk_time().items() if model.present.get(k) or v > 0}
        self.update(chart_lines(times, names))
