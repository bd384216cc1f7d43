"""Creating, listing, describing and purging groups (no confidential content here)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from plg_tui.core.roster import RosterError, check_session_gap, read_roster, valid_timezone
from plg_tui.errors import PlgError
from plg_tui.vault.errors import VaultError
from plg_tui.vault.generations import seen_path
from plg_tui.vault.group import GroupVault, group_dir, now_iso, remove_tree
from plg_tui.vault.keys import (
    DEFAULT_KDF,
    KdfParams,
    create_group_keys,
    keyfile_path,
    load_operations_keys,
    repair_keyfile,
    shred_file,
)
from plg_tui.vault.staging import in_use_path

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
DATE_FORMAT = "%Y-%m-%dT%H:%M"


class GroupError(PlgError):
    """A clear, one-or-more-line reason why a group command could not be done."""


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    module_id: str
    roster: Path
    session1: str
    session2: str
    timezone: str = "UTC"
    allow_level_spread: bool = False
    allow_gap: bool = False
    call_link: str = ""


def parse_local(value: str, tz: str, what: str) -> datetime:
    try:
        naive = datetime.strptime(value, DATE_FORMAT)
    except ValueError:
        raise GroupError(f"{what}: {value!r} is not a date like 2026-11-03T14:00") from None
    return naive.replace(tzinfo=ZoneInfo(tz))


def session_times(info: dict[str, Any]) -> tuple[datetime, datetime]:
    tz = info["timezone"]
    return parse_local(info["session1"], tz, "session1"), parse_local(
        info["session2"], tz, "session2"
    )


def stage(info: dict[str, Any], now: datetime) -> str:
    s1, s2 = session_times(info)
    if info.get("session2_held") or now >= s2:
        return "after session 2"
    if not info.get("session1_held") and now < s1:
        return "before session 1"
    week = min(int((now - s1).total_seconds() // (7 * 86400)) + 1, 5)
    return f"practice month, week {max(week, 1)}"


def create_group(
    home: Path,
    spec: GroupSpec,
    passphrase: str | Callable[[], str],
    kdf: KdfParams = DEFAULT_KDF,
) -> GroupVault:
    """Check everything, then ask for the passphrase (if a callable), then create the group."""
    from plg_tui.core.modules import ModuleError, UnknownModuleError, load_module

    problems: list[str] = []
    if not SLUG.match(spec.slug):
        raise GroupError(
            f"group name {spec.slug!r}: use lowercase letters, digits and hyphens "
            "(e.g. eng-managers-q1)"
        )
    if group_dir(home, spec.slug).exists() or keyfile_path(home, spec.slug).exists():
        raise GroupError(f"group '{spec.slug}' already exists in {home}")
    if not valid_timezone(spec.timezone):
        raise GroupError(
            f"--timezone {spec.timezone!r} is not a known time zone (e.g. Europe/Berlin)"
        )
    try:
        module = load_module(spec.module_id, home)
    except UnknownModuleError as err:
        problems.append(f"--module: {err}")
    except ModuleError as err:
        problems.append(str(err))
    try:
        s1 = parse_local(spec.session1, spec.timezone, "--session1")
        s2 = parse_local(spec.session2, spec.timezone, "--session2")
        problems.extend(check_session_gap(s1, s2, spec.allow_gap))
    except GroupError as err:
        problems.append(str(err))
    try:
        members = read_roster(
            spec.roster, spec.timezone, allow_level_spread=spec.allow_level_spread
        )
    except RosterError as err:
        problems.extend(err.problems)
    if problems:
        raise GroupError("\n".join(problems))
    if callable(passphrase):
        passphrase = passphrase()
    try:
        keys = create_group_keys(home, spec.slug, passphrase, kdf)
        vault = GroupVault(home, keys)
        vault.write_info(
            {
                "slug": spec.slug,
                "group_id": keys.group_id,
                "module": module.id,
                "module_title": module.title,
                "timezone": spec.timezone,
                "session1": spec.session1,
                "session2": spec.session2,
                "call_link": spec.call_link,
                "created": now_iso(),
                "session1_held": False,
                "session2_held": False,
            }
        )
        vault.set_members([m.to_record() for m in members])
    except BaseException:
        _remove_group_files(home, spec.slug)
        raise
    return vault


def open_for_operations(home: Path, slug: str) -> GroupVault:
    """Open group.db with the key file (no passphrase): roster, dates, stage; nothing sealed."""
    if not group_dir(home, slug).exists():
        raise GroupError(f"no group '{slug}' in {home} (see: plg group list)")
    return GroupVault(home, load_operations_keys(home, slug))


def repair_keys(home: Path, slug: str, passphrase: Callable[[], str]) -> None:
    """Rewrite keys/<slug>.key from the keyring, after asking for the passphrase."""
    if not group_dir(home, slug).exists():
        raise GroupError(f"no group '{slug}' in {home} (see: plg group list)")
    repair_keyfile(home, slug, passphrase())


def describe(vault: GroupVault, now: datetime | None = None) -> dict[str, Any]:
    info = vault.info()
    now = now or datetime.now(UTC)
    return {
        **info,
        "stage": stage(info, now),
        "members": vault.members(),
        "pairs": vault.current_pairs(),
    }


def list_groups(home: Path) -> list[tuple[str, dict[str, Any] | str]]:
    """(slug, info) per group, or (slug, error text) for one that cannot be opened."""
    from plg_tui.core.home import group_slugs

    result: list[tuple[str, dict[str, Any] | str]] = []
    for slug in group_slugs(home):
        try:
            vault = open_for_operations(home, slug)
            result.append((slug, describe(vault)))
            vault.close()
        except (VaultError, GroupError) as err:
            result.append((slug, str(err)))
    return result


def _remove_group_files(home: Path, slug: str) -> None:
    folder = group_dir(home, slug)
    seen = seen_path(home, slug)
    for path in [keyfile_path(home, slug), folder / "keyring", seen]:
        shred_file(path)
    remove_tree(folder)
    for lock in [in_use_path(home, slug), Path(f"{seen}.lock")]:
        lock.unlink(missing_ok=True)


def purge_group(home: Path, slug: str) -> None:
    """Crypto-shred: destroy both copies of the keys first, then remove every file."""
    folder = group_dir(home, slug)
    if not folder.exists() and not keyfile_path(home, slug).exists():
        raise GroupError(f"no group '{slug}' in {home}")
    # no waiting for other processes: what they still hold cannot open anything once the
    # keys are gone, and a write of theirs fails on the removed folder
    _remove_group_files(home, slug)
