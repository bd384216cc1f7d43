"""Text from outside the code, made safe to show in a widget.

Roster names, module text, journal entries and error messages are data, never markup. They
reach a widget only as `Content` (or a Rich `Text`) built here, which is never parsed as
markup: "[@click=app.quit]Ada" is shown as written and clicks nothing, "[/x]" cannot crash a
screen. Markup written in the code takes outside values as `$name` template variables, which
Textual substitutes after parsing the markup. Control characters (ESC, BEL, ...) and bidi
overrides are replaced by visible stand-ins, so nothing from a roster reaches the terminal
as a control sequence and no name can reorder the text around it.

`rich.markup.escape` is not enough for Textual's markup (it leaves "[$accent]" and "[B]" as
tags and doubles a trailing backslash), and an escape call is easy to forget: use these.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

REPLACEMENT = "\ufffd"
# Explicit direction marks, embeddings, overrides and isolates (Trojan Source, CVE-2021-42574).
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))


def _stand_ins() -> dict[int, str]:
    table: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}  # ␛, ␇, ...
    table[0x7F] = "\u2421"  # ␡
    table.update({code: REPLACEMENT for code in range(0x80, 0xA0)})  # C1 controls (CSI, OSC)
    table.update({code: REPLACEMENT for code in _BIDI})
    table.update({0x2028: REPLACEMENT, 0x2029: REPLACEMENT})
    table[ord("\n")] = "\n"  # journal entries and scripts keep their lines
    table[ord("\t")] = "    "
    return table


_STAND_INS = _stand_ins()


def sanitised(text: object) -> str:
    """`text` with every control or bidi character replaced by a visible stand-in."""
    return str(text).translate(_STAND_INS)


def plain(text: object, style: str = "") -> Content:
    """Outside text shown exactly as written (never markup), optionally in one style."""
    return Content.styled(sanitised(text), style) if style else Content(sanitised(text))


def markup(template: str, /, **values: object) -> Content:
    """Markup written in the code (a literal), with outside text as `$name` variables.

    markup("[b]$name[/b] speaks", name=name): the value is inserted after the markup is
    parsed, so whatever it contains is shown as text. Write `$$` for a literal dollar sign.
    """
    return Content.from_markup(template, **{k: sanitised(v) for k, v in values.items()})


def cell(text: object) -> Text:
    """A table cell (DataTable) or exit message showing outside text as written."""
    return Text(sanitised(text))
