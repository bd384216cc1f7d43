"""The data home: where it is, what it holds, and its settings file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from plg_tui.errors import PlgError

SETTINGS_FILE = "plg.toml"

SETTINGS_TEMPLATE = """\
# plg settings for this data home. No secrets here: passwords come from the
# environment (PLG_SMTP_PASSWORD, PLG_IMAP_PASSWORD) or a password_file.

[email]
# Who the companion's emails come from, and where members' replies go
# (replies arrive at journal+TOKEN@example.org).
# from = "Peer Learning <plg@example.org>"
# reply_to = "journal@example.org"
# reply_days = 30                # replies are accepted until 30 days after session 2;
#                                # later ones wait in quarantine (applies to emails sent
#                                # after a change)

[smtp]
# host = "smtp.example.org"
# port = 587
# security = "starttls"          # starttls | tls | none (none: localhost only,
#                                  or set allow_plaintext = true for a trusted relay)
# username = "plg@example.org"
# password_file = "/etc/plg/smtp-password"
# connections = 4                # parallel connections while sending

[imap]
# host = "imap.example.org"
# port = 993
# security = "tls"               # tls | starttls
# username = "journal@example.org"
# password_file = "/etc/plg/imap-password"
# folder = "INBOX"

[companion]
# lock_timeout = 600             # seconds a run waits for another run holding a group's ledger
# Replies the companion cannot place are sealed into the group's quarantine/. Anyone who
# knows the Reply-To address can send there, so it is capped per group; beyond a cap such a
# message is deleted unstored and counted (plg-companion status shows the count).
# quarantine_max_items = 100     # items held per group
# quarantine_max_mib = 50        # total size per group, in MiB
# quarantine_max_per_run = 20    # taken per group in one run

[keys]
# Remap the session app's keys by binding id (press ? in the app to see them), e.g.
# "agenda.next_phase" = "n"
# "app.curtain" = "ctrl+b,f12"

[schedule]
# send_hour = 9                  # local time of each member
# quiet_start = 20               # no email from 20:00 ...
# quiet_end = 8                  # ... to 08:00, member's local time
# grace_hours = 48               # a missed run catches up this long, then skips
"""


class SettingsError(PlgError):
    """A problem in plg.toml; the message names the file and the setting."""


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
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / "groups").mkdir(mode=0o700, exist_ok=True)
    (home / "keys").mkdir(mode=0o700, exist_ok=True)
    settings = home / SETTINGS_FILE
    if settings.exists():
        return False
    from plg_tui.vault.atomic import atomic_write

    atomic_write(settings, SETTINGS_TEMPLATE.encode(), mode=0o644)
    return True


PRIVATE_DIR_MODE = 0o700


def tighten_home(home: Path) -> list[tuple[Path, int]]:
    """Make the data home, groups/ and keys/ private (0700): others may not even list them.

    Returns (folder, its old mode) for each folder changed. A link is not followed: its
    target is not ours to change."""
    import stat

    changed = []
    for folder in (home, home / "groups", home / "keys"):
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


def load_settings(home: Path) -> dict[str, Any]:
    import tomllib

    path = home / SETTINGS_FILE
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path}: {err}") from None


def _group_folder_names(home: Path) -> list[str]:
    groups = home / "groups"
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


def load_keymap(home: Path) -> dict[str, str]:
    """The `[keys]` table of plg.toml: binding id -> keys (comma-separated)."""
    if not (home / SETTINGS_FILE).exists():
        return {}
    table = load_settings(home).get("keys", {})
    if not isinstance(table, dict):
        raise SettingsError(f'{home / SETTINGS_FILE} [keys]: expected a table of id = "key"')
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise SettingsError(
                f'{home / SETTINGS_FILE} [keys] {binding_id}: expected keys as text, e.g. "n"'
            )
    return {str(k): v.strip() for k, v in table.items()}
