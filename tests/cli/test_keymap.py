"""plg.toml [keys]: a remap that takes another binding's key on the same screen is refused."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from plg_tui.app.keymap_check import keymap_collisions
from plg_tui.core.settings import load_keymap

PLG = shutil.which("plg", path=str(Path(sys.executable).parent)) or "plg"
README = Path(__file__).resolve().parents[2] / "README.md"


def test_colliding_remap_is_refused_before_anything_opens(make_group: Any, data_home: Path):
    make_group().close()
    settings = data_home / "plg.toml"
    settings.write_text(
        settings.read_text().replace("[keys]\n", '[keys]\n"agenda.next_phase" = "n"\n')
    )
    before = {p: p.stat().st_mtime_ns for p in data_home.rglob("*") if p.is_file()}
    result = subprocess.run(
        [PLG, "session", "team"],
        capture_output=True,
        text=True,
        env={**os.environ, "PLG_PASSPHRASE": "correct horse battery"},
        stdin=subprocess.DEVNULL,
        timeout=20,
    )
    assert result.returncode == 1
    assert result.stdout == ""  # the app never drew on the terminal
    assert "Traceback" not in result.stderr
    assert "[keys] agenda.next_phase" in result.stderr
    assert "key 'n' for agenda.next_phase is already round.next's on the agenda screen" in (
        result.stderr
    )
    assert f"{settings}:" in result.stderr  # names the file and line
    assert {p: p.stat().st_mtime_ns for p in data_home.rglob("*") if p.is_file()} == before


def test_moving_the_other_binding_away_too_is_accepted() -> None:
    assert keymap_collisions({"agenda.next_phase": "n", "round.next": "x"}) == []
    assert keymap_collisions({"app.help": "question_mark"}) == []  # its own key, unchanged


def test_app_keys_collide_on_every_screen_that_has_the_key() -> None:
    found = keymap_collisions({"app.curtain": "l"})
    assert {(c.other, c.screen) for c in found} == {
        ("agenda.attendance", "agenda"),
        ("attendance.close", "attendance"),
    }


def test_the_documented_examples_do_not_collide(data_home: Path) -> None:
    readme = re.findall(r'`("[a-z_.0-9]+" = "[^"]+")`', README.read_text())
    template = re.findall(
        r'^# ("[a-z_.0-9]+" = "[^"]+")', (data_home / "plg.toml").read_text(), re.M
    )
    assert readme
    assert template
    for example in readme + template:
        (data_home / "plg.toml").write_text(f"[keys]\n{example}\n")
        assert keymap_collisions(load_keymap(data_home)) == [], example
