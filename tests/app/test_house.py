"""The session app's house rules: widgets carry their own look, and files stay small."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from textual.widget import Widget

import plg_tui.app
import plg_tui.app.widgets

APP = Path(plg_tui.app.__file__).parent


def widget_classes() -> list[type[Widget]]:
    found = []
    for info in pkgutil.iter_modules(plg_tui.app.widgets.__path__):
        module = importlib.import_module(f"plg_tui.app.widgets.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Widget) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


@pytest.mark.parametrize("widget", widget_classes(), ids=lambda cls: cls.__name__)
def test_each_widget_styles_itself_by_its_type(widget: type[Widget]) -> None:
    css = vars(widget).get("DEFAULT_CSS", "")
    assert re.search(rf"^\s*{widget.__name__}\s*{{", css, re.MULTILINE)


def test_the_app_stylesheet_does_not_style_widgets_by_the_ids_their_parents_give() -> None:
    stylesheet = (APP / "app.tcss").read_text(encoding="utf-8")
    for given_id in ("session-clock", "phase-list", "speaker", "queue", "checklist", "talk-time"):
        assert not re.search(rf"#{given_id}\b", stylesheet), given_id


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=lambda p: p.name)
def test_every_file_of_the_app_is_under_300_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) < 300
