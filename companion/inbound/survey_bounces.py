"""Delivery reports of a pool's survey emails: a typo in the pool CSV comes back as a bounce.

A survey email leaves with the same per-message bounce address (VERP) as a group's, made with
the pool's keys, so `bounce_routing.BounceRouter` routes the report unchanged, here over the
pools' survey ledgers instead of the groups'. A permanent failure is recorded against the
candidate in the pool's (encrypted) survey ledger, as a group's bounce is in the group's: no
more survey emails to that address, and `plg survey status` counts and names it. A delay is
no bounce, and neither is a bounce of an answer to the candidate's reply (they did reply).
A report that names a pool but is not believed (a bounce address whose MAC does not verify, a
quoted Message-ID we never sent to the recipient that failed) is dropped, as a group's is:
nothing of it is kept, so a flood of forgeries cannot push candidates' entries out of the
pool's log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import Message
from pathlib import Path

from companion.inbound.bounce_routing import BounceRouter
from companion.inbound.classify import read_delivery_report
from companion.inbound.outcome import (
    MessageWaits,
    Outcome,
    written_or_retried,
)
from companion.inbound.routing import Group, Sent
from companion.outbound.ledger import Ledger
from companion.outbound.survey_mail import INVITATION, REMINDER
from companion.outbound.survey_send import pool_ledger_files, sent_survey_emails
from companion.tokens import BounceToken
from plg_tui.core.home import group_slugs
from plg_tui.core.pool import pool_candidates
from plg_tui.errors import PlgError
from plg_tui.vault.pool_store import pool_keys, pool_names

# why BounceRouter did not believe a report that names one of our messages (or addresses)
NOT_BELIEVED = frozenset(
    {
        "bounce address not valid",
        "bounce recipient is not the member",
        "bounce did not arrive at the bounce address",
    }
)


class PoolDirectory:
    """The pools' survey ledgers as a `SentDirectory`: each pool a `Group` of its candidates
    (and every address it sent survey emails to), opened on first use."""

    def __init__(self, home: Path, log: Callable[[str], None]) -> None:
        self.home = home
        self.log = log
        self._pools: dict[str, Group | None] = {}
        self._sent: dict[str, list[Sent]] | None = None
        self.unopenable: set[str] = set()

    def names(self) -> list[str]:
        return pool_names(self.home)

    def group(self, slug: str) -> Group | None:
        if slug not in self._pools:
            self._pools[slug] = self._open(slug) if slug in self.names() else None
        return self._pools[slug]

    def _open(self, name: str) -> Group | None:
        try:
            keys = pool_keys(self.home, name)
            emails = {c.email.lower(): c.name for c in pool_candidates(self.home, name)}
        except PlgError as err:
            self.log(f"plg-companion: pool '{name}' cannot be opened: {err}")
            self.unopenable.add(name)
            return None
        # an address corrected by a later import still had the email that bounced
        for copies in self.sent_index().values():
            for sent in copies:
                if sent.slug == name:
                    emails.setdefault(sent.member, "")
        return Group(keys, emails)

    def wait_if_unopenable(self) -> None:
        if self.unopenable:
            names = ", ".join(sorted(self.unopenable))
            raise MessageWaits(f"pool {names} cannot be opened; the message stays in the mailbox")

    def sent_index(self) -> dict[str, list[Sent]]:
        """Message-ID -> the survey emails it was, over every pool's ledger; once per run."""
        if self._sent is None:
            self._sent = {}
            for name, message_id, r in sent_survey_emails(self.home, self.log):
                if r.kind not in (INVITATION, REMINDER):
                    continue  # an answer to their reply bouncing says nothing of the address
                member, week = r.member.lower(), r.week or 0
                sent = Sent(name, member, week, r.reply_until, r.return_path, r.kind)
                self._sent.setdefault(message_id, []).append(sent)
        return self._sent


class SurveyBounces:
    """Reads delivery reports for the pools during a run; `commit` writes what it learnt."""

    def __init__(
        self, home: Path, now: datetime, log: Callable[[str], None], ledger_timeout: float | None
    ) -> None:
        self.home = home
        self.now = now
        self.ledger_timeout = ledger_timeout
        self._pools = PoolDirectory(home, log)
        self._router = BounceRouter(self._pools)
        self._bounces: dict[str, dict[str, str]] = {}  # pool -> email -> status code

    def receive(self, raw: bytes, headers: Message, tokens: list[BounceToken]) -> Outcome | None:
        """The outcome of a delivery report about a survey email; None when it names no pool
        (a group's, or nobody's: the groups' router has it then)."""
        pools = set(self._pools.names())
        ours = [t for t in tokens if t.slug in pools]
        if not pools or (tokens and not ours):
            return None
        groups = set(group_slugs(self.home))
        try:
            route, why, status = self._router.route(raw, headers, ours)
        except MessageWaits:
            if ours and all(t.slug in groups for t in ours):
                return None  # a namesake group may have sent it: a broken pool must not block it
            raise
        if route is not None and route.member is not None:
            name = route.group.slug
            self._bounces.setdefault(name, {})[route.member] = status
            return Outcome("bounced", "delivery failed", f"pool {name}", route.member)
        if why not in NOT_BELIEVED:
            return None  # a delay, an unreadable report, or no message of any pool
        pool = ours[0].slug if ours else self._quoted_pool(raw)
        if pool is None or pool in groups:
            return None  # a group of the same name may have sent it: its router decides
        # as a group's: a report not believed is dropped, never kept (a flood of forgeries
        # must not push the candidates' own entries out of the pool's log)
        return Outcome("dropped", why, f"pool {pool}")

    def _quoted_pool(self, raw: bytes) -> str | None:
        index = self._pools.sent_index()
        for message_id in read_delivery_report(raw).original_ids:
            for sent in index.get(message_id, []):
                return sent.slug
        return None

    def commit(self) -> None:
        """Record this run's bounces in each pool's survey ledger; raises
        IngestTemporaryError when a ledger stays busy or a write fails."""
        for name in sorted(self._bounces):
            group = self._pools.group(name)
            if group is None or name not in self._pools.names():
                self._bounces.pop(name, None)  # purged while this run read its mail
                continue
            with written_or_retried(f"survey ledger of pool '{name}'", f"pool '{name}'"):
                self._commit_pool(name, group)
            self._bounces.pop(name, None)

    def _commit_pool(self, name: str, group: Group) -> None:
        at = self.now.isoformat(timespec="seconds")
        files = pool_ledger_files(self.home, name)
        timeout = self.ledger_timeout
        with Ledger.locked(self.home, group.keys, timeout=timeout, files=files) as ledger:
            for email, status in sorted(self._bounces.get(name, {}).items()):
                if not ledger.member(email).bouncing:
                    ledger.set_member(email, bouncing=True, bounced_at=at, bounce_reason=status)
            ledger.save()
