"""Crash-safe file writes and process locks for everything that holds data."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from plg_tui.vault.errors import DiskWriteError, VaultError


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` so that `path` holds either its old or its new content, never a mix.

    Temp file in the same folder, fsync, os.replace, fsync the folder. On failure (ENOSPC and
    friends) the temp file is removed and the old file is left untouched.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise DiskWriteError(path, err) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def remove_stale_temp_files(path: Path) -> None:
    """Delete temp files a killed writer of `path` left behind (only ever ciphertext).

    Call it only while holding the writer lock of `path`: then no live writer owns one.
    """
    path = Path(path)
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


class _LockTable(threading.local):
    def __init__(self) -> None:
        self.held: dict[str, tuple[int, int]] = {}


_locks = _LockTable()


@contextlib.contextmanager
def exclusive_lock(path: Path, *, blocking: bool = True) -> Iterator[None]:
    """Hold an exclusive flock on `<path>.lock`; re-entrant within one thread.

    Raises BlockingIOError when `blocking` is False and another process holds it.
    """
    lock_path = str(Path(path)) + ".lock"
    held = _locks.held.get(lock_path)
    if held:
        fd, depth = held
        _locks.held[lock_path] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _locks.held[lock_path]
            _locks.held[lock_path] = (fd, depth - 1)
        return
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BaseException:
        os.close(fd)
        raise
    _locks.held[lock_path] = (fd, 1)
    try:
        yield
    finally:
        _locks.held.pop(lock_path, None)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def remove_tree(path: Path) -> None:
    """Remove a folder and what is in it; a link inside is removed, never followed."""
    if path.is_symlink():
        raise VaultError(f"{path} is a symbolic link; plg removes only its own folders")
    if not path.exists():
        return
    for root, dirs, files in os.walk(path, topdown=False):
        for name in files:
            os.unlink(os.path.join(root, name))
        for name in dirs:
            inner = os.path.join(root, name)
            if os.path.islink(inner):
                os.unlink(inner)
            else:
                os.rmdir(inner)
    os.rmdir(path)
