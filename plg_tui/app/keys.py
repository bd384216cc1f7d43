"""The session's keys as the help screen and the command palette offer them.

Every session key is a `Binding` with an id (plg.toml's [keys] remaps it by that id) and a
description; keys without an id (scrolling, focus) are Textual's own and not listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import ActiveBinding, Binding, BindingType
from textual.screen import Screen

# Not offered as palette commands: the palette itself, and quitting (ctrl+q is always there).
NOT_IN_PALETTE = frozenset({"command_palette", "quit", "request_quit"})

APP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
    Binding("b", "curtain", "Curtain", id="app.curtain"),
    Binding("z", "presenter", "Presenter", id="app.presenter"),
    # Text fields take `b`: these two reach the curtain from a capture box too.
    Binding(
        "f12,ctrl+b",
        "curtain",
        "Curtain (also while typing)",
        key_display="F12",
        id="app.curtain_anywhere",
        priority=True,
        show=False,
    ),
    # Asks first, then saves where the session is (see guards.py).
    Binding("ctrl+q", "request_quit", "Quit", id="app.quit", priority=True, show=False),
]


def _session_bindings(
    screen: Screen[Any], leave_out: frozenset[str] = frozenset()
) -> Iterator[ActiveBinding]:
    """The session's keys that apply on `screen` right now, one per description."""
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.id is None or not active.enabled or binding.description in seen:
            continue
        if binding.action in leave_out:
            continue
        seen.add(binding.description)
        yield active


def screen_keys(app: App[Any], screen: Screen[Any]) -> list[tuple[str, str, str]]:
    """(key, description, binding id) of every key that applies on `screen`, as remapped."""
    return [
        (app.get_key_display(active.binding), active.binding.description, str(active.binding.id))
        for active in _session_bindings(screen)
    ]


def palette_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """The screen's actions that apply right now, named as in the footer, with their key."""
    for active in _session_bindings(screen, leave_out=NOT_IN_PALETTE):
        binding = active.binding
        yield SystemCommand(
            binding.description,
            f"key {app.get_key_display(binding)}",
            partial(app.run_action, binding.action, active.node),
        )
