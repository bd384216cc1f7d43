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
finding the group and member in `routing`, the ledger changes in `ledger_changes` and the
notices in `notices`.

Nothing here logs, raises or records member-written text: reasons are fixed phrases.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import astuple
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

from companion.companion_limits import QuarantineLimits
from companion.inbound.bounce_routing import BounceRouter, bounce_addresses
from companion.inbound.classify import (
    auto_reply_reason,
    is_delivery_report,
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
from companion.inbound.ledger_changes import LedgerChanges
from companion.inbound.member_requests import MemberRequest, member_request
from companion.inbound.notices import (
    NoticeReport,
)
from companion.inbound.outcome import IngestTemporaryError, Outcome, safe_error
from companion.inbound.partner_check import PARTNER_CHECK_UNCLEAR, answer_outcome
from companion.inbound.quarantine import QuarantineShelf
from companion.inbound.routing import Group, GroupDirectory, Route
from companion.inbound.survey_bounces import SurveyBounces
from companion.inbound.survey_replies import SurveyReplies
from companion.outbound.schedule import ScheduleSettings
from companion.settings import EmailSettings, SmtpSettings
from companion.tokens import BounceToken
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
        self._bounces = BounceRouter(self._groups)
        self._changes = LedgerChanges(
            home, self._groups, self.now, ledger_timeout, lambda line: self.log(line)
        )
        self._shelf = QuarantineShelf(home, quarantine_limits or QuarantineLimits(), self.now)
        # survey emails sent after an ingest keep plg.toml's quiet hours, as `run` does
        self._surveys = SurveyReplies(
            home,
            self.now,
            lambda line: self.log(line),
            schedule=schedule or ScheduleSettings(),
            ledger_timeout=ledger_timeout,
        )
        self._survey_bounces = SurveyBounces(
            home, self.now, lambda line: self.log(line), ledger_timeout
        )
        self.counts: dict[str, int] = {}

    # -- the one code path --------------------------------------------------------------------
    def receive(self, raw: bytes) -> Outcome:
        """Place one message. Raises IngestTemporaryError when a write failed, MessageWaits
        when the message may be for a group that cannot be opened."""
        try:
            outcome = self._receive(raw)
        except (DiskWriteError, OSError) as err:
            raise IngestTemporaryError(f"could not store a message: {safe_error(err)}") from None
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
        to_bounce_address = bounce_addresses(headers)
        if is_delivery_report(headers):
            return self._bounce(raw, headers, to_bounce_address)
        if to_bounce_address:  # e.g. a vacation notice sent to the envelope sender
            return Outcome("dropped", "not a delivery report, sent to the bounce address")
        # a mail client's one-click or mailto unsubscribe can look automatic: it still counts
        if (stop := self._groups.unsubscribe_route(headers, self.now)) is not None:
            senders = set(addresses(headers, "From"))
            if senders == {stop.member} and not sender_authentication_failed(headers):
                return self._stop(stop, "unsubscribe address", headers, raw)
        auto = auto_reply_reason(headers)
        if auto is not None:
            return Outcome("dropped", auto)
        survey = self._surveys.receive(raw, message, headers)  # a pool's topic survey
        if survey is not None:
            return survey

        sender_addresses = addresses(headers, "From")
        sender = sender_addresses[0] if len(set(sender_addresses)) == 1 else ""
        route = self._groups.route(headers, self.now, sender)
        if route is None:
            groups = self._groups.groups_of_member(sender) if sender else []
            if len(groups) == 1:
                return self._quarantine(groups[0], raw, headers, "no reply token", sender)
            self._groups.wait_if_unopenable()
            return Outcome("dropped", "not addressed to any group")
        group = route.group
        if route.member is None:
            return self._quarantine(group, raw, headers, "reply token not valid", sender)
        if sender != route.member:
            return self._quarantine(group, raw, headers, "sender is not the member", sender)
        if sender_authentication_failed(headers):
            return self._quarantine(group, raw, headers, "sender authentication failed", sender)
        if route.unsubscribe:  # honoured even when expired: pausing email is never refused
            return self._stop(route, "unsubscribe address", headers, raw)
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

        request = member_request(text) if len(text) <= _STOP_CHECK_CHARS else None
        if request is MemberRequest.STOP:
            return self._stop(route, "reply", headers, raw)
        if request is MemberRequest.START:
            return self._stop(route, "reply", headers, raw, start=True)
        if route.answers:  # the introduction or the partner check: never a journal entry
            outcome = answer_outcome(route, text, self._changes.pending(group.slug, touched=True))
            return outcome or self._quarantine(group, raw, headers, PARTNER_CHECK_UNCLEAR, sender)
        if not text and body.attachments == 0:
            if self.acknowledge:  # only quote or nothing: tell the member nothing was saved
                reply_id, _ = entry_id_for(
                    headers, raw, group_id=group.keys.group_id, member=route.member
                )
                self._queue_notice(group, "no_text", route.member, route.week, reply_id, headers)
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
            self._queue_notice(group, "ack", route.member, route.week, entry_id, headers)
        return Outcome(action, "journal entry", group.slug, route.member, route.week, entry_id)

    def _quarantine(
        self, group: Group, raw: bytes, headers: Message, reason: str, sender: str
    ) -> Outcome:
        entry_id = self._shelf.keep(group, raw, headers, reason=reason, sender=sender)
        if entry_id is None:
            self._changes.pending(group.slug).quarantine_dropped += 1
            return Outcome("dropped", "quarantine full", group.slug)
        return Outcome("quarantined", reason, group.slug, None, None, entry_id)

    def _stop(
        self, route: Route, how: str, headers: Message, raw: bytes, *, start: bool = False
    ) -> Outcome:
        return self._changes.stop(route, how, headers, raw, start=start)

    def _bounce(self, raw: bytes, headers: Message, tokens: list[BounceToken]) -> Outcome:
        survey = self._survey_bounces.receive(raw, headers, tokens)  # a pool's survey email
        if survey is not None:
            return survey
        route, why, status = self._bounces.route(raw, headers, tokens)
        if route is None or route.member is None:
            return Outcome("dropped", why)
        self._changes.pending(route.group.slug).bounces[route.member] = status
        return Outcome("bounced", "delivery failed", route.group.slug, route.member, route.week)

    def _queue_notice(
        self, group: Group, kind: str, member: str, week: int, ref: str, headers: Message
    ) -> None:
        self._changes.queue_notice(group, kind, member, week, ref, headers)

    # -- the ledger ---------------------------------------------------------------------------
    def commit(self) -> None:
        """Apply queued opt-outs, bounces and notices to each group's ledger (and the surveys'
        answers to their pools). Raises IngestTemporaryError when a ledger stays locked past
        the timeout or cannot be written; what was queued for that group stays queued."""
        self._surveys.commit()
        self._survey_bounces.commit()
        self._changes.commit()

    def send_notices(
        self, email_settings: EmailSettings, smtp: SmtpSettings | None, *, all_groups: bool = True
    ) -> NoticeReport:
        """Send every queued (or earlier deferred) notice once (see `notices.send_notices`);
        `all_groups` False: only the groups this run queued notices for (one message from an
        MTA need not open every group's ledger)."""
        survey = self._surveys.send(email_settings, smtp)
        report = self._changes.send_notices(email_settings, smtp, all_groups=all_groups)
        return NoticeReport(*(a + b for a, b in zip(astuple(report), astuple(survey), strict=True)))
