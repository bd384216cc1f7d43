"""Toasts whose cause has gone: a warning that stays on screen after it was fixed misleads the
whole call ("not yet ticked for Elena" after Elena agreed)."""

from __future__ import annotations

from typing import Any

from textual.app import App


def withdraw(app: App[Any], title: str) -> None:
    """Dismiss every toast titled `title` now.

    Textual dismisses a toast only when clicked or timed out; its notification store is
    private, so this is the one place that reaches into it.
    """
    stale = [note for note in app._notifications if note.title == title]
    for note in stale:
        app._unnotify(note, refresh=False)
    if stale:
        app._refresh_notifications()
