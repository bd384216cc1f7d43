"""Vault errors: each one a clear, one-line message that names the file concerned."""

from __future__ import annotations

from pathlib import Path

from plg_tui.errors import PlgError


class VaultError(PlgError):
    """Base of every vault error; `str()` is the one-line message shown to a person."""


class WrongPassphrase(VaultError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"wrong passphrase for group '{slug}' (nothing was changed)")


class DamagedFile(VaultError):
    def __init__(self, path: Path, detail: str = "") -> None:
        self.path = path
        more = f" ({detail})" if detail else ""
        super().__init__(
            f"{path} is damaged or was modified outside plg{more}; "
            "restore it from a backup (nothing was written)"
        )


class UnknownFormat(VaultError):
    def __init__(self, path: Path, version: object) -> None:
        self.path = path
        super().__init__(
            f"{path} has format version {version!r}, which this plg does not know; "
            "upgrade plg to open it"
        )


class KeyFileError(VaultError):
    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"key file {path}: {problem}")


class DiskWriteError(VaultError):
    def __init__(self, path: Path, err: OSError) -> None:
        self.path = path
        super().__init__(
            f"could not write {path}: {err.strerror or err} — the previous version is intact"
        )


class KeyFileAltered(KeyFileError):
    """keys/<slug>.key does not match the keyring (or its own check): nothing may be sealed."""

    def __init__(self, path: Path, slug: str, problem: str) -> None:
        self.path = path
        VaultError.__init__(
            self,
            f"keys/{slug}.key {problem}; repair it from the keyring: plg group repair-keys {slug}",
        )


class OlderThanSeen(VaultError):
    """A database file is older than one already seen: a copy was put back (rollback)."""

    def __init__(self, path: Path, generation: int | None, seen: int, record: Path) -> None:
        self.path = path
        what = (
            f"{path} is missing, though generation {seen} of it was seen"
            if generation is None
            else f"{path}: this file is older than one already seen (generation {generation}, "
            f"{seen} was seen)"
        )
        super().__init__(
            f"{what}; putting back an old copy or removing it can undo changes such "
            f"as a STOP. Put back the newest copy; if none is left, remove {record} to "
            "accept the loss (nothing was written)"
        )
