"""Which remaps of plg.toml's [keys] would take a key another binding on the same screen has.

Textual applies a keymap by silently unbinding whatever held the key before, so a remap such
as `"agenda.next_phase" = "n"` would quietly take "next speaker" away in the middle of a
round. The session command refuses such a keymap before anything opens.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.keys import _character_to_key
from textual.screen import Screen

from plg_tui.app import screens
from plg_tui.app.keys import APP_BINDINGS


@dataclass(frozen=True)
class KeyCollision:
    remapped: str  # the binding id plg.toml remaps
    other: str  # the binding id that already answers to the key on that screen
    key: str
    screen: str


def _normal(key: str) -> str:
    key = key.strip()
    return _character_to_key(key) if len(key) == 1 else key


def _keys(binding: Binding, keymap: Mapping[str, str]) -> set[str]:
    keys = keymap.get(binding.id or "", binding.key)
    return {_normal(key) for key in keys.split(",") if key.strip()}


def _screen_classes() -> Iterator[type[Screen[Any]]]:
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"{screens.__name__}.{info.name}")
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Screen) and value.__module__ == module.__name__:
                yield value


def _own_bindings(screen: type[Screen[Any]]) -> list[Binding]:
    """The screen's bindings with an id, its base classes' included."""
    return [
        binding
        for cls in reversed(screen.__mro__)
        for binding in vars(cls).get("BINDINGS", [])
        if isinstance(binding, Binding) and binding.id is not None
    ]


def keymap_collisions(keymap: Mapping[str, str]) -> list[KeyCollision]:
    """Every (remapped id, other id, key, screen) where a remap takes a key already in use."""
    found: list[KeyCollision] = []
    seen: set[tuple[str, str, str]] = set()
    app_bindings = [b for b in APP_BINDINGS if isinstance(b, Binding) and b.id is not None]
    for screen in sorted(_screen_classes(), key=lambda cls: cls.__name__):
        bindings = [*app_bindings, *_own_bindings(screen)]
        for remapped in (b for b in bindings if b.id in keymap):
            for other in bindings:
                if other.id == remapped.id:
                    continue
                new_keys = _keys(remapped, keymap) - _keys(remapped, {})
                for key in sorted(new_keys & _keys(other, keymap)):
                    pair = (str(remapped.id), str(other.id), key)
                    if pair not in seen and (pair[1], pair[0], key) not in seen:
                        seen.add(pair)
                        name = screen.__name__.removesuffix("Screen").lower()
                        found.append(KeyCollision(pair[0], pair[1], key, name))
    return found
