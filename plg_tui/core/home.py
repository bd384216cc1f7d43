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
# security = "starttls"          # starttls | tls | none
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


def group_slugs(home: Path) -> list[str]:
    """Every group folder, including one whose files are damaged or missing: listing it lets
    the command that opens it say what is wrong, instead of the group silently vanishing."""
    groups = home / "groups"
    if not groups.is_dir():
        return []
    return sorted(p.name for p in groups.iterdir() if p.is_dir() and not p.name.startswith("."))


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
