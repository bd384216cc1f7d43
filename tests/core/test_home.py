"""The data home: where it is, its settings file, the remapped keys."""

from __future__ import annotations

import pytest

from plg_tui.core.home import init_home, resolve_home
from plg_tui.core.settings import SettingsError, load_keymap, load_settings


def test_home_resolution_order(tmp_path, monkeypatch):
    assert resolve_home(tmp_path / "explicit") == (tmp_path / "explicit").resolve()
    monkeypatch.setenv("PLG_HOME", str(tmp_path / "env"))
    assert resolve_home(None) == (tmp_path / "env").resolve()
    monkeypatch.delenv("PLG_HOME")
    assert "plg" in str(resolve_home(None))


def test_init_writes_a_commented_settings_file_once(tmp_path):
    home = tmp_path / "h"
    assert init_home(home) is True
    assert load_settings(home) == {
        "email": {},
        "smtp": {},
        "imap": {},
        "companion": {},
        "keys": {},
        "session": {},
        "sound": {},
        "schedule": {},
    }
    (home / "plg.toml").write_text('[smtp]\nhost = "mail"\n')
    assert init_home(home) is False
    assert load_settings(home)["smtp"]["host"] == "mail"


def test_keymap_from_settings(tmp_path):
    assert load_keymap(tmp_path) == {}
    (tmp_path / "plg.toml").write_text('[keys]\n"agenda.next_phase" = " n "\n')
    assert load_keymap(tmp_path) == {"agenda.next_phase": "n"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[keys]\n"app.curtain" = 3\n', r"\[keys\] app.curtain: expected keys as text"),
        ("keys = 1\n", r"\[keys\]: expected a table"),
        ("[keys\n", r"plg.toml: "),
    ],
)
def test_bad_keymap_is_a_clear_error(tmp_path, text, message):
    (tmp_path / "plg.toml").write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_keymap(tmp_path)
