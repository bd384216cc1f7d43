"""Every path to a group's files is built here, from a group name checked against one rule.

A group name (slug) becomes a folder name and a file name, so a name like `../victim` or
`/abs/path` would reach outside the data home. Each builder checks the name first.
"""

from __future__ import annotations

import re
from pathlib import Path

from plg_tui.vault.errors import VaultError

# \Z, not $: "$" also matches before a trailing newline.
SLUG_PATTERN = re.compile(r"\A[a-z0-9][a-z0-9-]{0,47}\Z")
SLUG_RULE = (
    "use lowercase letters, digits and hyphens, starting with a letter or digit, "
    "at most 48 characters (e.g. eng-managers-q1)"
)
GROUPS_FOLDER = "groups"
KEYS_FOLDER = "keys"
KEYRING_LABEL = "keyring"


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


def group_dir(home: Path, slug: str) -> Path:
    return home / GROUPS_FOLDER / checked_slug(slug)


def keyring_path(home: Path, slug: str) -> Path:
    return group_dir(home, slug) / KEYRING_LABEL


def keyfile_path(home: Path, slug: str) -> Path:
    return home / KEYS_FOLDER / f"{checked_slug(slug)}.key"


def seen_path(home: Path, slug: str) -> Path:
    """The highest generation seen of each of the group's encrypted files (rollback check)."""
    return home / KEYS_FOLDER / f"{checked_slug(slug)}.seen"


def in_use_path(home: Path, slug: str) -> Path:
    """Held shared by every process that has the group's keys, exclusively by a re-key."""
    return home / KEYS_FOLDER / f"{checked_slug(slug)}.inuse.lock"
