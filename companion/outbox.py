"""What is due -> ledger -> SMTP: the sending half of a companion run.

Per group, under the group's exclusive ledger lock: plan the practice month from group.db,
drop what the ledger already holds, record stale messages as skipped, mark the rest
`sending` with a fixed Message-ID (saved before anything is handed over), send over the
connection pool, then record `sent` / `failed` / `deferred`. A `sending` record left by a
crash is never sent again; `status` reports it as uncertain. `now` comes from the caller.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from companion.compose import (
    SESSION_MINUTES,
    Attachment,
    WireMessage,
    build_wire,
    first_name,
    message_id_for,
    render,
    render_subject,
    session2_invitation,
)
from companion.ledger import Ledger, LedgerBusy
from companion.schedule import (
    WEEKS_IN_PRACTICE_MONTH,
    PlannedMessage,
    Recipient,
    ScheduleSettings,
    partition,
    plan,
)
from companion.send import DeliveryResult, SmtpPool, TemporaryFailure
from companion.settings import (
    ConfigError,
    EmailSettings,
    SmtpSettings,
    load_email_settings,
    load_schedule_settings,
    load_smtp_settings,
    lock_timeout,
)
from plg_tui.core.groups import GroupError, open_for_operations, session_times
from plg_tui.core.home import group_slugs
from plg_tui.core.modules import Module, ModuleError, load_module
from plg_tui.vault.errors import VaultError
from plg_tui.vault.keys import GroupKeys

# One ledger save (a rewrite + fsync of the encrypted file) per this many messages.
LEDGER_BATCH = 100
EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_TEMPORARY = 0, 1, 2, 75

Output = Callable[[str], None]
# What makes one group unusable without stopping the others: unreadable files, unknown module,
# impossible dates or time zones (ValueError from the schedule). None carries member text.
GROUP_PROBLEMS = (GroupError, VaultError, ModuleError, ValueError)


def _first_line(problem: BaseException) -> str:
    return (str(problem) or type(problem).__name__).splitlines()[0]


@dataclass(frozen=True)
class OutboundSettings:
    email: EmailSettings
    schedule: ScheduleSettings
    smtp: SmtpSettings | None  # None only for dry runs and previews
    lock_timeout: float = 600.0


def load_outbound_settings(
    settings: Mapping[str, Any], *, need_smtp: bool = True, env: Mapping[str, str] | None = None
) -> OutboundSettings:
    import os

    smtp = load_smtp_settings(settings, os.environ if env is None else env) if need_smtp else None
    return OutboundSettings(
        email=load_email_settings(settings),
        schedule=load_schedule_settings(settings),
        smtp=smtp,
        lock_timeout=lock_timeout(settings),
    )


# -- the group, as the companion sees it ---------------------------------------------------


@dataclass
class GroupContext:
    slug: str
    keys: GroupKeys
    info: dict[str, Any]
    members: dict[str, dict[str, Any]]  # email -> member record
    pairs: list[list[str]] | None
    module: Module
    session1: datetime  # aware, group time zone
    session2: datetime
    _partner_index: dict[str, list[str]] | None = field(default=None, repr=False)

    def timezone_of(self, email: str) -> str:
        return self.members[email].get("timezone") or self.info["timezone"]

    def recipients(self) -> list[Recipient]:
        return [Recipient(email, self.timezone_of(email)) for email in self.members]

    def partners_of(self, email: str) -> list[dict[str, str]]:
        if self._partner_index is None:
            self._partner_index = {m: group for group in self.pairs or [] for m in group}
        group = self._partner_index.get(email, [])
        return [
            {
                "email": other,
                "name": self.members.get(other, {}).get("name") or other,
                "first_name": first_name(self.members.get(other, {}).get("name") or other),
            }
            for other in group
            if other != email
        ]

    @property
    def call_link(self) -> str:
        link = str(self.info.get("call_link") or "").strip()
        return link if link.startswith(("https://", "http://")) else ""


def load_group(home: Path, slug: str, modules: dict[str, Module] | None = None) -> GroupContext:
    vault = open_for_operations(home, slug)
    try:
        info = vault.info()
        members = {m["email"].lower(): m for m in vault.members()}
        pairs = vault.current_pairs()
        pairings = vault.pairings()
    finally:
        vault.close()
    modules = {} if modules is None else modules
    module = modules.get(info["module"])
    if module is None:
        module = modules[info["module"]] = load_module(info["module"], home)
    session1, session2 = session_times(info)
    session1 = _held_start(info, pairings, session1)
    pairs = [[e.lower() for e in g] for g in pairs] if pairs else None
    return GroupContext(slug, vault.keys, info, members, pairs, module, session1, session2)


def _held_start(
    info: dict[str, Any], pairings: list[dict[str, Any]], session1: datetime
) -> datetime:
    """Session 1's start; earlier than planned when the session app closed it earlier.

    The session app records the pairs ("session" source) when it closes session 1, so a
    session held before its recorded date starts the practice month from when it was held.
    """
    if not info.get("session1_held"):
        return session1
    closed = [p.get("created") for p in pairings if p.get("source") == "session"]
    try:
        closed_at = datetime.fromisoformat(closed[-1]) if closed and closed[-1] else None
    except ValueError:
        return session1
    if closed_at is None or closed_at.tzinfo is None:
        return session1
    started = closed_at - timedelta(minutes=SESSION_MINUTES)
    return min(session1, started.astimezone(session1.tzinfo))


def plan_group(group: GroupContext, schedule: ScheduleSettings) -> list[PlannedMessage]:
    return plan(group.session1, group.session2, group.recipients(), schedule)


# -- composing -------------------------------------------------------------------------------


def local_datetime_text(instant: datetime, timezone: str) -> str:
    local = instant.astimezone(ZoneInfo(timezone))
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} ({timezone} time)"


def new_message_id(group: GroupContext, email: EmailSettings, planned: PlannedMessage) -> str:
    # Unique per message and per attempt sequence; stable input keeps tests reproducible.
    seed = f"{group.keys.group_id}|{planned.key}|{planned.send_at.isoformat()}"
    unique = hashlib.sha256(seed.encode()).hexdigest()[:16]
    return message_id_for(group.keys, planned.member, planned.week, email.from_domain, unique)


def message_context(group: GroupContext, planned: PlannedMessage) -> dict[str, Any]:
    member = group.members[planned.member]
    timezone = group.timezone_of(planned.member)
    weeks = group.module.weeks
    week_index = min(max(planned.week, 1), len(weeks)) - 1
    session2_local = local_datetime_text(group.session2, timezone)
    s2 = group.session2.astimezone(ZoneInfo(timezone))
    return {
        "weekly_starts": _weekly_starts(group, planned, timezone),
        "first_name": first_name(member.get("name") or planned.member),
        "module_title": group.module.title,
        "week": planned.week,
        "weeks_total": WEEKS_IN_PRACTICE_MONTH,
        "tip": weeks[week_index].tip,
        "prompt": weeks[week_index].prompt,
        "checkin": weeks[week_index].checkin,
        "partners": group.partners_of(planned.member),
        "session2_local": session2_local,
        "session2_short": f"{s2:%a} {s2.day} {s2:%b}, {s2:%H:%M}",
        "call_link": group.call_link,
        "reflection_questions": list(group.module.reflection_questions),
    }


def _weekly_starts(group: GroupContext, planned: PlannedMessage, timezone: str) -> str:
    """When week 1's email arrives, as the member reads it on the day of `planned`."""
    zone = ZoneInfo(timezone)
    first = group.session1.astimezone(zone).date() + timedelta(days=1)
    today = planned.send_at.astimezone(zone).date()
    days = (first - today).days
    if days <= 0:
        return "later today"
    if days == 1:
        return "tomorrow morning"
    return f"on {first:%A} {first.day} {first:%B}"


def compose_wire(
    group: GroupContext,
    email: EmailSettings,
    planned: PlannedMessage,
    *,
    message_id: str,
    now: datetime,
) -> WireMessage:
    """The planned message exactly as it goes to the SMTP server."""
    context = message_context(group, planned)
    text, html = render(planned.kind, **context)
    attachments: list[Attachment] = []
    if planned.kind == "reminder":
        attachments.append(
            session2_invitation(
                group_id=group.keys.group_id,
                domain=email.from_domain,
                title=f"{group.module.title}: session 2",
                start=group.session2,
                call_link=group.call_link,
                stamp=now,
            )
        )
    return build_wire(
        email=email,
        keys=group.keys,
        to_name=group.members[planned.member].get("name") or "",
        to_addr=planned.member,
        week=planned.week,
        subject=render_subject(planned.kind, **context),
        text=text,
        html=html or None,
        message_id=message_id,
        attachments=attachments,
        date=now,
    )


def compose(
    group: GroupContext,
    email: EmailSettings,
    planned: PlannedMessage,
    *,
    message_id: str,
    now: datetime,
) -> EmailMessage:
    return compose_wire(group, email, planned, message_id=message_id, now=now).as_email()


# -- a run -------------------------------------------------------------------------------------


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


@dataclass
class RunReport:
    groups: list[GroupOutcome] = field(default_factory=list)
    exit_code: int = EXIT_OK
    problem: str | None = None


def _iso(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="seconds")


def _hold_reason(group: GroupContext, ledger: Ledger, planned: PlannedMessage) -> str | None:
    """Why a due message must not go out now; None if it may."""
    state = ledger.member(planned.member)
    if state.get("opted_out"):
        return "skip:opted out"
    if state.get("bouncing"):
        return "skip:address bouncing"
    if planned.kind == "pairing" and not group.partners_of(planned.member):
        return "wait"  # sent once pairs are recorded, until session 2
    return None


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


class _PoolHolder:
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


async def _send_group(
    home: Path,
    group: GroupContext,
    outbound: OutboundSettings,
    now: datetime,
    pools: _PoolHolder,
    out: Output,
) -> GroupOutcome:
    outcome = GroupOutcome(group.slug)
    at = _iso(now)
    planned = plan_group(group, outbound.schedule)
    with Ledger.locked(home, group.keys, timeout=outbound.lock_timeout) as ledger:
        done = {key for key, record in ledger.messages.items() if record["state"] != "deferred"}
        due, stale, _future = partition(planned, now, done)
        for message in stale:
            _record(ledger, message, state="skipped", error="past its sending window", at=at)
            outcome.skipped += 1
        sendable: list[PlannedMessage] = []
        for message in due:
            reason = _hold_reason(group, ledger, message)
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
            ledger.runs.append(
                {
                    "at": at,
                    "sent": outcome.sent,
                    "failed": outcome.failed,
                    "deferred": outcome.deferred,
                    "skipped": outcome.skipped,
                    "uncertain": outcome.uncertain,
                }
            )
            ledger.save()
    if outcome.failed:
        outcome.exit_code = EXIT_FAILED
    if outcome.deferred:
        outcome.exit_code = max(outcome.exit_code, EXIT_TEMPORARY)
    return outcome


def _record(ledger: Ledger, message: PlannedMessage, *, at: str, **fields: Any) -> None:
    ledger.set_message(
        message.key,
        member=message.member,
        kind=message.kind,
        week=message.week,
        send_at=_iso(message.send_at),
        at=at,
        **fields,
    )


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
            previous = ledger.messages.get(message.key) or {}
            message_id = previous.get("message_id") or new_message_id(
                group, outbound.email, message
            )
            try:
                email_message = compose_wire(
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
                member=message.member,
                kind=message.kind,
                week=message.week,
                send_at=_iso(message.send_at),
                message_id=message_id,
                attempts=int(previous.get("attempts", 0)) + 1,
                error=None,
                at=at,
            )
            batch.append((message.key, email_message, handover))
            await asyncio.sleep(0)  # let the connections work while we compose
        ledger.save()  # folds the log of changes into the ledger now and then
        for key, wire, handover in batch:
            future = pool.submit(wire, on_handover=handover)
            future.add_done_callback(partial(record_result, key))
            in_flight.append(future)
    if in_flight:
        await asyncio.gather(*in_flight)
        await asyncio.sleep(0)  # done-callbacks run on the next turn of the loop


async def send_due(
    home: Path,
    outbound: OutboundSettings,
    now: datetime,
    *,
    slugs: Iterable[str] | None = None,
    out: Output = print,
    err: Output | None = None,
) -> RunReport:
    """Send everything due at `now` for every group (or `slugs`); never raises for one group."""
    err = err or out
    report = RunReport()
    modules: dict[str, Module] = {}
    pools = _PoolHolder(outbound.smtp)
    try:
        for slug in list(slugs) if slugs is not None else group_slugs(home):
            try:
                group = load_group(home, slug, modules)
                outcome = await _send_group(home, group, outbound, now, pools, out)
            except TemporaryFailure as problem:
                outcome = GroupOutcome(slug, error=str(problem), exit_code=EXIT_TEMPORARY)
                report.problem = str(problem)
            except LedgerBusy:
                outcome = GroupOutcome(
                    slug,
                    error="another companion is still working on this group; try later",
                    exit_code=EXIT_TEMPORARY,
                )
            except GROUP_PROBLEMS as problem:
                outcome = GroupOutcome(slug, error=_first_line(problem), exit_code=EXIT_FAILED)
            report.groups.append(outcome)
            report.exit_code = max(report.exit_code, outcome.exit_code)
            (err if outcome.error else out)(outcome.summary())
    finally:
        await pools.close()
    return report


def dry_run(
    home: Path,
    outbound: OutboundSettings,
    now: datetime,
    *,
    slugs: Iterable[str] | None = None,
    out: Output = print,
) -> RunReport:
    """Print what a run at `now` would send or skip; touches nothing."""
    report = RunReport()
    modules: dict[str, Module] = {}
    for slug in list(slugs) if slugs is not None else group_slugs(home):
        outcome = GroupOutcome(slug)
        try:
            group = load_group(home, slug, modules)
            ledger = Ledger.read_only(home, group.keys)
            done = {k for k, r in ledger.messages.items() if r["state"] != "deferred"}
            due, stale, _future = partition(plan_group(group, outbound.schedule), now, done)
        except GROUP_PROBLEMS as problem:
            outcome.error = _first_line(problem)
            outcome.exit_code = EXIT_FAILED
            report.groups.append(outcome)
            out(outcome.summary())
            continue
        for message in stale:
            out(f"{slug}: would skip {_describe(message)} (past its sending window)")
        for message in due:
            reason = _hold_reason(group, ledger, message)
            if reason is None:
                local = local_datetime_text(message.send_at, group.timezone_of(message.member))
                subject = render_subject(message.kind, **message_context(group, message))
                out(f"{slug}: would send {_describe(message)}: {subject!r} (due {local})")
                outcome.sent += 1
            elif reason == "wait":
                out(f"{slug}: holding {_describe(message)} (no practice partners recorded yet)")
            else:
                out(f"{slug}: would skip {_describe(message)} ({reason[5:]})")
        report.groups.append(outcome)
    if not any(g.sent for g in report.groups):
        out("nothing would be sent")
    return report


def _describe(message: PlannedMessage) -> str:
    what = f"weekly email week {message.week}" if message.kind == "weekly" else message.kind
    if message.kind == "pairing":
        what = "pairing introduction"
    elif message.kind == "reminder":
        what = "session-2 reminder"
    return f"{what} to {message.member}"
