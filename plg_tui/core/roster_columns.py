"""The roster's columns: which plg reads, which it ignores, and which look like a typo."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

COLUMNS = ("name", "email", "title", "level", "reports_to", "department", "timezone")
REQUIRED = ("name", "email", "level")


def misspelt_columns(header: list[str], columns: Sequence[str] = COLUMNS) -> list[tuple[str, str]]:
    """Unknown columns that look like a known one the header lacks, with the one they resemble.

    Other unknown columns are ignored (a roster exported from HR carries many), but a typo such
    as `timzone` would silently give everyone the group's time zone, so it is refused.
    """
    absent = [c for c in columns if c not in header]
    found = []
    for column in header:
        if column and column not in columns:
            close = difflib.get_close_matches(column.replace(" ", "_"), absent, n=1, cutoff=0.75)
            if close:
                found.append((column, close[0]))
    return found


def ignored_columns(header: list[str]) -> list[str]:
    """Columns plg does not read and that resemble none it does: ignored with a note."""
    misspelt = {column for column, _ in misspelt_columns(header)}
    return [c for c in header if c and c not in COLUMNS and c not in misspelt]
