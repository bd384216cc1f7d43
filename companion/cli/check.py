"""`plg-companion check`: try plg.toml's mail settings step by step and say what to fix.

Reads plg.toml, connects to SMTP (and IMAP when [imap] has a host), logs in, has the From
address accepted, and with --send-test sends one test email. Exit codes as for `run`: 0 all
good, 1 the test email was refused, 2 a setting is wrong, 75 a server could not be reached.
"""

from __future__ import annotations

import argparse
import asyncio
from email.utils import parseaddr
from typing import Any

from companion.cli.common import UsageError
from companion.exit_codes import EXIT_CONFIG, EXIT_OK, EXIT_TEMPORARY
from companion.inbound.imap_settings import load_imap_settings
from companion.outbound.smtp_check import CheckStep, check_smtp
from companion.settings import ConfigError, load_email_settings, load_smtp_settings
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable
from plg_tui.core.settings import SettingsError, load_settings


def register(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help="try the mail settings of plg.toml step by step and say what to fix",
        description="Reads plg.toml, connects to the SMTP server (and the IMAP server when "
        "[imap] has a host), logs in and has the From address accepted, reporting each step. "
        "Exit codes as for run: 0 good, 1 the test email was refused, 2 a setting to fix, "
        "75 a server unreachable.",
    )
    check.add_argument(
        "--send-test",
        metavar="EMAIL",
        help="also send one short test email to EMAIL (default: send nothing)",
    )
    check.set_defaults(handler=cmd_check)


def show(step: CheckStep) -> None:
    mark = "ok  " if step.ok else "FAIL"
    print(printable(f"{mark} {step.name}: {step.detail}"), flush=True)
    if step.fix:
        print(printable(f"     fix: {step.fix}"), flush=True)


def _settings_step(home_arg: str | None) -> tuple[dict[str, Any] | None, int]:
    home = resolve_home(home_arg)
    try:
        settings = load_settings(home)
    except SettingsError as err:
        show(CheckStep("settings", str(err).splitlines()[0], EXIT_CONFIG, "edit plg.toml"))
        return None, EXIT_CONFIG
    show(CheckStep("settings", f"read {home / 'plg.toml'}"))
    return dict(settings), EXIT_OK


def _check_imap(settings: dict[str, Any]) -> int:
    from companion.inbound.imap_source import ImapMailbox
    from companion.inbound.ingest_batch import SourceError

    try:
        imap = load_imap_settings(settings)
    except ConfigError as err:
        show(CheckStep("imap", str(err), EXIT_CONFIG, "edit [imap] in plg.toml"))
        return EXIT_CONFIG
    if imap is None:
        show(CheckStep("imap", "not configured ([imap] has no host): replies come another way"))
        return EXIT_OK
    try:
        with ImapMailbox(imap) as mailbox:
            waiting = len(mailbox.waiting())
    except SourceError as err:
        code = EXIT_TEMPORARY if err.temporary else EXIT_CONFIG
        fix = (
            ""
            if "check [imap]" in str(err) or "set [imap]" in str(err)
            else ("check [imap] host, port and security in plg.toml")
        )
        show(CheckStep("imap", str(err), code, fix))
        return code
    show(
        CheckStep(
            "imap",
            f"logged in to {imap.host}:{imap.port} as {imap.username}; folder {imap.folder} "
            f"has {waiting} message(s) waiting",
        )
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    to = args.send_test
    if to is not None:
        address = parseaddr(to)[1]
        if not address or "@" not in address or address != to.strip():
            raise UsageError(f"--send-test {to!r}: give one email address, e.g. you@example.org")
        to = address
    settings, worst = _settings_step(args.home)
    if settings is None:
        return worst
    try:
        email = load_email_settings(settings)
        show(CheckStep("email", f"From {email.from_addr}, replies to {email.reply_to}"))
        smtp = load_smtp_settings(settings)
    except ConfigError as err:
        show(CheckStep("settings", str(err), EXIT_CONFIG, "edit plg.toml, then check again"))
        return EXIT_CONFIG
    worst = asyncio.run(check_smtp(smtp, email, to, show))
    worst = max(worst, _check_imap(settings))
    print(
        "all good" if worst == EXIT_OK else f"exit {worst}: fix what FAIL names, then check again"
    )
    return worst
