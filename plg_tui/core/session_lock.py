"""One session app per group at a time: a lock file under the group's folder.

The file names who holds it (host, pid, start, as JSON) and the holder keeps an exclusive
`flock` on it while it runs, so a holder that died (a crash, a kill) leaves a file whose lock
any process can take: it is stale. On this host a holder is also gone when its pid is not
alive; on another host nothing can be checked, so taking over is the facilitator's call.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plg_tui.errors import PlgError

MAX_LOCK_BYTES = 4096
MAX_HOST_CHARS = 100


@dataclass(frozen=True)
class LockHolder:
    host: str
    pid: int
    started: float  # wall-clock seconds

    def to_json(self) -> str:
        return json.dumps({"host": self.host, "pid": self.pid, "started": self.started})

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        """The holder a lock file names; None when it names nobody readable (empty, damaged)."""
        try:
            raw = json.loads(text)
            host, pid, started = raw["host"], raw["pid"], raw["started"]
        except (ValueError, TypeError, KeyError):
            return None
        if not isinstance(host, str) or type(pid) is not int or type(started) not in (int, float):
            return None
        return cls(host[:MAX_HOST_CHARS], pid, float(started))

    def since(self) -> str:
        return datetime.fromtimestamp(self.started, UTC).strftime("%Y-%m-%d %H:%M UTC")

    def on_this_host(self) -> bool:
        return self.host == socket.gethostname()


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


class SessionLocked(PlgError):
    """Another session app holds the group (`running`), or held it and is gone (`stale`)."""

    def __init__(self, holder: LockHolder | None, *, running: bool) -> None:
        self.holder = holder
        self.running = running
        super().__init__(self.describe())

    @property
    def stale(self) -> bool:
        """The holder is gone for sure: its lock is free and, on this host, its pid dead."""
        if self.running:
            return False
        return self.holder is None or (
            self.holder.on_this_host() and not pid_alive(self.holder.pid)
        )

    @property
    def can_take_over(self) -> bool:
        """Nobody holds the lock now: gone for sure (`stale`), or on another host or with a
        reused pid, where the facilitator decides."""
        return not self.running

    def describe(self) -> str:
        holder = self.holder
        who = (
            f"{holder.host} (process {holder.pid}) since {holder.since()}"
            if holder is not None
            else "an unknown process"
        )
        if self.running:
            return f"The session app of this group is already open on {who}."
        if self.stale:
            return f"The session app of this group was open on {who}, and has gone."
        return (
            f"The session app of this group was open on {who}; "
            "plg cannot tell from here whether it still runs."
        )


class SessionLock:
    """A held lock; `release` removes the file (clean exit or crash) and drops the flock."""

    def __init__(self, path: Path, fd: int, holder: LockHolder) -> None:
        self.path = path
        self.holder = holder
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if _same_file(fd, self.path):
                self.path.unlink()
        except OSError:
            pass  # already gone: nothing to remove
        finally:
            os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


def _read(fd: int) -> LockHolder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    return LockHolder.from_json(os.read(fd, MAX_LOCK_BYTES).decode("utf-8", "replace"))


def acquire(path: Path, holder: LockHolder, *, take_over: bool = False) -> SessionLock:
    """Hold the group's session lock as `holder`; SessionLocked says who has it otherwise.

    A lock file left by a holder that is gone is replaced only with `take_over` (after the
    facilitator agreed); a lock another process holds right now never is.
    """
    for _ in range(5):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            current = _read(fd)
            os.close(fd)
            raise SessionLocked(current, running=True) from None
        if not _same_file(fd, path):  # its holder removed it meanwhile: try the new file
            os.close(fd)
            continue
        left = _read(fd)
        if left is not None and not take_over:
            os.close(fd)
            raise SessionLocked(left, running=False)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, holder.to_json().encode())
        with contextlib.suppress(OSError):
            os.fsync(fd)
        return SessionLock(path, fd, holder)
    raise SessionLocked(None, running=True)
