"""What an ingest run changes in each group's ledger, queued while messages are read and
applied at `commit` under each group's ledger lock: STOPs and STARTs, bounces, notices to
send (acknowledgements, confirmations, hints), partner-check answers; then `send_notices`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import Message
from pathlib import Path

from companion.inbound.inbound_message import entry_id_for
from companion.inbound.notices import NoticeReport, PendingChanges, apply_pending, send_notices
from companion.inbound.outcome import Outcome, written_or_retried
from companion.inbound.routing import Group, GroupDirectory, Route
from companion.outbound.ledger import Ledger
from companion.settings import EmailSettings, SmtpSettings


class LedgerChanges:
    def __init__(
        self,
        home: Path,
        groups: GroupDirectory,
        now: datetime,
        ledger_timeout: float | None,
        log: Callable[[str], None],
    ) -> None:
        self.home = home
        self.groups = groups
        self.now = now
        self.ledger_timeout = ledger_timeout
        self.log = log
        self._pending: dict[str, PendingChanges] = {}
        self._touched: set[str] = set()  # groups that got a notice queued in this run

    def pending(self, slug: str, *, touched: bool = False) -> PendingChanges:
        if touched:
            self._touched.add(slug)
        return self._pending.setdefault(slug, PendingChanges())

    def stop(
        self, route: Route, how: str, headers: Message, raw: bytes, *, start: bool = False
    ) -> Outcome:
        """A STOP (or with `start`, a START): the ledger learns it, the member is answered."""
        assert route.member is not None
        group = route.group
        pending = self.pending(group.slug)
        pending.opt_outs.pop(route.member, None)
        pending.resumes.discard(route.member)
        if start:
            pending.resumes.add(route.member)
        else:
            pending.opt_outs[route.member] = how
        # the same message read twice (a crash before deleting it) is one request, one notice
        request_id = entry_id_for(headers, raw, group_id=group.keys.group_id, member=route.member)
        kind = "start_confirm" if start else "stop_confirm"
        self.queue_notice(group, kind, route.member, 0, request_id[0], headers)
        action = f"{'start' if start else 'stop'} request by {how}"
        return Outcome(
            "started" if start else "stopped", action, group.slug, route.member, route.week
        )

    def queue_notice(
        self, group: Group, kind: str, member: str, week: int, ref: str, headers: Message
    ) -> None:
        self.pending(group.slug, touched=True).queue_notice(kind, member, week, ref, headers)

    def commit(self) -> None:
        for slug in list(self._pending):
            pending = self._pending[slug]
            group = self.groups.group(slug)
            if group is None:
                del self._pending[slug]
                continue
            ledger_name = f"ledger of group '{slug}'"
            with (
                written_or_retried(ledger_name, f"the {ledger_name}"),
                Ledger.locked(self.home, group.keys, timeout=self.ledger_timeout) as ledger,
            ):
                if apply_pending(ledger, pending, self.now):
                    ledger.save()
            del self._pending[slug]

    def send_notices(
        self, email_settings: EmailSettings, smtp: SmtpSettings | None, *, all_groups: bool
    ) -> NoticeReport:
        slugs = self.groups.slugs() if all_groups else sorted(self._touched)
        return send_notices(
            self.home,
            slugs,
            self.groups.group,
            email_settings,
            smtp,
            now=self.now,
            ledger_timeout=self.ledger_timeout,
            log=self.log,
        )
