"""In the lobby, for the facilitator to read out: the group's ground rules (or how to write
them) and the parking-lot items an earlier session carried into this one."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup
from plg_tui.vocabulary import SessionKind


def readout_lines(
    kind: str, slug: str, rules: Sequence[str], carried: Sequence[str]
) -> Content | None:
    """None when there is nothing to read out (the trust session with nothing carried)."""
    lines: list[Content] = []
    if kind != SessionKind.TRUST:
        if rules:
            lines.append(markup("[b]Our ground rules[/b]: please read them out before we start"))
            lines += [markup("  $n. $rule", n=n, rule=r) for n, r in enumerate(rules, start=1)]
        else:
            lines.append(
                markup(
                    "[b]No ground rules yet.[/b] The group writes them in the trust-building "
                    "session: plg session $slug --kind trust",
                    slug=slug,
                )
            )
    if carried:
        lines.append(markup("[b]From the parking lot[/b], carried from an earlier session"))
        lines += [markup("  • $item", item=item) for item in carried]
    return Content("\n").join(lines) if lines else None


class LobbyReadout(Static):
    DEFAULT_CSS = """
    LobbyReadout {
        height: auto;
        max-height: 12;
        overflow-y: auto;
        margin: 1 1 0 1;
        padding: 0 1;
        border-left: thick $primary;
    }
    """

    def show(self, kind: str, slug: str, rules: Sequence[str], carried: Sequence[str]) -> None:
        lines = readout_lines(kind, slug, rules, carried)
        self.display = lines is not None
        if lines is not None:
            self.update(lines)
