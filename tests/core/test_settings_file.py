"""plg.toml is read in one place; every problem names the file, the table, the key, the line."""

from __future__ import annotations

import pytest

from companion.settings import ConfigError, load_smtp_settings
from plg_tui.core.settings import SettingsError, load_keymap, load_settings, min_slot_seconds


def test_a_bad_key_binding_names_file_table_key_and_line(tmp_path):
    (tmp_path / "plg.toml").write_text('[smtp]\nhost = "h"\n\n[keys]\nnext = 3\n')
    with pytest.raises(SettingsError) as caught:
        load_keymap(tmp_path)
    error = caught.value
    assert (error.path, error.table, error.key, error.line) == (
        tmp_path / "plg.toml",
        "keys",
        "next",
        5,
    )
    assert str(error) == f'{tmp_path / "plg.toml"}:5 [keys] next: expected keys as text, e.g. "n"'


def test_the_companion_sections_come_from_the_same_loader_and_error(tmp_path):
    (tmp_path / "plg.toml").write_text('[smtp]\nhost = "mail"\nport = "25"\n')
    settings = load_settings(tmp_path)
    assert settings["smtp"]["host"] == "mail"
    with pytest.raises(SettingsError, match=r"^plg.toml \[smtp\] port: must be a whole number"):
        load_smtp_settings(settings)
    assert issubclass(ConfigError, SettingsError)


def test_text_that_is_not_utf8_is_a_clear_error(tmp_path):
    (tmp_path / "plg.toml").write_bytes(b"[keys]\nnext = '\xff'\n")
    with pytest.raises(SettingsError, match=r"plg\.toml: is not UTF-8 text"):
        load_settings(tmp_path)


def test_the_slot_floor_is_one_minute_unless_the_session_table_says_otherwise(tmp_path):
    assert min_slot_seconds(tmp_path) == 60.0
    (tmp_path / "plg.toml").write_text("[session]\nmin_slot_minutes = 1.5\n")
    assert min_slot_seconds(tmp_path) == 90.0


@pytest.mark.parametrize("value", ['"1"', "-1", "nan", "inf", "true", "61"])
def test_a_bad_slot_floor_names_file_table_key_and_line(tmp_path, value):
    (tmp_path / "plg.toml").write_text(f"[session]\nmin_slot_minutes = {value}\n")
    with pytest.raises(SettingsError) as caught:
        min_slot_seconds(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'plg.toml'}:2 [session] min_slot_minutes: expected minutes from 0 to 60"
    )
