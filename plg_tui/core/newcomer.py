"""A member joining a group that already exists: the roster rules of `plg group create` for
one more person, naming the rule and the people; the companion plans the newcomer's welcome
and remaining emails from the `joined` time recorded here (operations key only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plg_tui.core.groups import open_for_operations
from plg_tui.core.membership import MembershipError, iso_utc, next_session
from plg_tui.core.roster import (
    MAX_MEMBERS,
    MIN_MEMBERS,
    check_level,
    has_control_chars,
    valid_email,
    valid_timezone,
)
from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import GroupInfo, Member


@dataclass(frozen=True)
class Newcomer:
    """`plg group add-member`'s options as given (level still text: it is checked here)."""

    name: str
    email: str
    level: str
    reports_to: str = ""
    title: str = ""
    department: str = ""
    timezone: str = ""


@dataclass(frozen=True)
class Addition:
    slug: str
    member: Member
    others: list[Member]
    pairs: list[list[str]] | None  # the partners from now on; None: unchanged
    partners: list[str]  # the newcomer's practice partners ([] when none yet)
    next_session: tuple[str, datetime] | None
    info: GroupInfo

    @property
    def in_practice_month(self) -> bool:
        return self.next_session is not None and self.next_session[0] == "session 2"


def _field_problems(newcomer: Newcomer) -> list[str]:
    problems = []
    for option, value in (
        ("--name", newcomer.name),
        ("--email", newcomer.email),
        ("--level", newcomer.level),
        ("--reports-to", newcomer.reports_to),
        ("--title", newcomer.title),
        ("--department", newcomer.department),
        ("--timezone", newcomer.timezone),
    ):
        if has_control_chars(value):
            problems.append(f"{option} contains a control character (line break, NUL, ...)")
        elif len(value) > 200:
            problems.append(f"{option} is longer than 200 characters")
    if problems:
        return problems
    if not newcomer.name.strip():
        problems.append("--name is empty")
    if not valid_email(newcomer.email.strip()):
        problems.append(f"--email {newcomer.email!r} is not a valid email address")
    level_problem = check_level(newcomer.level.strip())
    if level_problem:
        problems.append(f"--level {level_problem}")
    if newcomer.reports_to and not valid_email(newcomer.reports_to.strip()):
        problems.append(f"--reports-to {newcomer.reports_to!r} is not a valid email address")
    if newcomer.timezone and not valid_timezone(newcomer.timezone):
        problems.append(
            f"--timezone {newcomer.timezone!r} is not a known time zone (use Area/City, "
            "e.g. Europe/Berlin)"
        )
    return problems


def roster_rule_problems(
    member: Member, members: Sequence[Member], slug: str, allow_level_spread: bool = False
) -> list[str]:
    """The rules of `plg group create` for one more member, each naming the people involved."""
    problems = []
    who = f"{member.name} <{member.email}>"
    if len(members) + 1 > MAX_MEMBERS:
        problems.append(
            f"group size: a group has {MIN_MEMBERS} to {MAX_MEMBERS} members and '{slug}' "
            f"already has {len(members)} ({', '.join(m.shown_name for m in members)})"
        )
    problems.extend(
        f"unique email: {m.email} is already a member ({m.shown_name})"
        for m in members
        if m.email == member.email
    )
    for m in members:
        if member.reports_to and member.reports_to == m.email:
            problems.append(
                f"no reporting lines: {who} reports to {m.shown_name}, a member; members of a "
                "group must not report to each other"
            )
        if m.reports_to and m.reports_to == member.email:
            problems.append(
                f"no reporting lines: {m.shown_name} reports to {who}; members of a group "
                "must not report to each other"
            )
    everyone = [*members, member]
    low = min(everyone, key=lambda m: m.level)
    high = max(everyone, key=lambda m: m.level)
    if high.level - low.level > 1 and not allow_level_spread:
        problems.append(
            f"level spread: levels must be at most 1 apart, but {low.shown_name} is level "
            f"{low.level} and {high.shown_name} is level {high.level}; use "
            "--allow-level-spread to accept it"
        )
    return problems


def _join_pairs(
    pairs: list[list[str]] | None, email: str
) -> tuple[list[list[str]] | None, list[str]]:
    """The newcomer joins the first pair (which becomes a trio); no pair, no change."""
    if not pairs:
        return None, []
    for index, group in enumerate(pairs):
        if len(group) == 2:
            joined = [list(g) for g in pairs]
            joined[index] = [*group, email]
            return joined, list(group)
    return None, []


def plan_addition(
    vault: GroupVault, newcomer: Newcomer, now: datetime, allow_level_spread: bool = False
) -> Addition:
    """Check the newcomer against the roster rules; MembershipError lists every problem."""
    problems = _field_problems(newcomer)
    if problems:
        raise MembershipError("\n".join(problems))
    info = vault.info()
    member = Member(
        name=newcomer.name.strip(),
        email=newcomer.email.strip().lower(),
        level=int(newcomer.level.strip()),
        title=newcomer.title.strip(),
        reports_to=newcomer.reports_to.strip().lower(),
        department=newcomer.department.strip(),
        timezone=newcomer.timezone.strip() or info.timezone,
        joined=iso_utc(now),
    )
    members = vault.members()
    problems = roster_rule_problems(member, members, vault.slug, allow_level_spread)
    if problems:
        raise MembershipError("\n".join(problems))
    upcoming = next_session(info, now)
    addition = Addition(vault.slug, member, members, None, [], upcoming, info)
    if not addition.in_practice_month:
        return addition  # before session 1 the session app pairs everyone; after 2, nobody
    pairs, partners = _join_pairs(vault.current_pairs(), member.email)
    return Addition(vault.slug, member, members, pairs, partners, upcoming, info)


def add_member(
    home: Path,
    slug: str,
    newcomer: Newcomer,
    *,
    now: datetime | None = None,
    allow_level_spread: bool = False,
    dry_run: bool = False,
) -> Addition:
    """Add the newcomer (operations key only); `dry_run` checks and plans, writes nothing."""
    vault = open_for_operations(home, slug)
    try:
        addition = plan_addition(vault, newcomer, now or datetime.now(UTC), allow_level_spread)
        if not dry_run:
            vault.add_member(addition.member)
            if addition.pairs is not None:
                vault.record_pairing(addition.pairs, "member joined")
    finally:
        vault.close()
    return addition
