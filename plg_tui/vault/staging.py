"""Replacing many of a group's files as one step, and the lock that keeps others out meanwhile.

A re-key writes every new file into `groups/<slug>/.rekey/` first, then one commit marker
(written atomically) that lists where each file goes. Before the marker exists nothing of the
group has changed, so a crash leaves the old state; after it, moving the files into place is
idempotent and whoever opens the group next (`finish_pending`, called by every unlock and
every load of the key file) completes it, so a crash leaves the new state. No state in
between is ever opened.

Processes that hold a group's keys in memory (the session app, a companion run) hold a shared
flock on `keys/<slug>.inuse.lock` until they exit; a re-key takes it exclusively, so no process
writes with keys that no longer exist.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from plg_tui.vault.atomic import _fsync_dir, atomic_write, exclusive_lock
from plg_tui.vault.errors import VaultError
from plg_tui.vault.paths import DataHome

COMMIT_NAME = "COMMITTED"
IN_USE_WAIT_SECONDS = 10.0


class GroupInUse(VaultError):
    def __init__(self, slug: str) -> None:
        super().__init__(
            f"group '{slug}' is open in another plg or plg-companion process; try again when "
            "it has finished (nothing was changed)"
        )


def staging_dir(home: Path, slug: str) -> Path:
    return DataHome(home).group(slug).staging


class Staging:
    """New files for a group, kept aside until `commit` says they all belong in place."""

    def __init__(self, home: Path, slug: str) -> None:
        self.home = home
        self.dir = staging_dir(home, slug)
        self._files: list[tuple[str, str]] = []

    def start(self) -> None:
        remove_dir(self.dir)
        self.dir.mkdir(mode=0o700, parents=True)

    def put(self, destination: Path, data: bytes) -> None:
        name = f"{len(self._files):06d}.new"
        atomic_write(self.dir / name, data)
        self._files.append((name, str(destination.relative_to(self.home))))

    def commit(self) -> None:
        atomic_write(self.dir / COMMIT_NAME, json.dumps({"files": self._files}).encode())


def finish_pending(home: Path, slug: str, step: Callable[[str], None] | None = None) -> None:
    """Complete a committed replacement, or discard one that never committed."""
    folder = staging_dir(home, slug)
    if not folder.is_dir():
        return
    with exclusive_lock(folder):
        if not folder.is_dir():
            return
        marker = folder / COMMIT_NAME
        if not marker.exists():
            remove_dir(folder)  # never committed: the old files were not touched
            return
        for staged, destination in json.loads(marker.read_bytes())["files"]:
            source = folder / staged
            target = home / destination
            relative = Path(destination)
            if "/" in staged or relative.is_absolute() or ".." in relative.parts:
                raise VaultError(f"{marker}: unexpected entry; restore the group from a backup")
            if not source.exists():
                continue  # moved before a crash
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(source, target)
            _fsync_dir(target.parent)
            if step is not None:
                step(f"moved {destination}")
        remove_dir(folder, last=COMMIT_NAME)


def remove_dir(folder: Path, last: str | None = None) -> None:
    """Remove a flat folder; `last` is removed after every other file (the commit marker)."""
    if not folder.is_dir():
        return
    names = sorted(os.listdir(folder), key=lambda n: n == last)
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / name)
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(folder)
    _fsync_dir(folder.parent)


_held: dict[str, int] = {}


def hold_in_use(home: Path, slug: str) -> None:
    """Share the group's in-use lock until this process exits (waits while a re-key runs)."""
    path = DataHome(home).group(slug).in_use
    if str(path) in _held or not path.parent.is_dir():
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    _held[str(path)] = fd


def release_in_use() -> None:
    """Let go of every in-use lock this process holds (tests; a long-lived tool)."""
    for fd in _held.values():
        os.close(fd)
    _held.clear()


@contextlib.contextmanager
def sole_use(home: Path, slug: str, wait: float = IN_USE_WAIT_SECONDS) -> Iterator[None]:
    """Hold the group's in-use lock exclusively, or raise GroupInUse after `wait` seconds."""
    path = DataHome(home).group(slug).in_use
    own = _held.get(str(path))
    fd = own if own is not None else os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise GroupInUse(slug) from None
                time.sleep(0.1)
        yield
    finally:
        if own is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)
        else:
            os.close(fd)
