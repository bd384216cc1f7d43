"""Read presenter mode's block digits back from a terminal's text (tmux capture-pane)."""

from __future__ import annotations

from plg_tui.app.widgets.big_countdown import GLYPH_HEIGHT, GLYPHS, Ink

INKS = frozenset(ink.value for ink in Ink)


def _runs(line: str) -> list[int]:
    lengths, previous, count = [], None, 0
    for cell in line:
        if cell == previous:
            count += 1
        else:
            if previous is not None:
                lengths.append(count)
            previous, count = cell, 1
    return lengths


def read_block_digits(screen: str) -> str | None:
    """The text drawn in block digits on `screen`, or None when there is none to read."""
    rows = ["".join("#" if cell in INKS else "." for cell in line) for line in screen.splitlines()]
    width = max((len(row) for row in rows), default=0)
    rows = [row.ljust(width, ".") for row in rows]  # capture-pane drops trailing blanks
    inked = [y for y, row in enumerate(rows) if "#" in row]
    if not inked:
        return None
    top, height = inked[0], inked[-1] - inked[0] + 1
    if height % GLYPH_HEIGHT:
        return None
    scale_y = height // GLYPH_HEIGHT
    bands = [rows[top + r * scale_y] for r in range(GLYPH_HEIGHT)]
    left = min(band.index("#") for band in bands if "#" in band)
    right = max(band.rindex("#") for band in bands if "#" in band) + 1
    # A font pixel is the shortest run of ink or blank between the first and last ink.
    scale_x = min(min(_runs(band[left:right]), default=1) for band in bands if "#" in band)
    for shift in range(5):  # the first glyph may start with blank pixel columns
        start = left - shift * scale_x
        if start < 0:
            break
        pixels = ["".join(band[x] for x in range(start, right, scale_x)) for band in bands]
        text = _decode(pixels)
        if text is not None:
            return text
    return None


def _decode(pixels: list[str]) -> str | None:
    text, at, width = "", 0, len(pixels[0])
    while at < width:
        for char, glyph in GLYPHS.items():
            span = len(glyph[0])
            if char != " " and [row[at : at + span].ljust(span, ".") for row in pixels] == list(
                glyph
            ):
                text += char
                at += span + 1
                break
        else:
            return None
    return text
