"""Every session key is a Binding with an id (to remap it) and a description (for the footer,
help and the command palette), and every screen shows a Footer."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.binding import Binding
from textual.screen import Screen

import plg_tui.app.screens
from plg_tui.app.app import PlgApp


def screen_classes() -> list[type[Screen[object]]]:
    found = []
    for info in pkgutil.iter_modules(plg_tui.app.screens.__path__):
        module = importlib.import_module(f"plg_tui.app.screens.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__ and own(cls):
                found.append(cls)
    return found


def own(cls: type) -> list[object]:
    """The bindings a class declares itself (Textual's Screen brings its own focus keys)."""
    return list(vars(cls).get("BINDINGS", []))


def test_every_screen_module_is_found() -> None:
    names = {cls.__name__ for cls in screen_classes()}
    assert {"LobbyScreen", "AgendaScreen", "CloseSession1Screen", "HelpScreen"} <= names


@pytest.mark.parametrize("owner", [PlgApp, *screen_classes()], ids=lambda cls: cls.__name__)
def test_every_key_is_a_binding_with_an_id_and_a_description(owner: type) -> None:
    for binding in own(owner):
        assert isinstance(binding, Binding), f"{owner.__name__}: {binding!r} is not a Binding"
        assert binding.id, f"{owner.__name__}: {binding.key}"
        assert binding.description, f"{owner.__name__}: {binding.key}"


def test_binding_ids_are_unique_so_a_remap_moves_one_key() -> None:
    ids = [b.id for owner in (PlgApp, *screen_classes()) for b in own(owner)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("screen", screen_classes(), ids=lambda cls: cls.__name__)
def test_every_screen_shows_a_footer(screen: type[Screen[object]]) -> None:
    assert "Footer(" in inspect.getsource(screen.compose)
