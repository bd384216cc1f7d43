"""`plg group purge`: destroy a group for good, and refuse anything that is not one.

Purge deletes recursively and overwrites key files, so every path is checked first: it must
be the group's own, inside the data home, and no link.
"""

from __future__ import annotations

from pathlib import Path

from plg_tui.core.groups import GroupError, remove_group_files
from plg_tui.vault.paths import DataHome


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def check_purgeable(home: Path, slug: str) -> None:
    """Refuse (GroupError, nothing touched) anything but an existing group inside `home`.

    Purge deletes recursively and overwrites key files, so a link must never lead it
    elsewhere: the group folder, its keyring and its key file must be what they seem.
    """
    files = DataHome(home).group(slug)
    folder, ring, keyfile = files.folder, files.keyring, files.key_file
    refuse = f"refusing to purge '{slug}'"
    for path, kind in ((folder, "folder"), (ring, "file"), (keyfile, "file")):
        if path.is_symlink():
            raise GroupError(
                f"{refuse}: {path} is a symbolic link; plg purges only its own files inside "
                f"{home}. Nothing was removed; look at the link and remove it yourself"
            )
        if path.exists() and (path.is_dir() != (kind == "folder")):
            raise GroupError(f"{refuse}: {path} is not a {kind}; nothing was removed")
    if not folder.exists() and not keyfile.exists():
        raise GroupError(f"no group '{slug}' in {home} (see: plg group list); nothing was removed")
    for path in (folder, keyfile):
        if path.exists() and not _inside(path, home):
            raise GroupError(f"{refuse}: {path} leads outside {home}; nothing was removed")


def purge_group(home: Path, slug: str) -> None:
    """Crypto-shred: destroy both copies of the keys first, then remove every file."""
    check_purgeable(home, slug)
    # no waiting for other processes: what they still hold cannot open anything once the
    # keys are gone, and a write of theirs fails on the removed folder
    remove_group_files(home, slug)
