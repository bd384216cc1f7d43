"""Anyone who knows a group's Reply-To can send it messages that end in quarantine: the
quarantine is capped per group (items and bytes) and per run; beyond, a message is deleted
unstored and counted, and `plg-companion status` shows the count."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from companion.cli import main as companion_main
from companion.companion_limits import QuarantineLimits, load_quarantine_limits
from companion.inbound.local_sources import ingest_maildir
from companion.outbound.ledger import Ledger
from companion.settings import ConfigError
from plg_tui.core.settings import SETTINGS_TEMPLATE

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

NOW = "2026-12-08T18:45:00+00:00"


def forged(inbound: Inbound, index: int, padding: int = 0) -> bytes:
    """A message with a token that does not verify: it goes to quarantine."""
    raw = inbound.render("gmail_reply.eml", token=inbound.forged_token())
    raw = raw.replace(b"CAHx3kq5", b"flood%04d" % index)
    return raw.replace(b"Next time", b"x" * padding + b"\nNext time")


def deliver(inbound: Inbound, maildir: Path, messages: list[bytes]) -> None:
    for raw in messages:
        inbound.deliver(maildir, raw, f"{os.urandom(6).hex()}.host")


def test_beyond_the_caps_messages_are_deleted_and_counted(inbound: Inbound, tmp_path: Path) -> None:
    limits = QuarantineLimits(max_items=3, max_per_run=2)
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    deliver(inbound, maildir, [forged(inbound, i) for i in range(4)])
    first = ingest_maildir(inbound.ingester(quarantine_limits=limits), maildir)
    assert first.counts == {"quarantined": 2, "dropped": 2}
    assert os.listdir(maildir / "new") == []

    deliver(inbound, maildir, [forged(inbound, i) for i in range(4, 7)])
    deliver(inbound, maildir, [inbound.render("iphone_reply.eml")])  # a genuine reply
    second = ingest_maildir(inbound.ingester(quarantine_limits=limits), maildir)
    assert second.counts == {"quarantined": 1, "dropped": 2, "placed": 1}
    assert os.listdir(maildir / "new") == []
    assert len(inbound.quarantine()) == 3
    assert len(inbound.entries()) == 1
    assert Ledger.read_only(inbound.home, inbound.keys).quarantine_dropped == 4


def test_the_bytes_in_quarantine_are_capped(inbound: Inbound, tmp_path: Path) -> None:
    limits = QuarantineLimits(max_bytes=1024 * 1024)
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    deliver(inbound, maildir, [forged(inbound, i, padding=200_000) for i in range(3)])
    result = ingest_maildir(inbound.ingester(quarantine_limits=limits), maildir)
    assert result.counts == {"quarantined": 1, "dropped": 2}
    folder = inbound.home / "groups" / "team" / "quarantine"
    assert sum(p.stat().st_size for p in folder.iterdir()) <= 1024 * 1024


def test_the_caps_come_from_plg_toml_and_status_shows_the_count(
    inbound: Inbound, tmp_path: Path, capsys
) -> None:
    (inbound.home / "plg.toml").write_text(
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'
        "[companion]\nlock_timeout = 1\nquarantine_max_per_run = 1\n"
    )
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    deliver(inbound, maildir, [forged(inbound, i) for i in range(3)])
    home = str(inbound.home)
    assert companion_main(["--home", home, "ingest", "--maildir", str(maildir), "--now", NOW]) == 0
    ingested = capsys.readouterr()
    assert "3 messages handled: 1 quarantined, 2 dropped" in ingested.out
    assert "quarantine of group 'team' is full: 2 message(s) deleted unstored" in ingested.err
    assert companion_main(["--home", home, "status", "team", "--now", NOW]) == 0
    out = capsys.readouterr().out
    assert "quarantine: 1 held" in out
    assert "quarantine full: 2 message(s) deleted unstored, last 2026-12-08T18:45:00+00:00" in out


def test_quarantine_settings_have_defaults_bounds_and_a_documented_template() -> None:
    assert load_quarantine_limits({}) == QuarantineLimits(100, 50 * 1024 * 1024, 20)
    table = {"companion": {"quarantine_max_items": 5, "quarantine_max_mib": 2}}
    assert load_quarantine_limits(table) == QuarantineLimits(5, 2 * 1024 * 1024, 20)
    with pytest.raises(ConfigError, match=r"\[companion\] quarantine_max_per_run: must be"):
        load_quarantine_limits({"companion": {"quarantine_max_per_run": -1}})
    with pytest.raises(ConfigError, match=r"\[companion\] quarantine_max_mib: must be a whole"):
        load_quarantine_limits({"companion": {"quarantine_max_mib": "lots"}})
    template = tomllib.loads(SETTINGS_TEMPLATE)
    assert load_quarantine_limits(template) == QuarantineLimits()
    for key in ("quarantine_max_items", "quarantine_max_mib", "quarantine_max_per_run"):
        assert f"# {key} = " in SETTINGS_TEMPLATE


def test_a_bad_quarantine_setting_stops_the_ingest_before_anything_is_read(
    inbound: Inbound, tmp_path: Path, capsys
) -> None:
    (inbound.home / "plg.toml").write_text("[companion]\nquarantine_max_items = 1.5\n")
    maildir = inbound.make_maildir(tmp_path / "Maildir")
    deliver(inbound, maildir, [inbound.render("gmail_reply.eml")])
    home = str(inbound.home)
    assert companion_main(["--home", home, "ingest", "--maildir", str(maildir)]) == 2
    assert "plg.toml [companion] quarantine_max_items" in capsys.readouterr().err
    assert len(os.listdir(maildir / "new")) == 1
    assert inbound.entries() == []
