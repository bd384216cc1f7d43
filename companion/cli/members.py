"""`plg-companion resume-emails`: turn a member's emails back on after a STOP."""

from __future__ import annotations

import argparse
from typing import Any

from companion.cli.common import parse_now
from companion.exit_codes import EXIT_OK
from companion.outbound.resume import resume_emails
from companion.settings import load_schedule_settings
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable
from plg_tui.core.settings import load_settings


def register(commands: Any) -> None:
    resume = commands.add_parser(
        "resume-emails", help="turn a member's emails back on after they replied STOP"
    )
    resume.add_argument("slug", help="the group's short name")
    resume.add_argument("email", help="the member's email address")
    resume.add_argument("--now", help="as of this time (ISO 8601; default: now)")
    resume.add_argument(
        "--dry-run", action="store_true", help="show what would change; change nothing"
    )
    resume.set_defaults(handler=cmd_resume_emails)


def cmd_resume_emails(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    schedule = load_schedule_settings(load_settings(home))
    now = parse_now(args.now)
    result = resume_emails(home, args.slug, args.email, now, schedule, dry_run=args.dry_run)
    who = f"{result.name} <{result.email}>"
    if not result.was_stopped:
        print(printable(f"{who} has not stopped emails in '{args.slug}'; nothing to change"))
        return EXIT_OK
    verb = "dry run, nothing changed: would resume" if args.dry_run else "resumed"
    since = f" (stopped {result.stopped_at})" if result.stopped_at else ""
    print(printable(f"{verb} emails to {who} in '{args.slug}'{since}"))
    kinds = ", ".join(sorted({_describe(m.kind, m.week) for m in result.ahead}, key=_order))
    if result.ahead:
        print(f"  next: from the companion's next run, {len(result.ahead)} still ahead: {kinds}")
    else:
        print("  next: nothing is left to send them in this practice month")
    if result.skipped_while_stopped:
        print(f"  {result.skipped_while_stopped} email(s) skipped while stopped stay skipped")
    if result.bouncing:
        print("  note: their address also bounced; nothing reaches them until that is fixed")
    return EXIT_OK


def _describe(kind: str, week: int) -> str:
    return f"week {week}" if kind == "weekly" else kind


def _order(text: str) -> tuple[int, str]:
    return (0 if text.startswith("week") else 1, text)
