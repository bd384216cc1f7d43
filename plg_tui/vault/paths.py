"""Every path under the data home is built here; a group's, from a name checked against a rule.

A group name (slug) becomes a folder name and a file name, so a name like `../victim` or
`/abs/path` would reach outside the data home. Each builder checks the name first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from plg_tui.vault.errors import VaultError

# \Z, not $: "$" also matches before a trailing newline.
SLUG_PATTERN = re.compile(r"\A[a-z0-9][a-z0-9-]{0,47}\Z")
SLUG_RULE = (
    "use lowercase letters, digits and hyphens, starting with a letter or digit, "
    "at most 48 characters (e.g. eng-managers-q1)"
)
SETTINGS_FILE = "plg.toml"
GROUPS_FOLDER = "groups"
KEYS_FOLDER = "keys"
MODULES_FOLDER = "modules"
COMPANION_LOG = "companion.log"
KEYRING_LABEL = "keyring"
GROUP_DB = "group.db"
LEDGER_DB = "ledger.db"
LEDGER_WAL = "ledger.wal"
INBOX = "inbox"  # journal entries the companion placed
QUARANTINE = "quarantine"  # replies it could not place
ENTRY_FOLDERS = (INBOX, QUARANTINE)
STAGING = ".rekey"
SESSION_LOCK = "session.lock"  # one session app per group at a time
POOLS_FOLDER = "pools"  # candidates and survey answers, before any group exists
POOL_DB = "pool.db"  # the candidates and the survey's settings (plg)
ANSWERS_DB = "answers.db"  # survey answers and unreadable replies (the companion)


class BadGroupName(VaultError):
    def __init__(self, slug: object) -> None:
        self.slug = slug
        # repr: the name may hold control or bidi characters; they must not reach a terminal
        super().__init__(f"group name {_shown(slug)}: {SLUG_RULE}")


def _shown(slug: object) -> str:
    text = repr(slug)
    return text if len(text) <= 80 else text[:77] + "..."


def is_valid_slug(slug: object) -> bool:
    return isinstance(slug, str) and SLUG_PATTERN.match(slug) is not None


def checked_slug(slug: object) -> str:
    """`slug` itself when it follows the rule; else BadGroupName naming it and the rule."""
    if not is_valid_slug(slug):
        raise BadGroupName(slug)
    assert isinstance(slug, str)
    return slug


class BadPoolName(VaultError):
    def __init__(self, name: object) -> None:
        self.name = name
        super().__init__(f"pool name {_shown(name)}: {SLUG_RULE}")


@dataclass(frozen=True)
class PoolFiles:
    """Every file of one candidate pool; built only by `DataHome.pool`, name checked.

    Its keys live in keys/pools/, apart from the groups' keys/<slug>.key, so a pool and a
    group may share a name."""

    name: str
    folder: Path  # pools/<name>/
    keys_folder: Path  # keys/pools/

    @property
    def key_file(self) -> Path:
        """The pool's operations key, readable without a passphrase (mode 0600)."""
        return self.keys_folder / f"{self.name}.key"

    @property
    def seen(self) -> Path:
        return self.keys_folder / f"{self.name}.seen"

    @property
    def pool_db(self) -> Path:
        return self.folder / POOL_DB

    @property
    def answers_db(self) -> Path:
        return self.folder / ANSWERS_DB

    @property
    def ledger_db(self) -> Path:
        return self.folder / LEDGER_DB

    @property
    def ledger_wal(self) -> Path:
        return self.folder / LEDGER_WAL


@dataclass(frozen=True)
class GroupFiles:
    """Every file and folder of one group; built only by `DataHome.group`, slug checked."""

    slug: str
    folder: Path  # groups/<slug>/
    keys_folder: Path  # keys/

    @property
    def keyring(self) -> Path:
        """The private key, sealed under the passphrase (groups/<slug>/keyring)."""
        return self.folder / KEYRING_LABEL

    @property
    def key_file(self) -> Path:
        """The operations key and public key, readable without the passphrase."""
        return self.keys_folder / f"{self.slug}.key"

    @property
    def seen(self) -> Path:
        """The highest generation seen of each of the group's encrypted files (rollback check)."""
        return self.keys_folder / f"{self.slug}.seen"

    @property
    def seen_lock(self) -> Path:
        return self.keys_folder / f"{self.slug}.seen.lock"

    @property
    def in_use(self) -> Path:
        """Held shared by every process that has the group's keys, exclusively by a re-key."""
        return self.keys_folder / f"{self.slug}.inuse.lock"

    @property
    def group_db(self) -> Path:
        return self.folder / GROUP_DB

    @property
    def ledger_db(self) -> Path:
        return self.folder / LEDGER_DB

    @property
    def ledger_wal(self) -> Path:
        return self.folder / LEDGER_WAL

    @property
    def inbox(self) -> Path:
        return self.folder / INBOX

    @property
    def quarantine(self) -> Path:
        return self.folder / QUARANTINE

    def entries(self, folder_name: str) -> Path:
        """A folder of sealed entries: INBOX or QUARANTINE."""
        if folder_name not in ENTRY_FOLDERS:
            raise ValueError(f"{folder_name!r} is not an entry folder")
        return self.folder / folder_name

    @property
    def session_lock(self) -> Path:
        """Who runs the group's session app now: host, pid and start (JSON, no secrets)."""
        return self.folder / SESSION_LOCK

    @property
    def staging(self) -> Path:
        """Where a re-key stages the group's new files before it moves them in."""
        return self.folder / STAGING


@dataclass(frozen=True)
class DataHome:
    """The data home, and the one place every path under it is built."""

    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def groups_folder(self) -> Path:
        return self.root / GROUPS_FOLDER

    @property
    def keys_folder(self) -> Path:
        return self.root / KEYS_FOLDER

    @property
    def companion_log(self) -> Path:
        """Where the crontab line `plg-companion cron` prints sends the companion's output."""
        return self.root / COMPANION_LOG

    @property
    def modules_folder(self) -> Path:
        """The champion's own module files, beside and before the bundled ones."""
        return self.root / MODULES_FOLDER

    @property
    def pools_folder(self) -> Path:
        return self.root / POOLS_FOLDER

    def pool(self, name: str) -> PoolFiles:
        """The pool's paths; BadPoolName when `name` could reach outside the data home."""
        if not is_valid_slug(name):
            raise BadPoolName(name)
        return PoolFiles(name, self.pools_folder / name, self.keys_folder / POOLS_FOLDER)

    def group(self, slug: str) -> GroupFiles:
        """The group's paths; BadGroupName when `slug` could reach outside the data home."""
        checked = checked_slug(slug)
        return GroupFiles(checked, self.groups_folder / checked, self.keys_folder)
