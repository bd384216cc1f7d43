"""Fixtures for the session app: a group with a cheap KDF, a fake clock, an app factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from plg_tui.app.app import PlgApp
from plg_tui.vault.group import GroupVault
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.keys import unlock
from tests.app.helpers import PASSPHRASE, SLUG, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def group(make_group) -> Path:
    """A five-member group on giving-feedback; returns the data home."""
    vault = make_group(SLUG, PASSPHRASE)
    home = vault.home
    vault.close()
    return home


@pytest.fixture
def keys(group: Path) -> GroupKeys:
    return unlock(group, SLUG, PASSPHRASE)


@pytest.fixture
def open_vault(group: Path, keys: GroupKeys) -> Callable[[], GroupVault]:
    """A fresh GroupVault reading what is on disk now."""
    return lambda: GroupVault(group, keys)


@pytest.fixture
def make_app(group: Path, keys: GroupKeys, clock: FakeClock) -> Callable[..., PlgApp]:
    def make(**overrides) -> PlgApp:
        options = {
            "kind": "1",
            "keys": keys,
            "clock": clock,
            "wall": clock.wall,
            "rng_seed": 7,
        }
        options.update(overrides)
        return PlgApp(group, SLUG, **options)

    return make


@pytest.fixture
def open_vault_factory(data_home: Path) -> Callable[[], GroupVault]:
    """Open the fixture group as it is on disk now (for groups made inside a test)."""
    return lambda: GroupVault(data_home, unlock(data_home, SLUG, PASSPHRASE))
