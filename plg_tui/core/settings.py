"""plg.toml, the data home's settings file: read once, here, for the app and the companion.

`load_settings` parses the file into a `Settings` (a read-only mapping of its tables); the
session app takes its `[keys]` table from it, the companion its typed sections (SMTP, IMAP,
schedule, in `companion.settings`). Every problem is a `SettingsError` that names the file,
the table and the key, and the line where one can be found.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plg_tui.core.toml_lines import LineIndex
from plg_tui.errors import PlgError
from plg_tui.vault.paths import DataHome

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
# unsubscribe_url = "https://plg.example.org/unsubscribe"
#                                # one-click unsubscribe (RFC 8058), https only; each email's
#                                # List-Unsubscribe gets ?token=stop.TOKEN appended, and a POST
#                                # to it should pass the token to `plg-companion unsubscribe`

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
# "agenda.next_phase" = "pagedown"      (a key no other binding of that screen has)
# "app.curtain" = "b,f9"               (F12 and Ctrl+B also work from text fields)

[session]
# min_slot_minutes = 1           # a re-divided speaking slot is never shorter (the round
#                                # runs over instead); the equal slot if that is shorter

[sound]
# A short tone through the shared computer's speakers when a speaker's last minute starts
# and when their time is up (the terminal bell is not heard in a video call). Off unless:
# enabled = true
# command = ["paplay"]           # the player to run (the tone comes on its standard input);
#                                # default: paplay, aplay or afplay, whichever is installed

[schedule]
# send_hour = 9                  # local time of each member
# quiet_start = 20               # no email from 20:00 ...
# quiet_end = 8                  # ... to 08:00, member's local time
# grace_hours = 48               # a missed run catches up this long, then skips
#                                # (never into quiet hours: a late email waits for morning)
# reminder_days_before = 1       # working days (Mon-Fri) before session 2: a Monday
#                                # session is reminded on the Friday before
"""


class SettingsError(PlgError):
    """A problem in plg.toml; the message names the file, the table and the setting."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        table: str | None = None,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.table = table
        self.key = key
        self.line = line


@dataclass(frozen=True, eq=False)
class Settings(Mapping[str, Any]):
    """The parsed plg.toml: table name -> table. A missing file reads as no tables."""

    path: Path
    tables: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""

    def __getitem__(self, name: str) -> Any:
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def line_of(self, table: str, key: str | None = None) -> int | None:
        return LineIndex(self.text).line_for(f"{table}.{key}" if key else table)

    def problem(self, table: str, key: str | None, what: str) -> SettingsError:
        """The error for `what` is wrong with [table] key, naming file and line."""
        line = self.line_of(table, key)
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        setting = f"[{table}] {key}" if key else f"[{table}]"
        return SettingsError(
            f"{where} {setting}: {what}", path=self.path, table=table, key=key, line=line
        )

    def table(self, name: str) -> Mapping[str, Any]:
        """The table `name`, or an empty one when the file has none."""
        value = self.tables.get(name, {})
        if not isinstance(value, Mapping):
            raise self.problem(name, None, "must be a table (a [" + name + "] section)")
        return value


def load_settings(home: Path | DataHome) -> Settings:
    """Read plg.toml once; SettingsError names the file and the line of a syntax error."""
    path = (home if isinstance(home, DataHome) else DataHome(home)).settings_file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(path)
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: is not UTF-8 text", path=path) from None
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path}: {err}", path=path) from None
    return Settings(path, tables, text)


def min_slot_seconds(home: Path | DataHome) -> float:
    """`[session] min_slot_minutes` (default 1) in seconds: the shortest re-divided slot."""
    settings = load_settings(home)
    value = settings.table("session").get("min_slot_minutes", 1)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 60:
        raise settings.problem("session", "min_slot_minutes", "expected minutes from 0 to 60")
    return float(value) * 60.0


def load_keymap(home: Path | DataHome) -> dict[str, str]:
    """The `[keys]` table of plg.toml: binding id -> keys (comma-separated)."""
    settings = load_settings(home)
    if "keys" in settings and not isinstance(settings["keys"], Mapping):
        raise settings.problem("keys", None, 'expected a table of id = "key"')
    table = settings.table("keys")
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise settings.problem("keys", binding_id, 'expected keys as text, e.g. "n"')
    return {str(k): v.strip() for k, v in table.items()}


@dataclass(frozen=True)
class SoundSettings:
    """`[sound]`: whether the session app plays a tone, and with which player command."""

    enabled: bool = False
    command: tuple[str, ...] = ()  # empty: the platform's player


def sound_settings(home: Path | DataHome) -> SoundSettings:
    """`[sound] enabled` (default false) and `command` (a list of words, or one string)."""
    settings = load_settings(home)
    table = settings.table("sound")
    enabled = table.get("enabled", False)
    if not isinstance(enabled, bool):
        raise settings.problem("sound", "enabled", "expected true or false")
    command = table.get("command", [])
    if isinstance(command, str):
        command = command.split()
    if not isinstance(command, list) or not all(
        isinstance(word, str) and word and "\0" not in word for word in command
    ):
        raise settings.problem("sound", "command", 'expected the player\'s words, e.g. ["paplay"]')
    return SoundSettings(enabled, tuple(command))
