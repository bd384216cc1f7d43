"""What is due -> ledger -> SMTP: the sending half of a companion run.

Per group, under the group's exclusive ledger lock: plan the practice month from group.db,
drop what the ledger already holds, record stale messages as skipped, mark the rest
`sending` with a fixed Message-ID (saved before anything is handed over), send over the
connection pool, then record `sent` / `failed` / `deferred`. A `sending` record left by a
crash is never sent again; `status` reports it as uncertain. `now` comes from the caller.

The group and its messages are in `plan`, one group's sending and ledger records in
`group_send`; this module runs every group and reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from companion.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_TEMPORARY
from companion.outbound.group_send import GroupOutcome, PoolHolder, hold_reason, send_group
from companion.outbound.ledger import Ledger, LedgerBusy
from companion.outbound.local_time import local_datetime_text
from companion.outbound.messages import plan_messages, quiet_hours_hold, subject_of
from companion.outbound.outbound_settings import OutboundSettings
from companion.outbound.plan import load_group
from companion.outbound.schedule import PlannedMessage, partition
from companion.outbound.smtp_session import TemporaryFailure
from companion.outbound.survey_dry_run import dry_run_pools
from companion.outbound.survey_send import send_pools
from plg_tui.core.groups import GroupError
from plg_tui.core.home import group_slugs
from plg_tui.core.module_model import Module, ModuleError
from plg_tui.vault.errors import VaultError

Output = Callable[[str], None]
# What makes one group unusable without stopping the others: unreadable files, unknown module,
# impossible dates or time zones (ValueError from the schedule). None carries member text.
GROUP_PROBLEMS = (GroupError, VaultError, ModuleError, ValueError)


def _first_line(problem: BaseException) -> str:
    return (str(problem) or type(problem).__name__).splitlines()[0]


@dataclass
class RunReport:
    groups: list[GroupOutcome] = field(default_factory=list)
    exit_code: int = EXIT_OK
    problem: str | None = None


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
    pools = PoolHolder(outbound.smtp)
    try:
        for slug in list(slugs) if slugs is not None else group_slugs(home):
            try:
                group = load_group(home, slug, modules)
                outcome = await send_group(home, group, outbound, now, pools)
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
        for outcome in await send_pools(home, outbound, now, pools) if slugs is None else []:
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
    err: Output | None = None,
) -> RunReport:
    """Print what a run at `now` would send or skip; touches nothing.

    A group that cannot be opened goes to `err` and makes the exit code non-zero.
    """
    err = err or out
    report = RunReport()
    modules: dict[str, Module] = {}
    for slug in list(slugs) if slugs is not None else group_slugs(home):
        outcome = GroupOutcome(slug)
        try:
            group = load_group(home, slug, modules)
            ledger = Ledger.read_only(home, group.keys)
            done = {k for k, r in ledger.messages.items() if r.state != "deferred"}
            planned = plan_messages(group, outbound.schedule, now, ledger.messages)
            hold = quiet_hours_hold(group, outbound.schedule, now)
            due, stale, _future = partition(planned, now, done, hold)
        except GROUP_PROBLEMS as problem:
            outcome.error = _first_line(problem)
            outcome.exit_code = EXIT_FAILED
            report.exit_code = max(report.exit_code, outcome.exit_code)
            report.groups.append(outcome)
            err(outcome.summary())
            continue
        for message in stale:
            out(f"{slug}: would skip {_describe(message)} (past its sending window)")
        for message in due:
            reason = hold_reason(group, ledger, message)
            if reason is None:
                local = local_datetime_text(message.send_at, group.timezone_of(message.member))
                subject = subject_of(group, message)
                out(f"{slug}: would send {_describe(message)}: {subject!r} (due {local})")
                outcome.sent += 1
            elif reason == "wait":
                out(f"{slug}: holding {_describe(message)} (no practice partners recorded yet)")
            else:
                out(f"{slug}: would skip {_describe(message)} ({reason[5:]})")
        report.groups.append(outcome)
    if slugs is None:
        for pool in dry_run_pools(home, outbound, now, out):
            if pool.error:
                err(pool.summary())
                report.exit_code = max(report.exit_code, pool.exit_code)
            report.groups.append(pool)
    if not any(g.sent for g in report.groups):
        out("nothing would be sent")
    return report


def _describe(message: PlannedMessage) -> str:
    what = f"weekly email week {message.week}" if message.kind == "weekly" else message.kind
    if message.kind == "pairing":
        what = "pairing introduction"
    elif message.kind == "reminder":
        what = "session-2 reminder"
    elif message.session:
        session = message.session.split("-", 1)[-1]
        label = "trust-building session" if session == "trust" else f"session {session}"
        what = f"{message.kind} for {label} (sequence {message.sequence})"
    return f"{what} to {message.member}"
