"""Whose email bounced: by the per-message bounce address it came back to, else by what it quotes.

Every email leaves with its own envelope sender, journal+b.<slug>.<ref>.<mac>@reply-domain
(VERP): the delivery report comes back to that address, which names the message under a MAC
of the group's reply key, so nobody can make one up and no quoted header is needed. A bounce
of a message sent before bounce addresses existed is believed only when it names a
Message-ID we sent to the very recipient that failed and arrives at the address we sent from.
Only permanent failures count; a delay notice is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import Message
from typing import Protocol

from companion.inbound.classify import read_delivery_report
from companion.inbound.inbound_message import addresses, header_text
from companion.inbound.routing import RECIPIENT_HEADERS, Group, Route, Sent
from companion.tokens import BounceToken, find_bounce_tokens, message_ref, verify_bounce_token


def bounce_addresses(headers: Message) -> list[BounceToken]:
    """The bounce addresses (ours or not yet verified) the message was delivered to."""
    return [
        token
        for name in RECIPIENT_HEADERS
        for token in find_bounce_tokens(header_text(headers, name))
    ]


class SentDirectory(Protocol):
    """Who we sent what: the groups' (`GroupDirectory`) or the pools' survey ledgers."""

    def group(self, slug: str) -> Group | None: ...

    def sent_index(self) -> dict[str, list[Sent]]: ...

    def wait_if_unopenable(self) -> None: ...


class BounceRouter:
    """Routes delivery reports over the Message-ID index of a `SentDirectory`."""

    def __init__(self, groups: SentDirectory) -> None:
        self.groups = groups
        self._by_ref: dict[str, list[tuple[str, Sent]]] | None = None

    def route(
        self, raw: bytes, headers: Message, tokens: list[BounceToken]
    ) -> tuple[Route | None, str, str]:
        """(route, why not, status code) of a delivery report; MessageWaits when it may be
        for a group that cannot be opened now."""
        try:
            report = read_delivery_report(raw)
        except Exception:
            return None, "unreadable delivery report", ""
        if not report.permanent:
            return None, "delivery delayed notice", ""
        if tokens:
            route, why = self.route_by_address(tokens), "bounce address not valid"
        else:
            route, why = self.route_by_quote(headers, report.original_ids, report.recipients)
        if route is None or route.member is None:
            self.groups.wait_if_unopenable()
            return None, why, ""
        return route, "", report.status or "failed"

    def route_by_address(self, tokens: Iterable[BounceToken]) -> Route | None:
        """The member whose message bounced, named by the bounce address it came back to;
        None when no address verifies (a forgery, or a group we no longer have)."""
        for token in tokens:
            group = self.groups.group(token.slug)
            if group is None:
                continue
            for message_id, sent in self._sent_by_ref().get(token.message_ref, []):
                if sent.slug != token.slug or sent.member not in group.names:
                    continue
                if verify_bounce_token(group.keys, token, message_id):
                    return Route(group, sent.member, sent.week, False)
        return None

    def route_by_quote(
        self, headers: Message, original_ids: Iterable[str], failed: Iterable[str]
    ) -> tuple[Route | None, str]:
        """(the member whose email bounced, why) or (None, why the report is not believed).

        `original_ids` are the Message-IDs the report quotes (its copy of our headers, its
        In-Reply-To); `failed` the recipients it says failed permanently.
        """
        failed_set = set(failed)
        arrived_at = {a for name in RECIPIENT_HEADERS for a in addresses(headers, name)}
        reason = "bounce for no message we sent"
        for message_id in dict.fromkeys(original_ids):
            for sent in self.groups.sent_index().get(message_id, []):
                if sent.member not in failed_set:
                    reason = "bounce recipient is not the member"
                    continue
                if sent.return_path and sent.return_path.lower() not in arrived_at:
                    reason = "bounce did not arrive at the bounce address"
                    continue
                group = self.groups.group(sent.slug)
                if group is None:
                    continue
                return Route(group, sent.member, sent.week, False), "delivery failed"
        return None, reason

    def _sent_by_ref(self) -> dict[str, list[tuple[str, Sent]]]:
        if self._by_ref is None:
            self._by_ref = {}
            for message_id, sent in self.groups.sent_index().items():
                for one in sent:
                    self._by_ref.setdefault(message_ref(message_id), []).append((message_id, one))
        return self._by_ref
