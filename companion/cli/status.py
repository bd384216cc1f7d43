"""`plg-companion status`: per group, the stage of the cycle and what the ledger holds."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.cli.common import parse_now
from companion.exit_codes import EXIT_FAILED, EXIT_OK
from companion.outbound.ledger import Ledger
from companion.outbound.ledger_records import LedgerMessage, PartnerCheckAnswer
from companion.outbound.messages import plan_messages, quiet_hours_hold
from companion.outbound.outbox import GROUP_PROBLEMS
from companion.outbound.plan import load_group
from companion.outbound.schedule import CALENDAR_KINDS, ScheduleSettings, partition, stage
from companion.settings import load_schedule_settings
from plg_tui.core.home import group_slugs, misnamed_group_folders, resolve_home
from plg_tui.core.safe_text import printable
from plg_tui.core.settings import load_settings
from plg_tui.vault.paths import DataHome


def register(commands: Any) -> None:
    status = commands.add_parser("status", help="per group: stage and delivery counts")
    status.add_argument("slug", nargs="?", help="one group (default: every group)")
    status.add_argument("--now", help="as of this time, ISO 8601 (default: now)")
    status.set_defaults(handler=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    settings = load_settings(home)
    now = parse_now(args.now)
    schedule = load_schedule_settings(settings)  # status needs no [email] or [smtp]
    slugs = [args.slug] if args.slug else group_slugs(home)
    if not slugs:
        print(f"no groups in {home}")
    worst = EXIT_OK
    for name, why in [] if args.slug else misnamed_group_folders(home):
        print(printable(f"{name}: skipped ({why})"))
    for slug in slugs:
        try:
            lines = group_status_lines(home, slug, now, schedule)
        except GROUP_PROBLEMS as err:
            print(f"{slug}: cannot open ({str(err).splitlines()[0]})")
            worst = EXIT_FAILED
            continue
        print("\n".join(lines))
    return worst


def _quarantine_lines(home: Path, slug: str, ledger: Ledger) -> list[str]:
    folder = DataHome(home).group(slug).quarantine
    held = len(list(folder.glob("*.entry"))) if folder.is_dir() else 0
    dropped = ledger.quarantine_dropped
    lines = [f"  quarantine: {held} held (plg-companion quarantine {slug})"] if held else []
    if dropped:
        lines.append(
            f"  quarantine full: {dropped} message(s) deleted unstored, last "
            f"{ledger.quarantine_dropped_at} (limits: [companion] "
            "quarantine_max_items, quarantine_max_mib, quarantine_max_per_run in plg.toml)"
        )
    return lines


def _partner_check_lines(ledger: Ledger, cycle: int) -> list[str]:
    """How many said they have met their partner: counts only, no names, no words."""
    answers = [
        r.answer
        for r in ledger.messages.values()
        if r.kind == "partner_check" and r.cycle == cycle and r.state == "sent"
    ]
    if not answers:
        return []
    met, not_yet = answers.count(PartnerCheckAnswer.MET), answers.count(PartnerCheckAnswer.NOT_YET)
    silent = len(answers) - met - not_yet
    return [f"  partners met: {met} yes, {not_yet} not yet, {silent} no answer"]


def group_status_lines(
    home: Path, slug: str, now: datetime, schedule: ScheduleSettings
) -> list[str]:
    group = load_group(home, slug)
    ledger = Ledger.read_only(home, group.keys)
    planned = plan_messages(group, schedule, now, ledger.messages)
    held = {k for k, r in ledger.messages.items() if r.state != "deferred"}
    due, _stale, future = partition(planned, now, held, quiet_hours_hold(group, schedule, now))
    due = [m for m in due if ledger.may_send_to(m.member)]
    waiting = [m for m in due if m.kind == "pairing" and not group.partners_of(m.member)]
    counts = ledger.counts()
    where = stage(group.session1, group.session2, now, session1_held=group.info.session1_held)
    if group.info.session2_held:
        where = "after session 2"
    if group.info.ended:
        where = f"ended {group.info.ended[:10]} (nothing more is sent but cancellations)"
    lines = [
        f"{slug}: {where} (session 1 {group.info.session1}, session 2 "
        f"{group.info.session2}, {group.info.timezone})",
        f"  sent {counts['sent']}, due now {len(due)}, upcoming {len(future)}, "
        f"failed {counts['failed']}, deferred {counts['deferred']}, "
        f"skipped {counts['skipped']}, uncertain {counts['sending']}",
    ]
    if future:
        lines.append(f"  next: {future[0].send_at.isoformat(timespec='minutes')}")
    if waiting:
        lines.append(
            f"  waiting: {len(waiting)} pairing introduction(s) until partners are recorded "
            f"(plg group pairs {slug} --auto)"
        )
    for record in sorted(ledger.messages.values(), key=lambda r: r.key):
        label = {"failed": "failed", "deferred": "deferred", "sending": "uncertain"}.get(
            record.state
        )
        if label is None:
            continue
        detail = record.error
        if label == "uncertain":
            detail = "may or may not have arrived; it will not be sent again" + (
                f" ({detail})" if detail else ""
            )
        lines.append(f"  {label}: {_what(record)}: {detail}")
    for email, state in sorted(ledger.members.items()):
        if state.opted_out:
            lines.append(f"  opted out: {email}")
        if state.bouncing:
            reason = state.bounce_reason
            lines.append(f"  bouncing: {email}" + (f" ({reason})" if reason else ""))
    lines.extend(_partner_check_lines(ledger, group.info.cycle))
    lines.extend(_quarantine_lines(home, slug, ledger))
    if ledger.runs:
        last = ledger.runs[-1]
        lines.append(
            f"  last run: {last.at} (sent {last.sent}, "
            f"failed {last.failed}, deferred {last.deferred})"
        )
    else:
        lines.append("  last run: never")
    # names, addresses and server replies came from outside: no escapes reach the terminal
    return [printable(line) for line in lines]


def _what(record: LedgerMessage) -> str:
    kind = record.kind or record.key.split(":", 1)[0]
    member = record.member or record.key.rsplit(":", 1)[-1]
    if kind == "weekly":
        return f"weekly email week {record.week} to {member}"
    if kind == "pairing":
        return f"pairing introduction to {member}"
    if kind == "reminder":
        return f"session-2 reminder to {member}"
    if kind == "partner_check":
        return f"partner check to {member}"
    if kind in CALENDAR_KINDS:
        return f"{kind} ({record.key.split(':')[1]}) to {member}"
    return f"{kind} to {member}"
