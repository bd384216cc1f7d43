""">"-quoted lines: the one mark every client agrees on."""

from __future__ import annotations

import re

# ">50% of my team" or ">= 3 people" is the member's own text, not a quote.
_QUOTED_LINE = re.compile(r"^[ \t]*>(?![=\d])")


def is_quoted(line: str) -> bool:
    return bool(_QUOTED_LINE.match(line))
