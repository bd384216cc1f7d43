"""Talk time per member as horizontal bars with the minutes and share written beside them."""

from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup, plain
from plg_tui.core.agenda import format_mmss
from plg_tui.core.session import SessionModel

BAR_WIDTH = 30


def chart_lines(
    times: Mapping[str, float], names: Mapping[str, str], width: int = BAR_WIDTH
) -> Content:
    total = sum(times.values())
    if not times:
        return plain("Nobody has spoken yet.")
    longest = max(times.values()) or 1.0
    fair = 100.0 / len(times)
    lines = [markup("[b]Talk time[/b] (a fair share would be $fair% each)", fair=f"{fair:.0f}")]
    label_width = max(len(names.get(k, k)) for k in times)
    for key, seconds in times.items():
        filled = round(width * seconds / longest) if longest else 0
        bar = "█" * filled + "·" * (width - filled)
        share = 100.0 * seconds / total if total else 0.0
        name = names.get(key, key)
        lines.append(plain(f"{name:<{label_width}} {bar} {format_mmss(seconds):>6} {share:>3.0f}%"))
    return Content("\n").join(lines)


class TalkTimeChart(Static):
    DEFAULT_CSS = """
    TalkTimeChart {
        padding: 1 1;
        height: auto;
    }
    """

    def show(self, model: SessionModel) -> None:
        """Everyone present, and anyone absent now who spoke earlier."""
        names = {p.key: p.name for p in model.people}
        times = {k: v for k, v in model.talk_time().items() if model.present.get(k) or v > 0}
        self.update(chart_lines(times, names))
