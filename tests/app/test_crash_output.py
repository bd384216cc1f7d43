"""A crash of the session app reports where it happened, never the values it was holding."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

MARKER = "QXCRASHMARK my report keeps missing deadlines"


def fail_holding_member_text() -> None:
    note = MARKER  # what a capture handler holds while it saves
    raise RuntimeError(f"could not save a note of {len(note)} characters")


async def run_until_the_crash(app) -> None:
    async with app.run_test() as pilot:
        app.call_later(fail_holding_member_text)
        await pilot.pause()
        await pilot.pause()


async def test_a_crash_prints_the_traceback_without_local_values(make_app) -> None:
    app = make_app()
    crash_output = io.StringIO()
    app.error_console = Console(file=crash_output, width=100, color_system=None)
    with pytest.raises(RuntimeError, match="could not save a note"):
        await run_until_the_crash(app)
    report = crash_output.getvalue()
    assert "fail_holding_member_text" in report
    assert "RuntimeError" in report
    assert "QXCRASHMARK" not in report
