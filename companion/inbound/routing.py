"""Which group and member an inbound message belongs to: by reply token, else by thread.

A reply carries a signed, expiring token in the address it was sent to (journal+TOKEN@...).
A client that answered our From address instead has no token, but its In-Reply-To or
References names one of our random Message-IDs, which the group's ledger recorded with the
member it went to. Bounces are routed in `bounce_routing`, on the same Message-ID index.

Groups are opened lazily, once per run, and only when a token names them; the Message-ID
index reads every group's ledger once per run, and only for a message that needs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import Message
from pathlib import Path

from companion.inbound.inbound_message import header_text
from companion.inbound.outcome import MessageWaits
from companion.outbound.ledger import Ledger
from companion.outbound.ledger_records import LedgerMessage
from companion.outbound.schedule import CALENDAR_KINDS, PARTNER_CHECK_TOKEN_WEEK
from companion.tokens import (
    DEFAULT_REPLY_DAYS,
    UNSUBSCRIBE_PREFIX,
    find_tokens,
    parse_token,
    verify_token,
)
from companion.tokens import reply_until as reply_window_end
from plg_tui.core.groups import session_times
from plg_tui.core.home import group_slugs
from plg_tui.errors import PlgError
from plg_tui.vault.errors import KeyFileAltered, VaultError
from plg_tui.vault.group import GroupVault
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.keys import load_operations_keys

RECIPIENT_HEADERS = (
    "To",
    "Cc",
    "Delivered-To",
    "X-Original-To",
    "Envelope-To",
    "X-Envelope-To",
    "X-Delivered-To",
)
THREAD_HEADERS = ("In-Reply-To", "References")
# A References header can list a whole thread; ours is near its end, and more is noise.
MAX_THREAD_IDS = 50
NOT_JOURNAL_PROMPTS = frozenset({"pairing", "partner_check"})
_MESSAGE_ID = re.compile(r"<[^<>\s]{3,250}>")


@dataclass
class Group:
    keys: GroupKeys
    names: dict[str, str]  # email (lower-case) -> display name
    session2: datetime | None = None  # None: group.db has no readable session 2
    cycle: int = 1  # the group's current cycle: a journal entry placed now belongs to it
    pairs: list[list[str]] = field(default_factory=list)  # practice partners, lower-case

    @property
    def slug(self) -> str:
        return self.keys.slug


@dataclass(frozen=True)
class Route:
    group: Group
    member: str | None  # None: the token did not verify
    week: int
    unsubscribe: bool
    expired: bool = False  # ours, but past the reply window (session 2 + reply_days)
    # the kind of email answered when it is no journal prompt: "pairing" (the introduction,
    # whose replies belong to the partners) or "partner_check" (a yes/no that is counted)
    answers: str = ""


@dataclass(frozen=True)
class Sent:
    slug: str
    member: str
    week: int
    reply_until: str  # ISO date; "" in records written before replies expired
    return_path: str  # the envelope sender it went out with; "" in older records
    kind: str = ""


def message_ids(text: str, limit: int = MAX_THREAD_IDS) -> list[str]:
    """The <id@domain> strings of a header value, lower-case, in order, at most `limit`."""
    return [found.lower() for found in _MESSAGE_ID.findall(text)[:limit]]


class GroupDirectory:
    """The groups of one data home, each opened on first use; routes messages."""

    def __init__(self, home: Path, log: Callable[[str], None]) -> None:
        self.home = home
        self.log = log
        self._groups: dict[str, Group | None] = {}
        self._slug_list: list[str] | None = None
        # groups whose keys or roster could not be read: a message may be theirs, so it waits
        self.unopenable: set[str] = set()
        self._sent: dict[str, list[Sent]] | None = None

    # -- groups -------------------------------------------------------------------------------
    def group(self, slug: str) -> Group | None:
        if slug not in self._groups:
            self._groups[slug] = self._open_group(slug) if slug in self.slugs() else None
        return self._groups[slug]

    def slugs(self) -> list[str]:
        if self._slug_list is None:
            self._slug_list = group_slugs(self.home)
        return self._slug_list

    def _open_group(self, slug: str) -> Group | None:
        try:
            keys = load_operations_keys(self.home, slug)
            vault = GroupVault(self.home, keys)
            try:
                names = {m.email.lower(): m.name for m in vault.members()}
                info = vault.info()
                pairs = [[e.lower() for e in pair] for pair in vault.current_pairs() or []]
            finally:
                vault.close()
        except KeyFileAltered:
            raise  # sealing to a key nobody checked could hand a member's words to a stranger
        except VaultError as err:
            self.log(f"plg-companion: group '{slug}' cannot be opened: {err}")
            self.unopenable.add(slug)
            return None
        try:
            session2: datetime | None = session_times(info)[1]
        except (PlgError, KeyError, ValueError, TypeError):
            session2 = None
        return Group(keys, names, session2, info.cycle, pairs)

    def wait_if_unopenable(self) -> None:
        """A message that names no group we could open may be for one we could not: keep it."""
        if self.unopenable:
            names = ", ".join(sorted(self.unopenable))
            raise MessageWaits(f"group {names} cannot be opened; the message stays in the mailbox")

    def groups_of_member(self, sender: str) -> list[Group]:
        found = []
        for slug in self.slugs():
            group = self.group(slug)
            if group is not None and sender in group.names:
                found.append(group)
        return found

    # -- replies ------------------------------------------------------------------------------
    def route(self, headers: Message, now: datetime, sender: str = "") -> Route | None:
        """The first token in a recipient header that verifies; else the first one naming a
        group we have; else, for a reply without any, the message it answers (the sender's
        own copy first, when one message went to several members)."""
        unverified: Route | None = None
        for name in RECIPIENT_HEADERS:
            for candidate in find_tokens(header_text(headers, name)):
                route = self._token_route(candidate, now)
                if route is not None and route.member is not None:
                    return route
                unverified = unverified or route
        if unverified is not None:
            return unverified
        # In-Reply-To names the message answered; References lists the thread, oldest first.
        thread = message_ids(header_text(headers, "In-Reply-To"), 5)
        thread += reversed(message_ids(header_text(headers, "References")))
        return self._thread_route(dict.fromkeys(thread), now, sender)

    def unsubscribe_route(self, headers: Message, now: datetime) -> Route | None:
        """The verified STOP address the message was sent to, if any: looked at before the
        automatic-reply filter, since a mail client's unsubscribe may look automatic."""
        for name in RECIPIENT_HEADERS:
            for candidate in find_tokens(header_text(headers, name)):
                if candidate.startswith(UNSUBSCRIBE_PREFIX):
                    route = self._token_route(candidate, now)
                    if route is not None and route.member is not None:
                        return route
        return None

    def _token_route(self, candidate: str, now: datetime) -> Route | None:
        """Where a token points, if it parses and names a group we have (verified or not)."""
        parsed = parse_token(candidate)
        if parsed is None:
            return None
        group = self.group(parsed.slug)
        if group is None:
            return None
        member = verify_token(group.keys, parsed, list(group.names))
        answers = "partner_check" if parsed.week == PARTNER_CHECK_TOKEN_WEEK else ""
        return Route(group, member, parsed.week, parsed.unsubscribe, parsed.expired(now), answers)

    def _thread_route(self, ids: Iterable[str], now: datetime, sender: str) -> Route | None:
        for message_id in ids:
            copies = self.sent_index().get(message_id, [])
            for sent in sorted(copies, key=lambda copy: copy.member != sender):
                group = self.group(sent.slug)
                if group is None or sent.member not in group.names:
                    continue
                if sent.kind in CALENDAR_KINDS:
                    continue  # an answer to an invitation is a calendar response, no journal
                until = self._reply_until(group, sent)
                expired = until is None or now.astimezone(UTC).date() > until
                answers = sent.kind if sent.kind in NOT_JOURNAL_PROMPTS else ""
                return Route(group, sent.member, sent.week, False, expired, answers)
        return None

    @staticmethod
    def _reply_until(group: Group, sent: Sent) -> date | None:
        try:
            return date.fromisoformat(sent.reply_until)
        except ValueError:
            pass
        # recorded before replies expired: the group's session 2 and the default window
        if group.session2 is None:
            return None
        return reply_window_end(group.session2, DEFAULT_REPLY_DAYS)

    # -- the Message-ID index -----------------------------------------------------------------
    def sent_index(self) -> dict[str, list[Sent]]:
        """Message-ID -> where it went, over every group's ledger; built once per run.

        Only the key files and ledgers are read (no group.db), each once: for 20 groups that
        is 20 small decryptions, and then every lookup is a dictionary access.
        """
        if self._sent is None:
            self._sent = {}
            for slug in self.slugs():
                for message_id, record in self._ledger_records(slug):
                    self._sent.setdefault(message_id, []).append(_sent_of(slug, record))
        return self._sent

    def _ledger_records(self, slug: str) -> list[tuple[str, LedgerMessage]]:
        group = self._groups.get(slug)
        try:
            keys = group.keys if group is not None else load_operations_keys(self.home, slug)
            return list(Ledger.read_only(self.home, keys).sent_message_ids())
        except (PlgError, OSError) as err:
            self.log(f"plg-companion: ledger of group '{slug}' cannot be read: {err}")
            return []


def _sent_of(slug: str, record: LedgerMessage) -> Sent:
    return Sent(
        slug,
        record.member.lower(),
        record.week or 0,
        record.reply_until,
        record.return_path,
        record.kind,
    )
