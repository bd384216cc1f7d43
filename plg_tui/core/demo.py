"""A throwaway demo group: five fictional managers and a bundled module in a temporary home.

`plg demo` runs a full session 1 on it without asking for a passphrase. Because the home is
deleted on exit, the demo group uses a deliberately light key derivation: the demo must start
as fast as a bare app, and nothing in it is worth protecting.

Nothing heavy is imported here at module level: `plg demo` paints its lobby from `DEMO_PEOPLE`
first and builds the group (vault, keys, fsync'd writes) in a worker right after.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plg_tui.vault.crypto import KdfParams
    from plg_tui.vault.group_keys import GroupKeys

DEMO_SLUG = "demo"
DEMO_MODULE = "giving-feedback"
DEMO_PASSPHRASE = "demo passphrase, not a secret"

DEMO_ROSTER = (
    "name,email,title,level,reports_to,department,timezone\n"
    "Amara Okafor,amara@demo.example,Engineering Manager,5,cto@demo.example,Engineering,UTC\n"
    "Bruno Lindqvist,bruno@demo.example,Support Manager,5,coo@demo.example,Support,UTC\n"
    "Chiara Rossi,chiara@demo.example,Finance Manager,5,cfo@demo.example,Finance,UTC\n"
    "Dev Malhotra,dev@demo.example,Product Manager,5,cpo@demo.example,Product,UTC\n"
    "Elena Petrova,elena@demo.example,Sales Manager,5,cso@demo.example,Sales,UTC\n"
)
# (email, name) in roster order: what the lobby shows while the group is still being built.
DEMO_PEOPLE: tuple[tuple[str, str], ...] = tuple(
    (line.split(",")[1], line.split(",")[0]) for line in DEMO_ROSTER.splitlines()[1:]
)


def demo_kdf() -> KdfParams:
    """Only for the throwaway demo home: the real default is Argon2id with 64 MiB, t=3."""
    from plg_tui.vault.crypto import KdfParams

    return KdfParams(memory_kib=1024, iterations=1, lanes=1)


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
        allow_past=True,  # the demo's session 1 is the one being run now
    )
    vault = create_group(home, spec, DEMO_PASSPHRASE, kdf=demo_kdf())
    keys = vault.keys
    vault.close()
    roster.unlink()
    return DemoGroup(home=home, slug=DEMO_SLUG, keys=keys)


class DemoHome:
    """A temporary data home whose demo group is built later, possibly on another thread.

    `remove` waits for a build in progress, so the folder never outlives the demo even when the
    program is stopped while a worker is still writing into it.
    """

    def __init__(self, folder: Path, today: datetime | None = None) -> None:
        self.home = folder
        self.slug = DEMO_SLUG
        self._today = today
        self._lock = threading.Lock()
        self._group: DemoGroup | None = None
        self._removed = False

    def build(self) -> DemoGroup:
        """Build the demo group once (later calls return the same group)."""
        with self._lock:
            if self._removed:
                raise RuntimeError("the demo home was already removed")
            if self._group is None:
                self._group = build_demo_group(self.home, self._today or datetime.now())
            return self._group

    def remove(self) -> None:
        with self._lock:
            self._removed = True
            shutil.rmtree(self.home, ignore_errors=True)


@contextmanager
def demo_home(today: datetime | None = None) -> Iterator[DemoHome]:
    """A fresh temporary data home for the demo group, removed when the block ends."""
    home = DemoHome(Path(tempfile.mkdtemp(prefix="plg-demo-")), today)
    try:
        yield home
    finally:
        home.remove()
