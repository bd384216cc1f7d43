"""The data home: where it is, creating it, and which group folders it holds.

Its settings file is read by `plg_tui.core.settings`; every path in it comes from `DataHome`."""

from __future__ import annotations

import os
from pathlib import Path

from plg_tui.vault.paths import DataHome


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--home, else $PLG_HOME, else the platform's user data dir."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("PLG_HOME")
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("plg", appauthor=False))


def init_home(home: Path) -> bool:
    """Create the data home and a commented plg.toml; False if it already existed."""
    from plg_tui.core.settings import SETTINGS_TEMPLATE
    from plg_tui.vault.atomic import atomic_write

    data_home = DataHome(home)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_home.groups_folder.mkdir(mode=0o700, exist_ok=True)
    data_home.keys_folder.mkdir(mode=0o700, exist_ok=True)
    settings = data_home.settings_file
    if settings.exists():
        return False

    atomic_write(settings, SETTINGS_TEMPLATE.encode(), mode=0o644)
    return True


PRIVATE_DIR_MODE = 0o700


def tighten_home(home: Path) -> list[tuple[Path, int]]:
    """Make the data home, groups/ and keys/ private (0700): others may not even list them.

    Returns (folder, its old mode) for each folder changed. A link is not followed: its
    target is not ours to change."""
    import stat

    changed = []
    data_home = DataHome(home)
    for folder in (home, data_home.groups_folder, data_home.keys_folder):
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            continue
        mode = stat.S_IMODE(st.st_mode)
        if mode != PRIVATE_DIR_MODE:
            os.chmod(folder, PRIVATE_DIR_MODE)
            changed.append((folder, mode))
    return changed


def _group_folder_names(home: Path) -> list[str]:
    groups = DataHome(home).groups_folder
    if not groups.is_dir():
        return []
    return sorted(p.name for p in groups.iterdir() if p.is_dir() and not p.name.startswith("."))


def group_slugs(home: Path) -> list[str]:
    """Every group folder, including one whose files are damaged or missing: listing it lets
    the command that opens it say what is wrong, instead of the group silently vanishing.

    A folder whose name breaks the group-name rule is not a group plg made; it is left out
    here (so nothing opens it) and reported by `misnamed_group_folders`."""
    from plg_tui.vault.paths import is_valid_slug

    return [name for name in _group_folder_names(home) if is_valid_slug(name)]


def misnamed_group_folders(home: Path) -> list[tuple[str, str]]:
    """(folder name, why it is no group) for each folder in groups/ that plg never opens."""
    from plg_tui.vault.paths import BadGroupName, is_valid_slug

    return [
        (name, f"{BadGroupName(name)}; plg does not open it: rename or remove the folder")
        for name in _group_folder_names(home)
        if not is_valid_slug(name)
    ]
