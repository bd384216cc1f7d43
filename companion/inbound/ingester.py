"""One inbound email -> a sealed journal entry, a quarantined item, a dropped notice, or a STOP.

Every source (IMAP, Maildir, one message on stdin) hands the raw bytes of each RFC 5322
message to `Ingester.receive`, the one code path. It decides where the message belongs, writes
what must be kept (entries and quarantined items are sealed to the group's public key, so the
companion can never read them back) and queues what the ledger must learn (opt-outs,
bounces, acknowledgements to send). `Ingester.commit` then applies the queued ledger changes
under each group's ledger lock, and `Ingester.send_notices` sends acknowledgements and STOP
confirmations, each at most once.

A source deletes a message from the mailbox only after `receive` and `commit` have both
returned: a crash in between means the message is read again next time, and the second read
finds the entry already there (the entry id binds group, member and Message-ID), so nothing
is lost, nothing is stored or acknowledged twice, and the message is deleted then.

Reading the message is in `inbound_message`, telling automatic mail apart in `classify`,
finding the group and member in `routing`, and the ledger changes and notices in `notices`.

Nothing here logs, raises or records member-written text: reasons are fixed phrases.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import astuple
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

from companion.inbound.classify import (
    auto_reply_reason,
    is_delivery_report,
    read_delivery_report,
    sender_authentication_failed,
)
from companion.inbound.inbound_message import (
    MAX_MESSAGE_BYTES,
    addresses,
    entry_id_for,
    member_text,
    parse_headers,
    parse_message,
    read_body,
    written_at,
)
from companion.inbound.notices import NoticeReport, PendingChanges, apply_pending, send_notices
from companion.inbound.outcome import IngestTemporaryError, MessageWaits, Outcome
from companion.inbound.quarantine import QuarantineShelf
from companion.inbound.routing import Group, GroupDirectory, Route
from companion.inbound.survey_replies import SurveyReplies
from companion.mailtext.clean import is_stop_request
from companion.outbound.ledger import Ledger, LedgerBusy
from companion.outbound.schedule import ScheduleSettings
from companion.settings import EmailSettings, QuarantineLimits, SmtpSettings
from plg_tui.vault.errors import DiskWriteError
from plg_tui.vault.group import write_sealed_entry
from plg_tui.vault.paths import INBOX

DEFAULT_LEDGER_TIMEOUT = 20.0
# A stop request is a few words; longer text is an entry (saves re-cleaning every reply).
_STOP_CHECK_CHARS = 400


class Ingester:
    """Places messages for every group in the data home; see the module docstring.

    `now` is the received time written into entries; `schedule` plg.toml's [schedule] (quiet
    hours for the survey emails an ingest sends); `acknowledge` False disables
    acknowledgement emails (STOP confirmations still go out); `quarantine_limits` caps what
    each group's quarantine takes (the rest is dropped and counted in the ledger).
    """

    def __init__(
        self,
        home: Path,
        *,
        now: datetime,
        source: str = "stdin",
        acknowledge: bool = True,
        ledger_timeout: float | None = DEFAULT_LEDGER_TIMEOUT,
        log: Callable[[str], None] | None = None,
        quarantine_limits: QuarantineLimits | None = None,
        schedule: ScheduleSettings | None = None,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.home = home
        self.now = now.astimezone(UTC)
        self.source = source
        self.acknowledge = acknowledge
        self.ledger_timeout = ledger_timeout
        self.log = log or (lambda line: print(line, file=sys.stderr))
        # the lambda follows a later reassignment of `self.log`
        self._groups = GroupDirectory(home, lambda line: self.log(line))
        self._pending: dict[str, PendingChanges] = {}
        self._touched: set[str] = set()  # groups that got a notice queued in this run
        self._shelf = QuarantineShelf(home, quarantine_limits or QuarantineLimits(), self.now)
        # survey emails sent after an ingest keep plg.toml's quiet hours, as `run` does
        self._surveys = SurveyReplies(
            home,
            self.now,
            lambda line: self.log(line),
            schedule=schedule or ScheduleSettings(),
            ledger_timeout=ledger_timeout,
        )
        self.counts: dict[str, int] = {}

    # -- the one code path --------------------------------------------------------------------
    def receive(self, raw: bytes) -> Outcome:
        """Place one message. Raises IngestTemporaryError when a write failed, MessageWaits
        when the message may be for a group that cannot be opened."""
        try:
            outcome = self._receive(raw)
        except (DiskWriteError, OSError) as err:
            raise IngestTemporaryError(f"could not store a message: {_safe_error(err)}") from None
        self.counts[outcome.action] = self.counts.get(outcome.action, 0) + 1
        return outcome

    def _receive(self, raw: bytes) -> Outcome:
        # one full parse serves headers and body; a huge or unparseable message gets its
        # header block read on its own, which is enough to route and quarantine it
        message: Message | None = None
        if len(raw) <= MAX_MESSAGE_BYTES:
            try:
                message = parse_message(raw)
            except Exception:
                message = None
        headers = message if message is not None else parse_headers(raw)
        if is_delivery_report(headers):
            return self._bounce(raw)
        auto = auto_reply_reason(headers)
        if auto is not None:
            return Outcome("dropped", auto)
        survey = self._surveys.receive(raw, message, headers)  # a pool's topic survey
        if survey is not None:
            return survey

        route = self._groups.route(headers, self.now)
        sender_addresses = addresses(headers, "From")
        sender = sender_addresses[0] if len(set(sender_addresses)) == 1 else ""
        if route is None:
            groups = self._groups.groups_of_member(sender) if sender else []
            if len(groups) == 1:
                return self._quarantine(groups[0], raw, headers, "no reply token", sender)
            self._wait_if_a_group_is_unopenable()
            return Outcome("dropped", "not addressed to any group")
        group = route.group
        if route.member is None:
            return self._quarantine(group, raw, headers, "reply token not valid", sender)
        if sender != route.member:
            return self._quarantine(group, raw, headers, "sender is not the member", sender)
        if sender_authentication_failed(headers):
            return self._quarantine(group, raw, headers, "sender authentication failed", sender)
        if route.unsubscribe:  # honoured even when expired: pausing email is never refused
            return self._stop(group, route, "unsubscribe address")
        if route.expired:
            return self._quarantine(group, raw, headers, "reply window has closed", sender)
        if len(raw) > MAX_MESSAGE_BYTES:
            return self._quarantine(group, raw, headers, "message larger than 1 MiB", sender)

        try:
            if message is None:
                raise ValueError("unparseable")
            body = read_body(message)
            text, truncated = member_text(body)
        except RecursionError:
            return self._quarantine(group, raw, headers, "message structure unreadable", sender)
        except (DiskWriteError, OSError):
            raise
        except Exception:  # broken MIME must end in quarantine, not a crash
            return self._quarantine(group, raw, headers, "message could not be read", sender)

        if len(text) <= _STOP_CHECK_CHARS and is_stop_request(text):
            return self._stop(group, route, "reply")
        if not text and body.attachments == 0:
            return Outcome("dropped", "empty reply", group.slug, route.member, route.week)
        if body.attachments:
            noun = "attachment was" if body.attachments == 1 else "attachments were"
            text = f"{text}\n\n[{body.attachments} {noun} not stored.]".lstrip()

        entry_id, source_hash = entry_id_for(
            headers, raw, group_id=group.keys.group_id, member=route.member
        )
        meta = {
            "member": route.member,
            "week": route.week,
            "cycle": group.cycle,
            "received": self.now.isoformat(timespec="seconds"),
            "written": written_at(headers),
            "message_hash": source_hash,
            "attachments": body.attachments,
            "truncated": truncated,
            "source": self.source,
        }
        path = write_sealed_entry(self.home, group.keys, INBOX, entry_id, meta, text)
        action = "placed" if path is not None else "duplicate"
        # a duplicate is this member's own entry (the id binds the member), stored by an earlier
        # run that may have died before queueing the acknowledgement; the ledger key keeps it
        # to one acknowledgement per entry
        if self.acknowledge:
            self._queue_notice(group, "ack", route.member, route.week, entry_id)
        return Outcome(action, "journal entry", group.slug, route.member, route.week, entry_id)

    def _quarantine(
        self, group: Group, raw: bytes, headers: Message, reason: str, sender: str
    ) -> Outcome:
        entry_id = self._shelf.keep(group, raw, headers, reason=reason, sender=sender)
        if entry_id is None:
            self._pending.setdefault(group.slug, PendingChanges()).quarantine_dropped += 1
            return Outcome("dropped", "quarantine full", group.slug)
        return Outcome("quarantined", reason, group.slug, None, None, entry_id)

    def _wait_if_a_group_is_unopenable(self) -> None:
        """A message that names no group we could open may be for one we could not: keep it."""
        if self._groups.unopenable:
            names = ", ".join(sorted(self._groups.unopenable))
            raise MessageWaits(f"group {names} cannot be opened; the message stays in the mailbox")

    def _stop(self, group: Group, route: Route, how: str) -> Outcome:
        assert route.member is not None
        pending = self._pending.setdefault(group.slug, PendingChanges())
        pending.opt_outs[route.member] = how
        self._queue_notice(group, "stop_confirm", route.member, 0, "")
        return Outcome("stopped", f"stop request by {how}", group.slug, route.member, route.week)

    def _bounce(self, raw: bytes) -> Outcome:
        try:
            report = read_delivery_report(raw)
        except Exception:
            return Outcome("dropped", "unreadable delivery report")
        if not report.permanent:
            return Outcome("dropped", "delivery delayed notice")
        headers = parse_headers(raw)
        route, why = self._groups.route_bounce(headers, report.original_ids, report.recipients)
        if route is None or route.member is None:
            self._wait_if_a_group_is_unopenable()
            return Outcome("dropped", why)
        pending = self._pending.setdefault(route.group.slug, PendingChanges())
        pending.bounces[route.member] = report.status or "failed"
        return Outcome("bounced", "delivery failed", route.group.slug, route.member, route.week)

    def _queue_notice(self, group: Group, kind: str, member: str, week: int, entry_id: str) -> None:
        key = f"ack-{entry_id[:16]}:{week}:{member}" if kind == "ack" else f"{kind}:0:{member}"
        self._touched.add(group.slug)
        self._pending.setdefault(group.slug, PendingChanges()).notices[key] = {
            "member": member,
            "kind": kind,
            "week": week,
        }

    # -- the ledger ---------------------------------------------------------------------------
    def commit(self) -> None:
        """Apply queued opt-outs, bounces and notices to each group's ledger.

        Raises IngestTemporaryError when a ledger stays locked past the timeout or cannot be
        written; what was queued for that group stays queued.
        """
        self._surveys.commit()
        for slug in list(self._pending):
            pending = self._pending[slug]
            group = self._groups.group(slug)
            if group is None:
                del self._pending[slug]
                continue
            try:
                with Ledger.locked(self.home, group.keys, timeout=self.ledger_timeout) as ledger:
                    if apply_pending(ledger, pending, self.now):
                        ledger.save()
            except LedgerBusy:
                raise IngestTemporaryError(f"the ledger of group '{slug}' is busy") from None
            except (DiskWriteError, OSError) as err:
                raise IngestTemporaryError(
                    f"could not write the ledger of group '{slug}': {_safe_error(err)}"
                ) from None
            del self._pending[slug]

    def send_notices(
        self, email_settings: EmailSettings, smtp: SmtpSettings | None, *, all_groups: bool = True
    ) -> NoticeReport:
        """Send every queued (or earlier deferred) notice once; record the result.

        `smtp` None means no SMTP server is configured: notices stay deferred. An unreachable
        server defers them too; it never fails the ingest. `all_groups` False looks only at
        the groups this run queued notices for (one message from an MTA need not open every
        group's ledger); scheduled runs retry every group's deferred notices.
        """
        slugs = self._groups.slugs() if all_groups else sorted(self._touched)
        survey = self._surveys.send(email_settings, smtp)
        report = send_notices(
            self.home,
            slugs,
            self._groups.group,
            email_settings,
            smtp,
            now=self.now,
            ledger_timeout=self.ledger_timeout,
            log=self.log,
        )
        return NoticeReport(*(a + b for a, b in zip(astuple(report), astuple(survey), strict=True)))


def _safe_error(err: BaseException) -> str:
    if isinstance(err, OSError):
        return err.strerror or type(err).__name__
    return str(err).splitlines()[0] if str(err) else type(err).__name__
