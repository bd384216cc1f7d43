"""Sending a pool's survey emails through the companion's path: the pool's own ledger (at most
once, `sending` recorded at hand-over), the SMTP pool, quiet hours in each candidate's zone.

`plg survey send` and `remind` queue one record per candidate (state `deferred`, nothing sent
yet); `send_pool` sends what may go now and leaves the rest for the companion's next run.
Acknowledgements of replies are queued by the ingester the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from companion.exit_codes import EXIT_FAILED, EXIT_TEMPORARY
from companion.outbound.compose import random_message_id
from companion.outbound.group_send import GroupOutcome, PoolHolder
from companion.outbound.ledger import Ledger, LedgerBusy, LedgerFiles
from companion.outbound.ledger_records import LedgerMessage, MessageState
from companion.outbound.outbound_settings import OutboundSettings
from companion.outbound.quiet_hours import out_of_quiet_hours
from companion.outbound.smtp_session import DeliveryResult, TemporaryFailure
from companion.outbound.survey_mail import (
    NOTICE_KINDS,
    SURVEY_KINDS,
    SURVEY_WEEK,
    survey_message,
)
from plg_tui.core.modules import list_modules
from plg_tui.core.pool import pool_candidates, survey_answers
from plg_tui.core.survey import survey_settings
from plg_tui.errors import PlgError
from plg_tui.vault.pool_store import ledger_files, pool_keys, pool_names
from plg_tui.vocabulary import SurveyState

NOTICE_RETRY_WINDOW = timedelta(days=2)


def _iso(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="seconds")


def pool_ledger_files(home: Path, name: str) -> LedgerFiles:
    return LedgerFiles(*ledger_files(home, name))


def survey_key(kind: str, email: str, tag: str = "") -> str:
    return f"{kind}{'-' + tag if tag else ''}:{SURVEY_WEEK}:{email.lower()}"


def queue(
    ledger: Ledger,
    kind: str,
    emails: Iterable[str],
    now: datetime,
    tag: str = "",
    *,
    in_reply_to: str = "",
    references: str = "",
) -> int:
    """Queue one `kind` email to each address that has none yet; how many were queued.
    An answer to a reply records the thread it goes under, so a retry carries it too."""
    queued = 0
    for email in emails:
        key = survey_key(kind, email, tag)
        if key in ledger.messages:
            continue  # at most once, whatever is asked again
        ledger.set_message(
            key,
            member=email.lower(),
            kind=kind,
            week=SURVEY_WEEK,
            state=MessageState.DEFERRED,
            queued_at=_iso(now),
            message_id="",
            in_reply_to=in_reply_to,
            references=references,
            error="queued to send",
            at=_iso(now),
        )
        queued += 1
    return queued


@dataclass(frozen=True)
class QueuedEmails:
    """What `queue_for_pool` did: emails queued for the first time, and refused ones again."""

    new: int
    retried: int = 0


def requeue_refused(ledger: Ledger, kind: str, emails: Iterable[str], now: datetime) -> int:
    """Queue again each `kind` email the server refused for good (state `failed`): it was not
    delivered, so sending it again is no duplicate. Sent or uncertain ones stay as they are."""
    retried = 0
    for email in emails:
        key = survey_key(kind, email)
        record = ledger.messages.get(key)
        if record is None or record.state is not MessageState.FAILED:
            continue
        ledger.set_message(
            key,
            state=MessageState.DEFERRED,
            queued_at=_iso(now),
            error="queued again",
            at=_iso(now),
        )
        retried += 1
    return retried


def queue_for_pool(
    home: Path,
    name: str,
    kind: str,
    emails: Iterable[str],
    now: datetime,
    timeout: float,
    *,
    retry_refused: bool = False,
) -> QueuedEmails:
    keys = pool_keys(home, name)
    files = pool_ledger_files(home, name)
    wanted = list(emails)
    with Ledger.locked(home, keys, timeout=timeout, files=files) as ledger:
        retried = requeue_refused(ledger, kind, wanted, now) if retry_refused else 0
        count = queue(ledger, kind, wanted, now)
        ledger.save()
    return QueuedEmails(count, retried)


def read_ledger(home: Path, name: str) -> Ledger:
    return Ledger.read_only(home, pool_keys(home, name), pool_ledger_files(home, name))


def sent_survey_emails(
    home: Path, log: Callable[[str], None]
) -> Iterator[tuple[str, str, LedgerMessage]]:
    """(pool, Message-ID, record) of every survey email every pool sent; a pool whose ledger
    cannot be read is logged and skipped."""
    for name in pool_names(home):
        try:
            records = list(read_ledger(home, name).sent_message_ids())
        except (PlgError, OSError) as err:
            log(f"plg-companion: survey ledger of pool '{name}' unreadable: {err}")
            continue
        for message_id, record in records:
            if record.kind in SURVEY_KINDS:
                yield name, message_id, record


async def send_pools(
    home: Path,
    outbound: OutboundSettings,
    now: datetime,
    pools: PoolHolder,
    names: Iterable[str] | None = None,
) -> list[GroupOutcome]:
    """Every pool's (or `names`') due survey emails; one pool's problem never stops others."""
    outcomes = []
    for name in pool_names(home) if names is None else names:
        try:
            outcome = await send_pool(home, name, outbound, now, pools)
        except TemporaryFailure as problem:
            outcome = GroupOutcome(f"pool {name}", error=str(problem), exit_code=EXIT_TEMPORARY)
        except LedgerBusy:
            outcome = GroupOutcome(
                f"pool {name}", error="its ledger is busy; try later", exit_code=EXIT_TEMPORARY
            )
        except (PlgError, ValueError) as problem:
            first = (str(problem) or type(problem).__name__).splitlines()[0]
            outcome = GroupOutcome(f"pool {name}", error=first, exit_code=EXIT_FAILED)
        outcomes.append(outcome)
    return outcomes


def survey_hold(
    record: LedgerMessage, ledger: Ledger, zone: str | None, closed: bool, now: datetime
) -> str | None:
    """Why a queued survey email must not go now: `skip:<why>`, `wait`, or None."""
    if zone is None:
        return "skip:not in the pool any more"
    if not ledger.may_send_to(record.member):
        return "skip:opted out or bouncing"
    if record.kind in NOTICE_KINDS:
        queued = datetime.fromisoformat(record.queued_at) if record.queued_at else now
        return "skip:not sent in time" if now - queued > NOTICE_RETRY_WINDOW else None
    if closed:
        return "skip:the survey has closed"
    return None


async def send_pool(
    home: Path, name: str, outbound: OutboundSettings, now: datetime, pools: PoolHolder
) -> GroupOutcome:
    outcome = GroupOutcome(f"pool {name}")
    settings = survey_settings(home, name)
    if settings is None:
        return outcome
    keys = pool_keys(home, name)
    candidates = {c.email: c for c in pool_candidates(home, name)}
    answers = survey_answers(home, name)
    modules = {m.id: m for m in list_modules(home)}
    closed = now.astimezone(UTC).date() > settings.closes
    at = _iso(now)
    files = pool_ledger_files(home, name)
    with Ledger.locked(home, keys, timeout=outbound.lock_timeout, files=files) as ledger:
        sendable = []
        for key, record in list(ledger.messages.items()):
            if record.kind not in SURVEY_KINDS or record.state != MessageState.DEFERRED:
                continue
            candidate = candidates.get(record.member)
            zone_name = candidate.timezone if candidate else None
            reason = survey_hold(record, ledger, zone_name, closed, now)
            if reason is not None:
                ledger.set_message(key, state=MessageState.SKIPPED, error=reason[5:], at=at)
                outcome.skipped += 1
                continue
            assert candidate is not None
            zone = ZoneInfo(candidate.timezone)
            quiet = out_of_quiet_hours(now, zone, outbound.schedule) > now
            if record.kind not in NOTICE_KINDS and quiet:
                outcome.waiting += 1  # quiet hours where they live: a later run sends it
                continue
            sendable.append((record, candidate))
        futures = []
        if sendable:
            pool = await pools.get()  # unreachable -> TemporaryFailure, nothing marked
            for record, candidate in sendable:
                answer = answers.get(candidate.email)
                message_id = record.message_id or random_message_id(outbound.email.from_domain)
                wire = survey_message(
                    kind=record.kind,
                    candidate=candidate,
                    keys=keys,
                    email=outbound.email,
                    settings=settings,
                    modules=modules,
                    message_id=message_id,
                    now=now,
                    choices=answer.choices if answer else (),
                    times=answer.times if answer else (),
                    declined=bool(answer and answer.state == SurveyState.DECLINED),
                    in_reply_to=record.in_reply_to,
                    references=record.references.split(),
                )
                handover = partial(
                    ledger.note_handover,
                    record.key,
                    message_id=message_id,
                    reply_until=settings.replies_until.isoformat(),
                    return_path=wire.sender,
                    attempts=record.attempts + 1,
                    error=None,
                    at=at,
                )
                futures.append((record.key, pool.submit(wire, on_handover=handover)))
        for key, future in futures:
            _record_result(ledger, key, await future, at, outcome)
        ledger.save()
    if outcome.failed:
        outcome.exit_code = EXIT_FAILED
    elif outcome.deferred:
        outcome.exit_code = EXIT_TEMPORARY
    await asyncio.sleep(0)
    return outcome


def _record_result(
    ledger: Ledger, key: str, result: DeliveryResult, at: str, outcome: GroupOutcome
) -> None:
    if result.ok:
        ledger.set_message(key, state="sent", sent_at=at, reply=result.reply, error=None, at=at)
        outcome.sent += 1
    elif result.uncertain:
        ledger.set_message(key, state="sending", error=result.reply, at=at)
        outcome.uncertain += 1
    elif result.temporary:
        ledger.set_message(key, state="deferred", error=result.reply, at=at)
        outcome.deferred += 1
    else:
        ledger.set_message(key, state="failed", error=result.reply, at=at)
        outcome.failed += 1
