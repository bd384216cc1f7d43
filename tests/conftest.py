"""Isolation for every test: the data home, config, passphrase and clock-related environment
never come from the developer's machine."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from plg_tui.vault.crypto import KdfParams
from tests.netutil import refused_port

CHEAP_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)

_SCRUBBED = (
    "PLG_PASSPHRASE",
    "PLG_NEW_PASSPHRASE",
    "PLG_SMTP_PASSWORD",
    "PLG_IMAP_PASSWORD",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "plg-home"
    monkeypatch.setenv("PLG_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("TZ", "UTC")
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "user").mkdir(exist_ok=True)
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir(exist_ok=True)
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    return home


@pytest.fixture
def data_home(isolated_environment: Path) -> Path:
    from plg_tui.core.home import init_home

    init_home(isolated_environment)
    return isolated_environment


@pytest.fixture
def cheap_kdf() -> KdfParams:
    return CHEAP_KDF


ROSTER_HEADER = "name,email,title,level,reports_to,department,timezone\n"
ROSTER_ROWS = (
    "Ada Lovelace,ada@example.org,Engineering Manager,5,cto@example.org,Engineering,Europe/London\n"
    "Grace Hopper,grace@example.org,Engineering Manager,5,cto@example.org,Engineering,"
    "America/New_York\n"
    "Linus Park,linus@example.org,QA Lead,4,vpq@example.org,Quality,\n"
    "Mei Chen,mei@example.org,Operations Manager,5,coo@example.org,Operations,Asia/Kolkata\n"
    "Tomás Ruiz,tomas@example.org,Support Manager,4,coo@example.org,Support,Europe/Madrid\n"
)


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_HEADER + ROSTER_ROWS, encoding="utf-8")
    return path


@pytest.fixture
def make_group(data_home: Path, roster_file: Path, cheap_kdf: KdfParams):
    """Create a group (cheap KDF) and return its unlocked GroupVault."""
    from plg_tui.core.groups import GroupSpec, create_group

    def make(slug: str = "team", passphrase: str = "correct horse battery", **overrides):
        spec = GroupSpec(
            slug=slug,
            module_id=overrides.pop("module_id", "giving-feedback"),
            roster=overrides.pop("roster", roster_file),
            session1=overrides.pop("session1", "2026-12-01T14:00"),
            session2=overrides.pop("session2", "2026-12-29T14:00"),
            timezone=overrides.pop("timezone", "Europe/Berlin"),
            # fixed dates, read against the clock each test injects, never the wall clock
            allow_past=overrides.pop("allow_past", True),
            **overrides,
        )
        return create_group(data_home, spec, passphrase, kdf=cheap_kdf)

    return make


def all_bytes_under(*roots: Path) -> list[tuple[Path, bytes]]:
    found = []
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder) / name
                try:
                    found.append((path, path.read_bytes()))
                except OSError:
                    continue
    return found


def require_tool(available: bool, what: str) -> None:
    """Skip a test whose real server or terminal is missing on a developer's machine, but fail
    it in CI, where `make test` installs them: a green CI must never hide a missing install."""
    if available:
        return
    message = f"{what} is not installed (scripts/ensure-test-tools.sh installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(name="refused_port")
def refused_port_fixture() -> Iterator[int]:
    """A port where nothing listens and nothing can start listening during the test."""
    with refused_port() as port:
        yield port
