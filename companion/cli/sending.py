"""`plg-companion run` and `plg-companion send`: send what is due (run also reads replies)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.cli.common import PROG, parse_now, print_error
from companion.cli.ingest import run_ingest
from companion.exit_codes import EXIT_CONFIG
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.outbox import dry_run, send_due
from companion.settings import ConfigError
from plg_tui.core.home import resolve_home
from plg_tui.core.settings import load_settings


def register(commands: Any) -> None:
    for name, help_text, description in (
        (
            "run",
            "send what is due (and ingest replies, when configured)",
            "Send every group's practice-month emails that are due now (each at most once, "
            "quiet hours kept), then read replies from [imap] when it is configured. This is "
            "what cron runs (see: plg-companion cron).",
        ),
        (
            "send",
            "send what is due (the sending half of run)",
            "Send every group's practice-month emails that are due now (each at most once, "
            "quiet hours kept); replies are not read.",
        ),
    ):
        command = commands.add_parser(name, help=help_text, description=description)
        command.add_argument("--now", help="act as if it were this time, ISO 8601 (default: now)")
        command.add_argument("--dry-run", action="store_true", help="print, send nothing")
        command.add_argument(
            "--group",
            action="append",
            metavar="SLUG",
            help="only this group (repeatable; default: every group)",
        )
        command.add_argument(
            "--quiet", action="store_true", help="print only when something happened"
        )
        command.set_defaults(handler=cmd_run if name == "run" else cmd_send)


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
        exit_code = print_error(str(err), EXIT_CONFIG)
    if not args.dry_run and settings.get("imap"):
        exit_code = max(exit_code, int(run_ingest(home, settings, now)))
    return exit_code
