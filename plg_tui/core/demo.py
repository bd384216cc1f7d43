"""A throwaway demo group: five fictional managers and a bundled module in a temporary home.

`plg demo` runs a full session 1 on it without asking for a passphrase. Because the home is
deleted on exit, the demo group uses a deliberately light key derivation: the demo must start
as fast as a bare app, and nothing in it is worth protecting.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from plg_tui.vault.crypto import KdfParams
from plg_tui.vault.keys import GroupKeys

DEMO_SLUG = "demo"
DEMO_MODULE = "giving-feedback"
DEMO_PASSPHRASE = "demo passphrase, not a secret"
# Only for the throwaway demo home: the real default is Argon2id with 64 MiB, t=3.
DEMO_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)

DEMO_ROSTER = (
    "name,email,title,level,reports_to,department,timezone\n"
    "Amara Okafor,amara@demo.example,Engineering Manager,5,cto@demo.example,Engineering,UTC\n"
    "Bruno Lindqvist,bruno@demo.example,Support Manager,5,coo@demo.example,Support,UTC\n"
    "Chiara Rossi,chiara@demo.example,Finance Manager,5,cfo@demo.example,Finance,UTC\n"
    "Dev Malhotra,dev@demo.example,Product Manager,5,cpo@demo.example,Product,UTC\n"
    "Elena Petrova,elena@demo.example,Sales Manager,5,cso@demo.example,Sales,UTC\n"
)


@dataclass(frozen=True)
class DemoGroup:
    home: Path
    slug: str
    keys: GroupKeys


def build_demo_group(home: Path, today: datetime) -> DemoGroup:
    """Create the demo group in `home` (which should be empty and temporary)."""
    from plg_tui.core.groups import GroupSpec, create_group
    from plg_tui.core.home import init_home

    init_home(home)
    roster = home / "demo-roster.csv"
    roster.write_text(DEMO_ROSTER, encoding="utf-8")
    start = today.replace(hour=14, minute=0, second=0, microsecond=0)
    spec = GroupSpec(
        slug=DEMO_SLUG,
        module_id=DEMO_MODULE,
        roster=roster,
        session1=start.strftime("%Y-%m-%dT%H:%M"),
        session2=(start + timedelta(days=28)).strftime("%Y-%m-%dT%H:%M"),
        timezone="UTC",
    )
    vault = create_group(home, spec, DEMO_PASSPHRASE, kdf=DEMO_KDF)
    keys = vault.keys
    vault.close()
    roster.unlink()
    return DemoGroup(home=home, slug=DEMO_SLUG, keys=keys)


@contextmanager
def demo_group(today: datetime | None = None) -> Iterator[DemoGroup]:
    """A demo group in a fresh temporary data home, removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="plg-demo-"))
    try:
        yield build_demo_group(folder, today or datetime.now())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
