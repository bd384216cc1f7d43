"""The csv module's own errors on a roster, as one line naming the file, the line and, if it
can, the field."""

from __future__ import annotations

import csv
import io

# The csv module's own limit (131072 characters): no roster field comes near it.
FIELD_LIMIT = csv.field_size_limit()


def unreadable_row(
    err: csv.Error, text: str, source: str, delimiter: str, line: int, header: list[str]
) -> str:
    """The csv module's error as one line naming the file, the line and, if it can, the field."""
    where = f"{source} line {line}"
    lines = io.StringIO(text, newline="").readlines()
    column = _long_field_column("".join(lines[line - 1 :]), delimiter)
    if column is None:
        return f"{where}: not readable as CSV ({err}); save it as 'CSV UTF-8'"
    field = f"field '{header[column]}'" if column < len(header) else f"field {column + 1}"
    return f"{where}: {field} is too long (over 128 KiB); is this the right file?"


def _long_field_column(row_text: str, delimiter: str) -> int | None:
    """Which field (0-based) of the row starting `row_text` is over the csv module's limit.

    A linear scan that follows quoting as the csv module does; None when no field is.
    """
    column = length = 0
    quoted = False
    for ch in row_text:
        if quoted:
            if ch == '"':
                quoted = False  # a doubled "" re-opens at once: counting stays right
                continue
        elif ch == '"':
            quoted = True
            continue
        elif ch == delimiter:
            column, length = column + 1, 0
            continue
        elif ch in "\r\n":
            return None
        length += 1
        if length > FIELD_LIMIT:
            return column
    return None
