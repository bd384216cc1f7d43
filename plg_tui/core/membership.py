"""Members leaving a group that already exists: the rules, no Textual, no email.

Leaving re-keys the group in the same committed step as the roster change (vault/rekey.py
with vault/roster_edit.py), so there is never a group without the leaver that the leaver's
passphrase still opens. Joining is in `newcomer`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plg_tui.core.groups import GroupError, open_for_operations, session_times
from plg_tui.core.roster import MIN_MEMBERS
from plg_tui.vault.crypto import KdfParams
from plg_tui.vault.group import GroupVault
from plg_tui.vault.keys import DEFAULT_KDF
from plg_tui.vault.records import GroupInfo, Member

Passphrase = str | Callable[[], str]


class MembershipError(GroupError):
    """Why a member cannot leave or join; every problem on its own line, nothing changed."""


def iso_utc(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="seconds")


def below_minimum(count: int) -> bool:
    return count < MIN_MEMBERS


def size_note(count: int) -> str | None:
    """The flag a group below the minimum carries in every command's output; None if it is not."""
    if not below_minimum(count):
        return None
    return (
        f"only {count} member{'s' if count != 1 else ''}, below the minimum of {MIN_MEMBERS}: "
        "the group is kept; add someone (plg group add-member) or end it"
    )


def next_session(info: GroupInfo, now: datetime) -> tuple[str, datetime] | None:
    """("session 1"/"session 2", when) of the next session not held and not past; else None."""
    s1, s2 = session_times(info)
    if not info.session1_held and now < s1:
        return "session 1", s1
    if not info.session2_held and now < s2:
        return "session 2", s2
    return None


# -- leaving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerChange:
    """What the leaver's going does to the practice partners."""

    pairs: list[list[str]] | None  # the partners from now on; None: nothing to record
    still_together: list[str]  # the leaver's former partners who are still paired (trio -> pair)
    alone: list[str]  # those left with no partner


def partners_after_leaving(pairs: list[list[str]] | None, email: str) -> PartnerChange:
    if not pairs or not any(email in group for group in pairs):
        return PartnerChange(None, [], [])
    kept: list[list[str]] = []
    together: list[str] = []
    alone: list[str] = []
    for group in pairs:
        if email not in group:
            kept.append(list(group))
            continue
        rest = [e for e in group if e != email]
        if len(rest) >= 2:
            kept.append(rest)
            together.extend(rest)
        else:
            alone.extend(rest)
    return PartnerChange(kept, together, alone)


@dataclass(frozen=True)
class Removal:
    slug: str
    leaver: Member
    remaining: list[Member]
    partners: PartnerChange
    at: str  # ISO UTC

    @property
    def below_minimum(self) -> bool:
        return below_minimum(len(self.remaining))

    def name_of(self, email: str) -> str:
        return next((m.shown_name for m in self.remaining if m.email == email), email)


def plan_removal(vault: GroupVault, email: str, now: datetime) -> Removal:
    """What removing `email` changes; MembershipError when they are not a member."""
    wanted = email.strip().lower()
    members = vault.members()
    leaver = next((m for m in members if m.email.lower() == wanted), None)
    if leaver is None:
        known = ", ".join(m.email for m in members) or "nobody"
        raise MembershipError(
            f"{email!r} is not a member of '{vault.slug}' (members: {known}); nothing changed"
        )
    remaining = [m for m in members if m is not leaver]
    partners = partners_after_leaving(vault.current_pairs(), leaver.email.lower())
    return Removal(vault.slug, leaver, remaining, partners, iso_utc(now))


def remove_member(
    home: Path,
    slug: str,
    email: str,
    current: Passphrase,
    new: Passphrase,
    *,
    now: datetime | None = None,
    kdf: KdfParams = DEFAULT_KDF,
) -> Removal:
    """Take `email` off the roster and re-key the group, as one committed step.

    The passphrases are asked for (when callables) only after the member was found. The new
    one must differ from the current one: the leaver knows the current one.
    """
    from plg_tui.vault.rekey import rekey
    from plg_tui.vault.roster_edit import member_leaves

    vault = open_for_operations(home, slug)
    try:
        removal = plan_removal(vault, email, now or datetime.now(UTC))
    finally:
        vault.close()
    old_text = current() if callable(current) else current
    new_text = new() if callable(new) else new
    if new_text == old_text:
        raise MembershipError(
            f"the new passphrase is the current one, which {removal.leaver.shown_name} knows; "
            "choose another (nothing changed)"
        )
    edit = member_leaves(removal.leaver.email.lower(), removal.at, removal.partners.pairs)
    rekey(home, slug, old_text, new_text, kdf, edit_group_db=edit)
    return removal
