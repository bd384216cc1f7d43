"""What every `plg-companion` command shares: its name, usage errors, --now, error lines."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

PROG = "plg-companion"


class UsageError(Exception):
    """A command-line value that cannot be used."""


def parse_now(value: str | None) -> datetime:
    """--now as an aware datetime; a value without an offset is read as UTC."""
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now {value!r}: use ISO 8601, e.g. 2026-12-02T09:00+01:00") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def print_error(message: str, code: int) -> int:
    """Print `message` as error lines on stderr; returns `code` for the caller to exit with."""
    for line in message.splitlines() or ["error"]:
        print(f"{PROG}: error: {line}", file=sys.stderr)
    return code
