"""Where a line stands among its neighbours: shapes the signature and disclaimer rules share."""

from __future__ import annotations


def lone_line_above(lines: list[str], start: int) -> int | None:
    """The nearest non-blank line above `start` when it stands alone (a blank line or the top
    above it), as a heading or a sign-off does; None otherwise."""
    above = start - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above >= 0 and (above == 0 or not lines[above - 1].strip()):
        return above
    return None
