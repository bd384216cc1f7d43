"""`plg-companion`: the cron-run process that emails members what is due in the practice month.

Exit codes (for cron wrappers): 0 all good, 1 some messages failed, 2 configuration error
(the setting is named), 75 temporary failure (server unreachable, try again later).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import shlex
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from companion.ledger import Ledger
from companion.outbox import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_TEMPORARY,
    GROUP_PROBLEMS,
    compose_wire,
    dry_run,
    load_group,
    load_outbound_settings,
    new_message_id,
    plan_group,
    send_due,
)
from companion.schedule import (
    KINDS,
    WEEKS_IN_PRACTICE_MONTH,
    PlannedMessage,
    ScheduleSettings,
    partition,
    stage,
)
from companion.settings import ConfigError, load_schedule_settings
from plg_tui.core.groups import GroupError
from plg_tui.core.home import group_slugs, misnamed_group_folders, resolve_home
from plg_tui.core.modules import ModuleError
from plg_tui.core.safe_text import printable
from plg_tui.core.settings import SettingsError, load_settings
from plg_tui.vault.errors import VaultError
from plg_tui.vault.paths import QUARANTINE, DataHome

PROG = "plg-companion"
INBOUND_MODULE = "companion.cli_inbound"


class UsageError(Exception):
    """A command-line value that cannot be used."""


def _inbound() -> ModuleType | None:
    try:
        return importlib.import_module(INBOUND_MODULE)
    except ModuleNotFoundError as err:
        if err.name != INBOUND_MODULE:
            raise
        return None


def parse_now(value: str | None) -> datetime:
    """--now as an aware datetime; a value without an offset is read as UTC."""
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now {value!r}: use ISO 8601, e.g. 2026-12-02T09:00+01:00") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Emails each member what is due in the practice month (run it from cron).",
    )
    parser.add_argument("--home", help="data home (default: $PLG_HOME, else the user data dir)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for name, help_text in (
        ("run", "send what is due (and ingest replies, when configured)"),
        ("send", "send what is due (the sending half of run)"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--now", help="act as if it were this time (ISO 8601)")
        command.add_argument("--dry-run", action="store_true", help="print, send nothing")
        command.add_argument(
            "--group", action="append", metavar="SLUG", help="only this group (repeatable)"
        )
        command.add_argument(
            "--quiet", action="store_true", help="print only when something happened"
        )
        command.set_defaults(handler=cmd_run if name == "run" else cmd_send)

    preview = commands.add_parser("preview", help="render one message exactly as it is sent")
    preview.add_argument("slug")
    preview.add_argument("--member", required=True, metavar="EMAIL")
    preview.add_argument("--kind", required=True, choices=KINDS)
    preview.add_argument("--week", type=int, default=None, help="1..4 for weekly (default 1)")
    how = preview.add_mutually_exclusive_group()
    how.add_argument("--html", action="store_true", help="print the HTML alternative")
    how.add_argument("--raw", action="store_true", help="print the whole MIME message")
    preview.add_argument("--now", help="render as of this time (ISO 8601)")
    preview.set_defaults(handler=cmd_preview)

    status = commands.add_parser("status", help="per group: stage and delivery counts")
    status.add_argument("slug", nargs="?")
    status.add_argument("--now", help="as of this time (ISO 8601)")
    status.set_defaults(handler=cmd_status)

    cron = commands.add_parser("cron", help="print a crontab line (and a systemd timer)")
    cron.add_argument("--every", type=int, default=15, metavar="MINUTES", help="default 15")
    cron.set_defaults(handler=cmd_cron)

    inbound = _inbound()
    if inbound is not None:
        inbound.register(commands)
    return parser


# -- run / send ---------------------------------------------------------------------------------


def _send(args: argparse.Namespace, settings: Mapping[str, Any], home: Path, now: datetime) -> int:
    outbound = load_outbound_settings(settings, need_smtp=not args.dry_run)
    slugs = args.group or None

    def out(line: str) -> None:
        if not (args.quiet and line.endswith(": nothing due")):
            print(line, flush=True)

    def err(line: str) -> None:
        print(f"{PROG}: {line}", file=sys.stderr, flush=True)

    if args.dry_run:
        return dry_run(home, outbound, now, slugs=slugs, err=err).exit_code

    report = asyncio.run(send_due(home, outbound, now, slugs=slugs, out=out, err=err))
    return report.exit_code


def cmd_send(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    return _send(args, load_settings(home), home, parse_now(args.now))


def cmd_run(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    settings = load_settings(home)
    now = parse_now(args.now)
    try:
        exit_code = _send(args, settings, home, now)
    except ConfigError as err:
        # Replies are still read when sending is misconfigured: nobody's journal waits on SMTP.
        exit_code = _error(str(err), EXIT_CONFIG)
    inbound = _inbound()
    if not args.dry_run and settings.get("imap") and inbound is not None:
        exit_code = max(exit_code, int(inbound.run_ingest(home, settings, now)))
    return exit_code


# -- preview ------------------------------------------------------------------------------------


def cmd_preview(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    outbound = load_outbound_settings(load_settings(home), need_smtp=False)
    group = load_group(home, args.slug)
    member = args.member.strip().lower()
    if member not in group.members:
        raise UsageError(f"--member {args.member}: not a member of {args.slug}")
    week = args.week if args.week is not None else (1 if args.kind == "weekly" else 0)
    if args.kind == "weekly" and not 1 <= week <= WEEKS_IN_PRACTICE_MONTH:
        raise UsageError(f"--week {week}: weekly emails are weeks 1..{WEEKS_IN_PRACTICE_MONTH}")
    if args.kind != "weekly":
        week = 0
    planned = next(
        (
            m
            for m in plan_group(group, outbound.schedule)
            if m.member == member and m.kind == args.kind and m.week == week
        ),
        None,
    )
    # Without --now the Date header is the planned send time, as the member will see it.
    now = parse_now(args.now) if args.now or planned is None else planned.send_at
    if planned is None:  # not in this group's schedule (e.g. a short month); render anyway
        planned = PlannedMessage(member, args.kind, week, now, now)
    record = Ledger.read_only(home, group.keys).messages.get(planned.key) or {}
    message_id = record.get("message_id") or new_message_id(group, outbound.email, planned)
    wire = compose_wire(group, outbound.email, planned, message_id=message_id, now=now)
    if args.raw:
        sys.stdout.write(wire.data.decode("utf-8").replace("\r\n", "\n"))
        return EXIT_OK
    message = wire.as_email()
    if args.html:
        part = message.get_body(preferencelist=("html",))
        sys.stdout.write(part.get_content() if part is not None else "")
        return EXIT_OK
    for name, value in message.items():
        if name.lower() not in ("content-type", "mime-version", "content-transfer-encoding"):
            print(f"{name}: {value}")
    attachments = [part.get_filename() for part in message.iter_attachments()]
    if attachments:
        print(f"Attachments: {', '.join(str(a) for a in attachments)}")
    # Not part of the message: on stderr, so stdout is exactly what the member receives.
    print(f"(planned send time: {planned.send_at.isoformat()} UTC)", file=sys.stderr)
    print()
    body = message.get_body(preferencelist=("plain",))
    sys.stdout.write(body.get_content() if body is not None else "")
    return EXIT_OK


# -- status -------------------------------------------------------------------------------------


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
    folder = DataHome(home).group(slug).entries(QUARANTINE)
    held = len(list(folder.glob("*.entry"))) if folder.is_dir() else 0
    dropped = int(ledger.counters.get("quarantine_dropped", 0))
    lines = [f"  quarantine: {held} held (plg-companion quarantine {slug})"] if held else []
    if dropped:
        lines.append(
            f"  quarantine full: {dropped} message(s) deleted unstored, last "
            f"{ledger.counters.get('quarantine_dropped_at', '?')} (limits: [companion] "
            "quarantine_max_items, quarantine_max_mib, quarantine_max_per_run in plg.toml)"
        )
    return lines


def group_status_lines(
    home: Path, slug: str, now: datetime, schedule: ScheduleSettings
) -> list[str]:
    group = load_group(home, slug)
    ledger = Ledger.read_only(home, group.keys)
    planned = plan_group(group, schedule)
    held = {k for k, r in ledger.messages.items() if r["state"] != "deferred"}
    due, _stale, future = partition(planned, now, held)
    due = [m for m in due if ledger.may_send_to(m.member)]
    waiting = [m for m in due if m.kind == "pairing" and not group.partners_of(m.member)]
    counts = ledger.counts()
    where = stage(group.session1, group.session2, now, session1_held=group.info.session1_held)
    if group.info.session2_held:
        where = "after session 2"
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
    for record in sorted(ledger.messages.values(), key=lambda r: r["key"]):
        label = {"failed": "failed", "deferred": "deferred", "sending": "uncertain"}.get(
            record["state"]
        )
        if label is None:
            continue
        detail = record.get("error") or ""
        if label == "uncertain":
            detail = "may or may not have arrived; it will not be sent again" + (
                f" ({detail})" if detail else ""
            )
        lines.append(f"  {label}: {_what(record)}: {detail}")
    for email, state in sorted(ledger.members.items()):
        if state.get("opted_out"):
            lines.append(f"  opted out: {email}")
        if state.get("bouncing"):
            reason = state.get("bounce_reason") or ""
            lines.append(f"  bouncing: {email}" + (f" ({reason})" if reason else ""))
    lines.extend(_quarantine_lines(home, slug, ledger))
    if ledger.runs:
        last = ledger.runs[-1]
        lines.append(
            f"  last run: {last.get('at')} (sent {last.get('sent', 0)}, "
            f"failed {last.get('failed', 0)}, deferred {last.get('deferred', 0)})"
        )
    else:
        lines.append("  last run: never")
    # names, addresses and server replies came from outside: no escapes reach the terminal
    return [printable(line) for line in lines]


def _what(record: dict[str, Any]) -> str:
    kind = record.get("kind") or record["key"].split(":", 1)[0]
    member = record.get("member") or record["key"].rsplit(":", 1)[-1]
    if kind == "weekly":
        return f"weekly email week {record.get('week')} to {member}"
    if kind == "pairing":
        return f"pairing introduction to {member}"
    if kind == "reminder":
        return f"session-2 reminder to {member}"
    return f"{kind} to {member}"


# -- cron ---------------------------------------------------------------------------------------


def _program() -> list[str]:
    script = Path(sys.argv[0])
    if script.name == PROG and script.exists():
        return [str(script.resolve())]
    return [sys.executable, "-m", "companion.cli"]


def cmd_cron(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    every = args.every
    if not 1 <= every <= 60 or 60 % every:
        raise UsageError("--every: use a divisor of 60 (5, 10, 15, 20, 30, 60)")
    command = [*_program(), "--home", str(home), "run", "--quiet"]
    log = DataHome(home).companion_log
    quoted = " ".join(shlex.quote(part) for part in command)
    minute = "0" if every == 60 else f"*/{every}"
    print("# plg-companion: add this line with `crontab -e` (one line).")
    print("# It sends what is due; output (no email content) goes to the log below.")
    print("# Exit codes: 1 some messages failed, 2 settings, 75 server unreachable (retried).")
    print(f"{minute} * * * * {quoted} >> {shlex.quote(str(log))} 2>&1")
    print()
    print("# Or, with systemd (as the same user): ~/.config/systemd/user/plg-companion.service")
    print("[Unit]\nDescription=plg companion: practice-month emails\n")
    print("[Service]\nType=oneshot")
    print(f"ExecStart={quoted}")
    print()
    print("# ~/.config/systemd/user/plg-companion.timer")
    print("[Unit]\nDescription=Run the plg companion\n")
    calendar = "hourly" if every == 60 else f"*:0/{every}"
    print(f"[Timer]\nOnCalendar={calendar}\nPersistent=true\n")
    print("[Install]\nWantedBy=timers.target")
    print()
    print("# then: systemctl --user enable --now plg-companion.timer")
    return EXIT_OK


# -- entry point --------------------------------------------------------------------------------


def _error(message: str, code: int) -> int:
    for line in message.splitlines() or ["error"]:
        print(f"{PROG}: error: {line}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ConfigError, SettingsError) as err:
        return _error(str(err), EXIT_CONFIG)
    except UsageError as err:
        return _error(str(err), EXIT_CONFIG)
    except (GroupError, VaultError, ModuleError) as err:
        return _error(str(err), EXIT_FAILED)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except OSError as err:
        if os.environ.get("PLG_DEBUG"):
            raise
        where = f"{err.filename}: " if err.filename else ""
        return _error(f"{where}{err.strerror or err}", EXIT_TEMPORARY)


if __name__ == "__main__":
    sys.exit(main())
