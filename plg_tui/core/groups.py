"""Creating, listing, describing and purging groups (no confidential content here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from plg_tui.core.roster import (
    RosterError,
    has_control_chars,
    read_roster,
    valid_timezone,
)
from plg_tui.core.session_gap import check_session_gap
from plg_tui.errors import PlgError
from plg_tui.vault.atomic import remove_tree
from plg_tui.vault.crypto import KdfParams
from plg_tui.vault.errors import VaultError
from plg_tui.vault.group import GroupVault, now_iso
from plg_tui.vault.keys import (
    DEFAULT_KDF,
    create_group_keys,
    load_operations_keys,
    repair_keyfile,
    shred_file,
)
from plg_tui.vault.paths import SLUG_PATTERN, DataHome, checked_slug
from plg_tui.vault.records import GroupInfo, Member
from plg_tui.vocabulary import SessionKind

SLUG = SLUG_PATTERN
MAX_CALL_LINK = 2000
DATE_FORMAT = "%Y-%m-%dT%H:%M"
Now = datetime | None  # None: the real clock


class GroupError(PlgError):
    """A clear, one-or-more-line reason why a group command could not be done."""


def call_link_problem(link: str) -> str | None:
    """Why `link` cannot go into invitations and reminders (None if it can, or is empty).

    The link lands in calendar properties and email text: a line break in it would add lines
    of its own choosing there, so it is refused, never cleaned up.
    """
    if not link:
        return None
    if has_control_chars(link) or any(ch.isspace() for ch in link):
        return "contains a line break, space or other control character; give the link alone"
    if len(link) > MAX_CALL_LINK:
        return f"is longer than {MAX_CALL_LINK} characters"
    if not link.startswith(("https://", "http://")):
        return "must start with https:// (invitations carry only web links)"
    return None


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
    allow_past: bool = False
    call_link: str = ""


def parse_local(value: str, tz: str, what: str) -> datetime:
    try:
        naive = datetime.strptime(value, DATE_FORMAT)
    except ValueError:
        raise GroupError(f"{what}: {value!r} is not a date like 2026-11-03T14:00") from None
    return naive.replace(tzinfo=ZoneInfo(tz))


def session_times(info: GroupInfo) -> tuple[datetime, datetime]:
    tz = info.timezone
    return parse_local(info.session1, tz, "session1"), parse_local(info.session2, tz, "session2")


def stage(info: GroupInfo, now: datetime) -> str:
    if info.ended:
        return f"ended {info.ended[:10]}"
    s1, s2 = session_times(info)
    if info.session2_held or now >= s2:
        return "after session 2"
    if not info.session1_held and now < s1:
        return "before session 1"
    week = min(int((now - s1).total_seconds() // (7 * 86400)) + 1, 5)
    return f"practice month, week {max(week, 1)}"


def default_kind(info: GroupInfo, in_progress: Sequence[str] = ()) -> SessionKind | None:
    """The session to run when none is named: an unfinished one first, else the next not held.

    The trust-building session is optional, so it is only ever chosen explicitly (or when one
    is in progress). None when both module sessions were held.
    """
    for kind in SessionKind:
        if kind in in_progress:
            return kind
    if not info.session1_held:
        return SessionKind.ONE
    if not info.session2_held:
        return SessionKind.TWO
    return None


def date_problems(
    session1: str, session2: str, timezone: str, *, allow_gap: bool, allow_past: bool, now: Now
) -> list[str]:
    """What is wrong with a cycle's session dates (`plg group create` and `next` share it)."""
    try:
        s1 = parse_local(session1, timezone, "--session1")
        s2 = parse_local(session2, timezone, "--session2")
    except GroupError as err:
        return [str(err)]
    problems = check_session_gap(s1, s2, allow_gap)
    if not allow_past and s1 < (now or datetime.now(UTC)):
        problems.append(
            f"--session1 {session1} ({timezone}) is in the past: no invitation or "
            "reminder for it can go out (add --allow-past to record a group that already met)"
        )
    return problems


def create_group(
    home: Path,
    spec: GroupSpec,
    passphrase: str | Callable[[], str],
    kdf: KdfParams = DEFAULT_KDF,
    now: datetime | None = None,
    warn: Callable[[str], None] | None = None,
) -> GroupVault:
    """Check everything, then ask for the passphrase (if a callable), then create the group.

    `warn` hears what is accepted but deserves a word (a roster without a time zone column,
    EST-style zones), before the passphrase is asked for.
    """
    from plg_tui.core.module_model import ModuleError
    from plg_tui.core.modules import UnknownModuleError, load_module

    problems: list[str] = []
    checked_slug(spec.slug)
    if (
        DataHome(home).group(spec.slug).folder.exists()
        or DataHome(home).group(spec.slug).key_file.exists()
    ):
        raise GroupError(f"group '{spec.slug}' already exists in {home}")
    if not valid_timezone(spec.timezone):
        raise GroupError(
            f"--timezone {spec.timezone!r} is not a known time zone (e.g. Europe/Berlin)"
        )
    link_problem = call_link_problem(spec.call_link)
    if link_problem:
        problems.append(f"--call-link {link_problem}")
    try:
        module = load_module(spec.module_id, home)
    except UnknownModuleError as err:
        problems.append(f"--module: {err}")
    except ModuleError as err:
        problems.append(str(err))
    dates = (spec.session1, spec.session2, spec.timezone)
    problems.extend(
        date_problems(*dates, allow_gap=spec.allow_gap, allow_past=spec.allow_past, now=now)
    )
    try:
        members = read_roster(
            spec.roster, spec.timezone, allow_level_spread=spec.allow_level_spread
        )
    except RosterError as err:
        problems.extend(err.problems)
    if problems:
        raise GroupError("\n".join(problems))
    if warn is not None:
        from plg_tui.core.roster_warnings import roster_warnings, timezone_warning

        zone_warning = timezone_warning(spec.timezone, "--timezone")
        for line in ([zone_warning] if zone_warning else []) + roster_warnings(
            spec.roster, spec.timezone
        ):
            warn(line)
    if callable(passphrase):
        passphrase = passphrase()
    try:
        keys = create_group_keys(home, spec.slug, passphrase, kdf)
        vault = GroupVault(home, keys)
        vault.write_info(
            GroupInfo(
                slug=spec.slug,
                group_id=keys.group_id,
                module=module.id,
                module_title=module.title,
                timezone=spec.timezone,
                session1=spec.session1,
                session2=spec.session2,
                call_link=spec.call_link,
                created=now_iso(),
            )
        )
        vault.set_members([m.to_record() for m in members])
    except BaseException:
        remove_group_files(home, spec.slug)
        raise
    return vault


def open_for_operations(home: Path, slug: str) -> GroupVault:
    """Open group.db with the key file (no passphrase): roster, dates, stage; nothing sealed."""
    if not DataHome(home).group(slug).folder.exists():
        raise GroupError(f"no group '{slug}' in {home} (see: plg group list)")
    return GroupVault(home, load_operations_keys(home, slug))


def repair_keys(home: Path, slug: str, passphrase: Callable[[], str]) -> None:
    """Rewrite keys/<slug>.key from the keyring, after asking for the passphrase."""
    if not DataHome(home).group(slug).folder.exists():
        raise GroupError(f"no group '{slug}' in {home} (see: plg group list)")
    repair_keyfile(home, slug, passphrase())


@dataclass(frozen=True)
class GroupDescription:
    """What `plg group show` and `list` print: the record, its stage, roster and partners."""

    info: GroupInfo
    stage: str
    members: list[Member]
    pairs: list[list[str]] | None


def describe(vault: GroupVault, now: datetime | None = None) -> GroupDescription:
    info = vault.info()
    now = now or datetime.now(UTC)
    return GroupDescription(info, stage(info, now), vault.members(), vault.current_pairs())


def list_groups(home: Path) -> list[tuple[str, GroupDescription | str]]:
    """(slug, description) per group, or (slug, error text) for one that cannot be opened."""
    from plg_tui.core.home import group_slugs, misnamed_group_folders

    result: list[tuple[str, GroupDescription | str]] = []
    for slug in group_slugs(home):
        try:
            vault = open_for_operations(home, slug)
            result.append((slug, describe(vault)))
            vault.close()
        except (VaultError, GroupError) as err:
            result.append((slug, str(err)))
    result.extend(misnamed_group_folders(home))
    return result


def remove_group_files(home: Path, slug: str) -> None:
    """Every file of the group: the key copies shredded first (create undoes itself so too)."""
    files = DataHome(home).group(slug)
    for path in [files.key_file, files.keyring, files.seen]:
        shred_file(path)
    remove_tree(files.folder)
    for lock in [files.in_use, files.seen_lock]:
        lock.unlink(missing_ok=True)
