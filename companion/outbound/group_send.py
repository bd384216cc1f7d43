"""Sending one group's due messages under its ledger lock, and recording what happened.

Stale messages are recorded as skipped, held ones wait or are skipped, and the rest are
composed in batches of LEDGER_BATCH. Each message is recorded `sending` (with its fixed
Message-ID) at the moment it is handed to the server and its outcome the moment it is known,
so a crash leaves only the in-flight messages uncertain and never sends one twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from companion.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_TEMPORARY
from companion.outbound.compose import WireMessage
from companion.outbound.ledger import Ledger
from companion.outbound.ledger_records import LedgerRun, MessageState
from companion.outbound.messages import compose_message, plan_messages, quiet_hours_hold
from companion.outbound.outbound_settings import OutboundSettings
from companion.outbound.plan import GroupContext, new_message_id
from companion.outbound.schedule import CALENDAR_KINDS, PlannedMessage, partition
from companion.outbound.smtp import SmtpPool
from companion.outbound.smtp_session import DeliveryResult, TemporaryFailure
from companion.settings import ConfigError, SmtpSettings

LEFT_THE_GROUP = "member left the group"
# STOP pauses the practice emails, not the meeting: these still reach a member who stopped
SESSION_KINDS = (*CALENDAR_KINDS, "reminder")
# One ledger save (a rewrite + fsync of the encrypted file) per this many messages.
LEDGER_BATCH = 100


@dataclass
class GroupOutcome:
    slug: str
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    uncertain: int = 0
    waiting: int = 0  # due but held back (e.g. no pairs yet for a pairing introduction)
    error: str | None = None
    exit_code: int = EXIT_OK

    def summary(self) -> str:
        if self.error:
            return f"{self.slug}: {self.error}"
        parts = [
            f"{n} {label}"
            for n, label in (
                (self.sent, "sent"),
                (self.failed, "failed"),
                (self.deferred, "deferred"),
                (self.uncertain, "uncertain"),
                (self.skipped, "skipped"),
                (self.waiting, "waiting"),
            )
            if n
        ]
        return f"{self.slug}: {', '.join(parts) or 'nothing due'}"


def _iso(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="seconds")


def hold_reason(group: GroupContext, ledger: Ledger, planned: PlannedMessage) -> str | None:
    """Why a due message must not go out now; None if it may."""
    state = ledger.member(planned.member)
    if state.opted_out and planned.kind not in SESSION_KINDS:
        return "skip:opted out"
    if state.bouncing:
        return "skip:address bouncing"
    if planned.kind in ("pairing", "partner_check") and not group.partners_of(planned.member):
        return "wait"  # sent once pairs are recorded, until session 2
    return None


def cancel_for_leavers(ledger: Ledger, members: Collection[str], at: str) -> int:
    """Mark what still waits to be retried for someone no longer on the roster as skipped.

    Nothing new is planned for them (the plan follows the roster); this catches the deferred
    messages and notices queued before they left. Returns how many were cancelled.
    """
    leaving = [
        key
        for key, record in ledger.messages.items()
        if record.member
        and record.member.lower() not in members
        and record.state == MessageState.DEFERRED
        # a cancellation is what a leaver is still owed: it withdraws their invitations
        and record.kind != "cancellation"
    ]
    for key in leaving:
        ledger.set_message(key, state=MessageState.SKIPPED, error=LEFT_THE_GROUP, at=at)
    return len(leaving)


def _apply_result(ledger: Ledger, key: str, result: DeliveryResult, at: str) -> str:
    if result.ok:
        ledger.set_message(key, state="sent", sent_at=at, reply=result.reply, error=None, at=at)
        return "sent"
    if result.uncertain:
        ledger.set_message(key, state="sending", error=result.reply, at=at)
        return "uncertain"
    state = "deferred" if result.temporary else "failed"
    ledger.set_message(key, state=state, error=result.reply, at=at)
    return state


class PoolHolder:
    """Opens the SMTP pool the first time a group has something to send."""

    def __init__(self, smtp: SmtpSettings | None) -> None:
        self.smtp = smtp
        self.pool: SmtpPool | None = None
        self.unreachable: TemporaryFailure | None = None

    async def get(self) -> SmtpPool:
        if self.unreachable is not None:
            raise TemporaryFailure(str(self.unreachable))  # one wait per run, not one per group
        if self.pool is None:
            if self.smtp is None:
                raise ConfigError("plg.toml [smtp] host: missing")
            pool = SmtpPool(self.smtp)
            try:
                await pool.__aenter__()
            except TemporaryFailure as problem:
                self.unreachable = problem
                raise
            self.pool = pool
        return self.pool

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.__aexit__(None, None, None)
            self.pool = None


async def send_group(
    home: Path,
    group: GroupContext,
    outbound: OutboundSettings,
    now: datetime,
    pools: PoolHolder,
) -> GroupOutcome:
    outcome = GroupOutcome(group.slug)
    at = _iso(now)
    with Ledger.locked(home, group.keys, timeout=outbound.lock_timeout) as ledger:
        outcome.skipped += cancel_for_leavers(ledger, group.members, at)
        # inside the lock: cancellations go to whom the ledger says was invited
        planned = plan_messages(group, outbound.schedule, now, ledger.messages)
        done = {key for key, record in ledger.messages.items() if record.state != "deferred"}
        hold = quiet_hours_hold(group, outbound.schedule, now)
        due, stale, _future = partition(planned, now, done, hold)
        for message in stale:
            _record(ledger, message, state="skipped", error="past its sending window", at=at)
            outcome.skipped += 1
        sendable: list[PlannedMessage] = []
        for message in due:
            reason = hold_reason(group, ledger, message)
            if reason is None:
                sendable.append(message)
            elif reason == "wait":
                outcome.waiting += 1
            else:
                _record(ledger, message, state="skipped", error=reason[5:], at=at)
                outcome.skipped += 1
        try:
            if sendable:
                pool = await pools.get()  # unreachable -> TemporaryFailure, nothing marked
                await _send_batches(group, outbound, ledger, sendable, pool, now, outcome)
        finally:
            ledger.add_run(
                LedgerRun(
                    at=at,
                    sent=outcome.sent,
                    failed=outcome.failed,
                    deferred=outcome.deferred,
                    skipped=outcome.skipped,
                    uncertain=outcome.uncertain,
                )
            )
            ledger.save()
    if outcome.failed:
        outcome.exit_code = EXIT_FAILED
    if outcome.deferred:
        outcome.exit_code = max(outcome.exit_code, EXIT_TEMPORARY)
    return outcome


def _planned_fields(message: PlannedMessage) -> dict[str, Any]:
    """What the ledger keeps about a planned message besides its state."""
    fields: dict[str, Any] = {
        "member": message.member,
        "kind": message.kind,
        "week": message.week,
        "send_at": _iso(message.send_at),
        "cycle": message.cycle,
    }
    if message.session:
        fields.update(session=message.session, sequence=message.sequence)
    return fields


def _record(ledger: Ledger, message: PlannedMessage, *, at: str, **fields: Any) -> None:
    ledger.set_message(message.key, **_planned_fields(message), at=at, **fields)


async def _send_batches(
    group: GroupContext,
    outbound: OutboundSettings,
    ledger: Ledger,
    sendable: list[PlannedMessage],
    pool: SmtpPool,
    now: datetime,
    outcome: GroupOutcome,
) -> None:
    at = _iso(now)
    in_flight: list[asyncio.Future[DeliveryResult]] = []

    def record_result(key: str, future: asyncio.Future[DeliveryResult]) -> None:
        # Each outcome goes to the ledger's log the moment it is known, so a crash later in
        # the batch does not turn a delivered message into an uncertain one.
        state = _apply_result(ledger, key, future.result(), at)
        if state == "sent":
            outcome.sent += 1
        elif state == "failed":
            outcome.failed += 1
        elif state == "deferred":
            outcome.deferred += 1
        else:
            outcome.uncertain += 1

    for start in range(0, len(sendable), LEDGER_BATCH):
        batch: list[tuple[str, WireMessage, Callable[[], None]]] = []
        for message in sendable[start : start + LEDGER_BATCH]:
            previous = ledger.messages.get(message.key)
            message_id = (previous and previous.message_id) or new_message_id(
                group, outbound.email, message
            )
            try:
                email_message = compose_message(
                    group, outbound.email, message, message_id=message_id, now=now
                )
            except (ValueError, TypeError) as err:
                # A roster address the email package rejects: record it, never the content.
                _record(ledger, message, state="failed", error=f"cannot compose: {err}", at=at)
                outcome.failed += 1
                continue
            # "sending" is recorded at the moment of hand-over, one message at a time, so a
            # crash leaves only the messages the server may have seen uncertain (at most once)
            # and the rest still due.
            handover = partial(
                ledger.note_handover,
                message.key,
                **_planned_fields(message),
                message_id=message_id,
                # what a reply without its token and a bounce are checked against
                reply_until=email_message.reply_until.isoformat(),
                return_path=email_message.sender,
                attempts=(previous.attempts if previous else 0) + 1,
                error=None,
                at=at,
            )
            batch.append((message.key, email_message, handover))
            await asyncio.sleep(0)  # let the connections work while we compose
        ledger.save()  # folds the log of changes into the ledger now and then
        for key, wire, on_handover in batch:
            future = pool.submit(wire, on_handover=on_handover)
            future.add_done_callback(partial(record_result, key))
            in_flight.append(future)
    if in_flight:
        await asyncio.gather(*in_flight)
        await asyncio.sleep(0)  # done-callbacks run on the next turn of the loop
