"""A countdown drawn in block characters as large as its box: presenter mode's digits.

Textual's `Digits` are three rows tall whatever the window; on a shared screen seen as a
thumbnail in a video call that is too small. Here each glyph is a 5x7 bitmap whose pixels are
scaled to fill the widget. The ink says the state as a pattern, not only as a colour (colours
wash out in a screen share and not everyone sees them): solid for speaking, hatched for the
last minute, cross-hatched for overtime.
"""

from __future__ import annotations

from enum import StrEnum

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

GLYPH_HEIGHT = 7
# Pixels ("#") of each character the countdown can show; every row of a glyph is as wide.
GLYPHS: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("####.", "....#", "....#", ".###.", "....#", "....#", "####."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": (".###.", "#....", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "....#", ".###."),
    ":": (".", "#", "#", ".", "#", "#", "."),
    "+": (".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."),
    "-": (".....", ".....", ".....", "#####", ".....", ".....", "....."),
    " ": ("..", "..", "..", "..", "..", "..", ".."),
}


class Ink(StrEnum):
    """The pattern the digits are drawn with; each is a block or box-drawing character."""

    SOLID = "█"  # speaking
    HATCHED = "▚"  # the last minute
    CROSSED = "\u2573"  # overtime: box drawings light diagonal cross


def _glyph(char: str) -> tuple[str, ...]:
    return GLYPHS.get(char, GLYPHS[" "])


def pixel_width(text: str) -> int:
    """Width of `text` in font pixels, one blank pixel column between characters."""
    if not text:
        return 0
    return sum(len(_glyph(char)[0]) for char in text) + len(text) - 1


def scale_for(text: str, width: int, height: int) -> tuple[int, int]:
    """(columns, rows) per font pixel so `text` fits `width` x `height` cells, at least 1x1.

    A terminal cell is about twice as tall as it is wide, so a pixel is kept no wider than
    twice its height (digits stay digit-shaped) and no taller than it is wide.
    """
    pixels = max(1, pixel_width(text))
    rows = max(1, height // GLYPH_HEIGHT)
    columns = max(1, width // pixels)
    columns = min(columns, 2 * rows)
    rows = min(rows, columns)
    return columns, rows


def big_lines(text: str, width: int, height: int, ink: Ink = Ink.SOLID) -> list[str]:
    """`text` drawn in `ink`, scaled to `width` x `height`: one string per terminal row."""
    columns, rows = scale_for(text, width, height)
    lines: list[str] = []
    for row in range(GLYPH_HEIGHT):
        pixels = " ".join(_glyph(char)[row] for char in text).replace(" ", ".")
        line = "".join((ink.value if pixel == "#" else " ") * columns for pixel in pixels)
        lines.extend([line] * rows)
    return lines


class BigCountdown(Widget):
    """Shows `text` (e.g. "4:59" or "+0:12") in block digits filling the widget."""

    DEFAULT_CSS = """
    BigCountdown {
        width: 1fr;
        height: 1fr;
        color: $foreground;
    }
    BigCountdown.-last-minute {
        color: $warning;
    }
    BigCountdown.-overtime {
        color: $error;
    }
    """

    text: reactive[str] = reactive("0:00")
    ink: reactive[Ink] = reactive(Ink.SOLID)

    def show(self, text: str, ink: Ink) -> None:
        self.text = text
        self.ink = ink
        self.set_class(ink is Ink.HATCHED, "-last-minute")
        self.set_class(ink is Ink.CROSSED, "-overtime")

    def render(self) -> Text:
        width, height = self.content_size.width, self.content_size.height
        lines = big_lines(self.text, width, height, self.ink)
        drawn_width = max((len(line) for line in lines), default=0)
        left = " " * max(0, (width - drawn_width) // 2)
        top = [""] * max(0, (height - len(lines)) // 2)
        return Text("\n".join([*top, *(left + line for line in lines)]), no_wrap=True)
