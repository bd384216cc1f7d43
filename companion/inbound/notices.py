"""What the ingester owes each group's ledger, and the acknowledgements it sends.

`Ingester.receive` queues opt-outs, bounces and notices in a `PendingChanges` per group;
`apply_pending` writes them under the ledger lock. `send_notices` then sends each queued (or
earlier deferred) acknowledgement or STOP confirmation at most once: a notice is marked
`sending` before it is handed to the server, so a crash never sends it twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.inbound.inbound_message import header_text
from companion.inbound.routing import Group, message_ids
from companion.outbound.ledger import Ledger, LedgerBusy
from companion.outbound.ledger_records import LedgerMessage, MessageState, PartnerCheckAnswer
from companion.settings import EmailSettings, SmtpSettings
from plg_tui.vault.group_keys import GroupKeys

if TYPE_CHECKING:  # composing (Jinja2) is imported only when a notice is due
    from companion.outbound.compose import WireMessage

# Acknowledgements that could not go out are retried this long, then skipped.
NOTICE_RETRY_WINDOW = timedelta(days=2)
# What the ingester answers at once (each a template): a saved entry, a reply with no new
# text ("no_text": nothing was saved), a STOP, a START, and a hint that a reply to the
# partner introduction belongs to the partners ("intro_hint": nothing was kept).
NOTICE_KINDS = ("ack", "no_text", "stop_confirm", "start_confirm", "intro_hint")
# Not sent to a member who paused emails (a STOP or START confirmation is).
_ANSWERS_TO_A_REPLY = ("ack", "no_text", "intro_hint")
MAX_NOTICE_REFERENCES = 10


@dataclass
class PendingChanges:
    """Ledger changes for one group, applied by `Ingester.commit`."""

    opt_outs: dict[str, str] = field(default_factory=dict)  # email -> how
    bounces: dict[str, str] = field(default_factory=dict)  # email -> status
    notices: dict[str, dict[str, Any]] = field(default_factory=dict)  # ledger key -> record
    quarantine_dropped: int = 0  # messages deleted unstored: the quarantine was full
    resumes: set[str] = field(default_factory=set)  # members who replied START

    def queue_notice(self, kind: str, member: str, week: int, ref: str, answering: Message) -> None:
        """Queue an answer (`kind`: one of NOTICE_KINDS) to the member's email whose headers
        are `answering`, threaded under it; keyed by `ref` so it goes out once."""
        found = message_ids(header_text(answering, "Message-ID"), 1)
        answered = found[0] if found else ""
        thread = message_ids(header_text(answering, "References"))
        short = kind.removesuffix("_confirm")
        requests = ("stop_confirm", "start_confirm")
        if kind in requests:  # of a STOP and a START in one batch, only the last is answered
            for key in [k for k, r in self.notices.items() if r["member"] == member]:
                if self.notices[key]["kind"] in requests:
                    del self.notices[key]
        references = [*thread, answered] if answered else thread
        self.notices[f"{short}-{ref[:16]}:{week}:{member}"] = {
            "member": member,
            "kind": kind,
            "week": week,
            "in_reply_to": answered,
            "references": " ".join(references[-MAX_NOTICE_REFERENCES:]),
        }

    # member -> their answer to the partner check (the latest counts)
    partner_checks: dict[str, PartnerCheckAnswer] = field(default_factory=dict)


@dataclass(frozen=True)
class NoticeReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0


def send_notices(
    home: Path,
    slugs: list[str],
    group_of: Callable[[str], Group | None],
    email_settings: EmailSettings,
    smtp: SmtpSettings | None,
    *,
    now: datetime,
    ledger_timeout: float | None,
    log: Callable[[str], None],
) -> NoticeReport:
    """Send every deferred notice of these groups once; record the result in each ledger.

    `smtp` None means no SMTP server is configured: notices stay deferred. An unreachable
    server defers them too; it never fails the ingest.
    """
    from companion.outbound.smtp import deliver
    from companion.outbound.smtp_session import TemporaryFailure

    total = NoticeReport()
    for slug in slugs:
        group = group_of(slug)
        if group is None:
            continue
        if not has_notice_work(home, group.keys):
            continue
        try:
            with Ledger.locked(home, group.keys, timeout=ledger_timeout) as ledger:
                due, changed = claim_notices(ledger, now, smtp is not None, set(group.names))
                messages = []
                for record in due:
                    message = build_notice(group, record, email_settings, now)
                    ledger.set_message(
                        record.key,
                        state=MessageState.SENDING,
                        message_id=message.message_id,
                        return_path=message.sender,
                        reply_until=notice_reply_until(group, email_settings, now).isoformat(),
                        attempts=record.attempts + 1,
                    )
                    messages.append(message)
                if changed or due:
                    ledger.save()
        except LedgerBusy:
            log(f"plg-companion: ledger of '{slug}' busy; notices wait for the next run")
            continue
        if not due or smtp is None:  # without a server claim_notices claims nothing
            continue
        # a server that accepts and then stalls must not hold an MTA's pipe forever
        limit = float(getattr(smtp, "timeout", 30.0)) * (len(messages) + 2)
        try:
            results = asyncio.run(asyncio.wait_for(deliver(smtp, messages), limit))
            outcome = {
                record.key: (
                    "sent" if r.ok else ("deferred" if r.temporary else "failed"),
                    r.reply,
                )
                for record, r in zip(due, results, strict=True)
            }
        except TemporaryFailure as err:
            log(f"plg-companion: SMTP unreachable ({err}); notices deferred")
            outcome = {record.key: ("deferred", "server unreachable") for record in due}
        except TimeoutError:
            # some may have gone out: they stay `sending` (uncertain), never sent twice
            log("plg-companion: SMTP server stalled; notices left as uncertain")
            continue
        with Ledger.locked(home, group.keys, timeout=None) as ledger:
            for key, (state, reply) in outcome.items():
                ledger.set_message(key, state=state, error="" if state == "sent" else reply)
            ledger.save()
        states = [state for state, _ in outcome.values()]
        total = NoticeReport(
            total.sent + states.count("sent"),
            total.failed + states.count("failed"),
            total.deferred + states.count("deferred"),
        )
    return total


def notice_reply_until(group: Group, email_settings: EmailSettings, now: datetime) -> date:
    from companion.tokens import reply_until

    return reply_until(group.session2 or now, email_settings.reply_days)


def build_notice(
    group: Group, record: LedgerMessage, email_settings: EmailSettings, now: datetime
) -> WireMessage:
    """The notice as it goes to the server: built like every scheduled email (`build_wire`),
    threaded under the member's email it answers."""
    from companion.outbound.compose import build_wire, first_name, render, render_subject

    member = record.member
    name = group.names.get(member, "")
    week = record.week or 0
    template = record.kind if record.kind in NOTICE_KINDS else "ack"
    context: dict[str, Any] = {"first_name": first_name(name) or "there", "week": week}
    if template == "intro_hint":
        partners = [p for pair in group.pairs if member in pair for p in pair if p != member]
        context["partners"] = [{"name": group.names.get(p) or p, "email": p} for p in partners]
    text, html = render(template, **context)
    return build_wire(
        email=email_settings,
        keys=group.keys,
        to_name=name,
        to_addr=member,
        week=week,
        reply_until=notice_reply_until(group, email_settings, now),
        subject=render_subject(template, **context),
        text=text,
        html=html or None,
        date=now,
        in_reply_to=record.in_reply_to,
        references=record.references.split(),
    )


def apply_pending(ledger: Ledger, pending: PendingChanges, now: datetime) -> bool:
    at = now.isoformat(timespec="seconds")
    changed = False
    if pending.quarantine_dropped:
        ledger.count_quarantine_dropped(pending.quarantine_dropped, at)
        changed = True
    # a second STOP (the one-click link, then a reply) is not confirmed twice
    stopped_before = {m for m in pending.opt_outs if ledger.member(m).opted_out}
    for email_addr, how in pending.opt_outs.items():
        if not ledger.member(email_addr).opted_out:
            ledger.set_member(email_addr, opted_out=True, opted_out_at=at, opted_out_by=how)
            changed = True
    for email_addr in pending.resumes:
        if ledger.member(email_addr).opted_out:
            ledger.set_member(email_addr, opted_out=False, resumed_at=at, resumed_by="reply")
            changed = True
    for email_addr, status in pending.bounces.items():
        if not ledger.member(email_addr).bouncing:
            ledger.set_member(email_addr, bouncing=True, bounced_at=at, bounce_reason=status)
            changed = True
    for email_addr, answer in pending.partner_checks.items():
        if _record_partner_check(ledger, email_addr, answer, at):
            changed = True
    for key, record in pending.notices.items():
        if key in ledger.messages:
            continue  # already queued or sent once: never twice
        if record["kind"] in _ANSWERS_TO_A_REPLY and not ledger.may_send_to(record["member"]):
            continue
        if record["kind"] == "stop_confirm" and record["member"] in stopped_before:
            continue
        ledger.set_message(
            key, **record, state="deferred", queued_at=at, message_id="", error="queued to send"
        )
        changed = True
    return changed


def _record_partner_check(ledger: Ledger, member: str, answer: PartnerCheckAnswer, at: str) -> bool:
    """The answer goes on the member's partner-check record of the cycle it answered."""
    records = [
        (key, r)
        for key, r in ledger.messages.items()
        if r.kind == "partner_check" and r.member.lower() == member
    ]
    if not records:
        return False  # nothing we sent asked them: nothing to count
    key, record = max(records, key=lambda item: item[1].cycle)
    if record.answer == answer:
        return False
    ledger.set_message(key, answer=str(answer), answered_at=at, at=at)
    return True


def has_notice_work(home: Path, keys: GroupKeys) -> bool:
    from companion.outbound.ledger import ledger_path

    return ledger_path(home, keys.slug).exists()


def claim_notices(
    ledger: Ledger, now: datetime, can_send: bool, members: Collection[str] | None = None
) -> tuple[list[LedgerMessage], bool]:
    """(deferred notices to send now, whether stale ones were marked `skipped`).

    A notice for someone no longer in `members` (they left the group) is skipped."""
    due = []
    changed = False
    for key, record in ledger.messages.items():
        if record.kind not in NOTICE_KINDS or record.state != MessageState.DEFERRED:
            continue
        try:
            queued = datetime.fromisoformat(record.queued_at)
        except ValueError:
            queued = now
        if now - queued > NOTICE_RETRY_WINDOW:
            ledger.set_message(key, state="skipped", error="not sent in time")
            changed = True
        elif members is not None and record.member.lower() not in members:
            ledger.set_message(key, state="skipped", error="member left the group")
            changed = True
        elif record.kind in _ANSWERS_TO_A_REPLY and not ledger.may_send_to(record.member):
            ledger.set_message(key, state="skipped", error="member paused emails")
            changed = True
        elif can_send:
            due.append(record)
    return due, changed
