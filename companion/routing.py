"""Which group and member an inbound message belongs to, found from the reply token.

Replies carry a signed token in the address they were sent to (or in the thread headers);
a bounce carries our original message, token included. Groups of the data home are opened
lazily, once per run, and only when a token names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from email.message import Message
from pathlib import Path

from companion.inbound_message import MAX_MESSAGE_BYTES, header_text
from companion.tokens import find_tokens, parse_token, verify_token
from plg_tui.core.home import group_slugs
from plg_tui.vault.errors import KeyFileAltered, VaultError
from plg_tui.vault.group import GroupVault
from plg_tui.vault.keys import GroupKeys, load_operations_keys

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


@dataclass
class Group:
    keys: GroupKeys
    names: dict[str, str]  # email (lower-case) -> display name

    @property
    def slug(self) -> str:
        return self.keys.slug


@dataclass(frozen=True)
class Route:
    group: Group
    member: str | None  # None: the token did not verify
    week: int
    unsubscribe: bool


class GroupDirectory:
    """The groups of one data home, each opened on first use; routes messages by token."""

    def __init__(self, home: Path, log: Callable[[str], None]) -> None:
        self.home = home
        self.log = log
        self._groups: dict[str, Group | None] = {}
        self._slug_list: list[str] | None = None

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
                names = {m["email"].lower(): m.get("name", "") for m in vault.members()}
            finally:
                vault.close()
        except KeyFileAltered:
            raise  # sealing to a key nobody checked could hand a member's words to a stranger
        except VaultError as err:
            self.log(f"plg-companion: group '{slug}' cannot be opened: {err}")
            return None
        return Group(keys, names)

    def groups_of_member(self, sender: str) -> list[Group]:
        found = []
        for slug in self.slugs():
            group = self.group(slug)
            if group is not None and sender in group.names:
                found.append(group)
        return found

    # -- routing ------------------------------------------------------------------------------
    def route(self, headers: Message) -> Route | None:
        """The first token that verifies; else the first one naming a group we have."""
        unverified: Route | None = None
        for names in (RECIPIENT_HEADERS, THREAD_HEADERS):
            for name in names:
                for candidate in find_tokens(header_text(headers, name)):
                    route = self._token_route(candidate)
                    if route is not None and route.member is not None:
                        return route
                    unverified = unverified or route
        return unverified

    def route_bounce(self, raw: bytes) -> Route | None:
        """A bounce carries our original message (or its headers): find our token there."""
        text = raw[: 4 * MAX_MESSAGE_BYTES].decode("latin-1").lower()
        for candidate in dict.fromkeys(find_tokens(text)):
            route = self._token_route(candidate)
            if route is not None and route.member is not None:
                return replace(route, unsubscribe=False)
        return None

    def _token_route(self, candidate: str) -> Route | None:
        """Where a token points, if it parses and names a group we have (verified or not)."""
        parsed = parse_token(candidate)
        if parsed is None:
            return None
        group = self.group(parsed.slug)
        if group is None:
            return None
        member = verify_token(group.keys, parsed, list(group.names))
        return Route(group, member, parsed.week, parsed.unsubscribe)
