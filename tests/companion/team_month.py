"""The five-member group of the companion's month tests: its roster across three time zones,
its partners, and running the companion at a given instant.

Session 1 is on 20 October 2026; the month crosses the EU and US daylight-saving changes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from companion.outbound.ledger import Ledger
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.outbox import send_due
from plg_tui.core.groups import open_for_operations
from plg_tui.core.settings import load_settings
from plg_tui.vault.keys import load_operations_keys

ROSTER = (
    "name,email,title,level,reports_to,department,timezone\n"
    "Ada Lovelace,ada@example.org,Engineering Manager,5,cto@example.org,Eng,Europe/Berlin\n"
    "Grace Hopper,grace@example.org,Engineering Manager,5,cto@example.org,Eng,America/New_York\n"
    "Linus Park,linus@example.org,QA Lead,5,vpq@example.org,Quality,Asia/Tokyo\n"
    "Mei Chen,mei@example.org,Operations Manager,5,coo@example.org,Ops,America/New_York\n"
    "Tomás Ruiz,tomas@example.org,Support Manager,5,coo@example.org,Support,Europe/Berlin\n"
)
PAIRS = [
    ["ada@example.org", "grace@example.org"],
    ["linus@example.org", "mei@example.org", "tomas@example.org"],
]
ZONES = {
    "ada@example.org": "Europe/Berlin",
    "grace@example.org": "America/New_York",
    "linus@example.org": "Asia/Tokyo",
    "mei@example.org": "America/New_York",
    "tomas@example.org": "Europe/Berlin",
}
# Session 1 on 20 October 2026, 15:00 Berlin; Europe leaves summer time on 25 October and
# the US on 1 November, so the month crosses both changes.
SESSION1, SESSION2 = "2026-10-20T15:00", "2026-11-17T15:00"


def email_toml(server) -> str:
    return (
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n\n'
        + server.toml()
    )


def deliver_invitations(home: Path, smtp_server) -> None:
    # 06:00 UTC is daytime in Berlin and Tokyo, 12:00 UTC in New York (quiet hours 20-08)
    for hour in (6, 12):
        assert run_at(home, datetime(2026, 10, 18, hour, tzinfo=UTC)).exit_code == 0
    subjects = [str(m.message["Subject"]) for m in smtp_server.handler.messages]
    assert len(subjects) == 10
    assert all(s.startswith("Invitation: ") for s in subjects)
    smtp_server.handler.messages.clear()


def record_pairs(home: Path, pairs=PAIRS) -> None:
    vault = open_for_operations(home, "team")
    vault.record_pairing(pairs, "test")
    vault.close()


def run_at(home: Path, now: datetime, **settings_overrides):
    settings = load_settings(home)
    outbound = load_outbound_settings(settings)
    return asyncio.run(send_due(home, outbound, now, out=lambda line: None))


def ledger(home: Path) -> Ledger:
    return Ledger.read_only(home, load_operations_keys(home, "team"))
