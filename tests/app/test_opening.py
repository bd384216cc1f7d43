"""The demo's start-up: the lobby paints before the vault is open, and nothing pressed is lost."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime

from plg_tui.app.app import PlgApp
from plg_tui.app.screens.lobby import OPENING, LobbyScreen
from plg_tui.core.demo import DEMO_PEOPLE, demo_home
from plg_tui.errors import PlgError
from plg_tui.vault.group import GroupVault
from tests.app.helpers import SLUG

SIZE = (100, 30)


def table_names(app: PlgApp) -> list[str]:
    table = app.screen.query_one("#roster")
    return [str(table.get_row(key)[0]) for key in table.rows]


async def test_lobby_paints_from_the_preview_and_applies_keys_pressed_while_opening(
    group, keys, clock, open_vault
):
    release = threading.Event()

    def open_keys():
        release.wait(10)  # the vault stays closed until the keys below were pressed
        return keys

    members = open_vault().members()
    app = PlgApp(
        group,
        SLUG,
        kind="1",
        open_keys=open_keys,
        roster_preview=[(m.email, m.name) for m in members],
        clock=clock,
        wall=clock.wall,
        rng_seed=7,
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.controller is None
        assert isinstance(app.screen, LobbyScreen)
        assert table_names(app) == [m.name for m in members]
        assert OPENING in str(app.screen.query_one("#lobby-title").render())
        # Agree for the first two, then make the third the facilitator: all before the open.
        await pilot.press("a", "down", "a", "down", "f")
        assert app.controller is None
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.controller is not None
        model = app.controller.model
        first, second, third = (m.email for m in members[:3])
        assert model.agreed[first]
        assert model.agreed[second]
        assert not model.agreed[third]
        assert model.facilitator == third
        assert OPENING not in str(app.screen.query_one("#lobby-title").render())
        saved = open_vault().session_state("1")
        assert saved["agreed"][second] is True
        assert saved["facilitator"] == third


async def test_a_failed_open_ends_the_app_with_the_error(group, clock, capsys):
    def open_keys():
        raise PlgError("the demo home could not be written")

    app = PlgApp(group, SLUG, kind="1", open_keys=open_keys, clock=clock, wall=clock.wall)
    async with app.run_test(size=SIZE):
        for _ in range(500):
            if not app.is_running:
                break
            await asyncio.sleep(0.01)
    assert app.return_code == 1
    assert "plg: error: the demo home could not be written" in capsys.readouterr().err


def test_demo_home_builds_the_demo_group_once_and_removes_it():
    with demo_home(datetime(2026, 12, 1, 9, 0)) as home:
        assert home.home.is_dir()
        assert not (home.home / "groups").exists()
        first = home.build()
        assert home.build() is first
        vault = GroupVault(first.home, first.keys)
        assert [(m.email, m.name) for m in vault.members()] == list(DEMO_PEOPLE)
        assert vault.info().session1 == "2026-12-01T14:00"
        vault.close()
    assert not home.home.exists()


def test_demo_home_removal_waits_for_a_build_in_progress():
    outcome: list[str] = []

    def build() -> None:
        try:
            home.build()
            outcome.append("built")
        except RuntimeError:
            outcome.append("refused: already removed")

    with demo_home() as home:
        builder = threading.Thread(target=build)
        builder.start()
    builder.join(10)
    assert len(outcome) == 1
    # Whichever came first, nothing of the demo outlives the block.
    assert not home.home.exists()
