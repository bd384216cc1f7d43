"""`plg-companion ingest` and `plg-companion quarantine`: members' replies coming in.

    plg-companion ingest            read the [imap] mailbox of plg.toml
    plg-companion ingest --maildir DIR
    plg-companion ingest -          one message on stdin, from an MTA (.forward, procmail, pipe)

Exit codes: 0 done, 1 some messages could not be handled (they stay where they are),
2 configuration error, 75 temporary failure (try again). On stdin every failure is 75, so
the MTA keeps the message and retries instead of bouncing the member's reply back to them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.cli.common import PROG, UsageError, parse_now
from companion.companion_limits import load_quarantine_limits, lock_timeout
from companion.exit_codes import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_TEMPORARY
from companion.inbound.imap_settings import load_imap_settings
from companion.inbound.imap_source import ingest_imap
from companion.inbound.ingest_batch import BatchResult, SourceError, describe
from companion.inbound.ingester import DEFAULT_LEDGER_TIMEOUT, Ingester
from companion.inbound.local_sources import ingest_maildir, ingest_stdin
from companion.inbound.notices import NoticeReport
from companion.inbound.outcome import Outcome
from companion.settings import (
    ConfigError,
    EmailSettings,
    SmtpSettings,
    load_email_settings,
    load_schedule_settings,
    load_smtp_settings,
)
from plg_tui.core.home import group_slugs, resolve_home
from plg_tui.core.safe_text import printable
from plg_tui.core.settings import SettingsError, load_settings
from plg_tui.vault.errors import KeyFileAltered
from plg_tui.vault.group import iter_entries
from plg_tui.vault.keys import load_operations_keys
from plg_tui.vault.paths import QUARANTINE, DataHome

# An MTA waits for the pipe; a companion run holding the ledger is waited for this long.
STDIN_LEDGER_TIMEOUT = 30.0


def register(commands: Any) -> None:
    ingest = commands.add_parser(
        "ingest",
        help="read members' replies into their journals (IMAP, a Maildir, or stdin)",
        description="Read members' email replies and file them, sealed, in their group's "
        "journal. Without a source: the [imap] mailbox of plg.toml.",
    )
    ingest.add_argument(
        "source",
        nargs="?",
        choices=["-"],
        help="'-': one message on stdin (from an MTA pipe); exit 75 asks the MTA to retry",
    )
    ingest.add_argument(
        "--maildir",
        metavar="DIR",
        help="read DIR/new and DIR/cur, delete what was handled (default: [imap])",
    )
    ingest.add_argument("--imap", action="store_true", help="read the [imap] mailbox (default)")
    ingest.add_argument("--now", help="act as if it were this time, ISO 8601 (default: now)")
    ingest.add_argument(
        "-v", "--verbose", action="store_true", help="one line per message (no content)"
    )
    ingest.set_defaults(handler=cmd_ingest)

    quarantine = commands.add_parser(
        "quarantine",
        help="list quarantined messages: reason, date, sender (never content)",
    )
    quarantine.add_argument("slug", nargs="?", help="one group (default: all)")
    quarantine.set_defaults(handler=cmd_quarantine)


def _err(line: str) -> None:
    print(f"{PROG}: {line}", file=sys.stderr)


def _notice_settings(
    settings: Mapping[str, Any],
) -> tuple[EmailSettings | None, SmtpSettings | None, bool]:
    """(email settings, smtp settings, acknowledge); None where not configured, with a note."""
    try:
        email = load_email_settings(settings)
    except ConfigError as err:
        _err(f"acknowledgements are not sent: {err}")
        return None, None, False
    try:
        smtp = load_smtp_settings(settings)
    except ConfigError as err:
        _err(f"acknowledgements wait for SMTP settings: {err}")
        smtp = None
    return email, smtp, email.acknowledgements


def _send_notices(
    ingester: Ingester, email: EmailSettings | None, smtp: SmtpSettings | None
) -> NoticeReport:
    if email is None:
        return NoticeReport()
    try:
        return ingester.send_notices(email, smtp, all_groups=ingester.source != "stdin")
    except Exception as err:  # an ack must never fail a stored reply
        _err(f"acknowledgements not sent this time ({type(err).__name__}); they are retried")
        return NoticeReport()


def _print_result(result: BatchResult, notices: NoticeReport) -> None:
    line = result.summary()
    if notices.sent or notices.failed or notices.deferred:
        line += (
            f"; notices sent {notices.sent}, failed {notices.failed}, deferred {notices.deferred}"
        )
    print(line)
    if result.temporary:
        _err(f"stopped early, will retry: {result.temporary}")


def _exit_code(result: BatchResult, source: str) -> int:
    if result.temporary:
        return EXIT_TEMPORARY
    if result.errors:
        # an MTA bounces on 1: the member would get their reply back instead of a retry
        return EXIT_TEMPORARY if source == "stdin" else EXIT_FAILED
    return EXIT_OK


def run_ingest(home: Path, settings: Mapping[str, Any], now: datetime) -> int:
    """`plg-companion run`: read the [imap] mailbox when it is configured."""
    try:
        imap = load_imap_settings(settings)
        if imap is None:
            return EXIT_OK
        return _ingest(home, settings, now, "imap", imap=imap)
    except ConfigError as err:
        _err(f"error: {err}")
        return EXIT_CONFIG


def _ingest(
    home: Path,
    settings: Mapping[str, Any],
    now: datetime,
    source: str,
    *,
    imap: Any = None,
    maildir: Path | None = None,
    verbose: bool = False,
) -> int:
    limits = load_quarantine_limits(settings)  # a ConfigError here: nothing read yet
    email, smtp, acknowledge = _notice_settings(settings)
    try:
        timeout = lock_timeout(settings)
    except ConfigError:
        timeout = DEFAULT_LEDGER_TIMEOUT
    if source == "stdin":
        timeout = min(timeout, STDIN_LEDGER_TIMEOUT)
    schedule = load_schedule_settings(settings)  # a ConfigError here: nothing read yet
    ingester = Ingester(
        home,
        now=now,
        source=source,
        acknowledge=acknowledge,
        ledger_timeout=timeout,
        log=_err,
        quarantine_limits=limits,
        schedule=schedule,
    )

    dropped_unstored: dict[str, int] = {}

    def show(outcome: Outcome) -> None:
        if outcome.reason == "quarantine full" and outcome.slug:
            dropped_unstored[outcome.slug] = dropped_unstored.get(outcome.slug, 0) + 1
        if verbose or outcome.action == "quarantined":
            print(describe(outcome))

    try:
        if source == "stdin":
            result = ingest_stdin(ingester, sys.stdin.buffer, on_outcome=show)
        elif source == "maildir":
            assert maildir is not None
            result = ingest_maildir(ingester, maildir, on_outcome=show)
        else:
            result = ingest_imap(ingester, imap, on_outcome=show)
    except SourceError as err:  # the temporary ones are in the result
        _err(f"error: {err}")
        return EXIT_CONFIG
    except KeyFileAltered as err:
        # the message that needed this group stays in the mailbox, for after the repair
        _err(f"error: {err}; nothing was sealed, the message stays for the next run")
        return EXIT_CONFIG
    notices = _send_notices(ingester, email, smtp)
    _print_result(result, notices)
    for slug, count in sorted(dropped_unstored.items()):
        _err(
            f"the quarantine of group '{slug}' is full: {count} message(s) deleted unstored "
            "(plg-companion status counts them)"
        )
    return _exit_code(result, source)


def cmd_ingest(args: argparse.Namespace) -> int:
    chosen = [name for name, on in (("-", args.source), ("--maildir", args.maildir)) if on]
    if args.imap:
        chosen.append("--imap")
    if len(chosen) > 1:
        raise UsageError(f"give one source, not {' and '.join(chosen)}")
    if args.source == "-":
        # an MTA is waiting: every failure must be 75 so the message is kept and retried
        try:
            home = resolve_home(args.home)
            return _ingest(home, load_settings(home), parse_now(args.now), "stdin")
        except Exception as err:
            _err(f"temporary failure, the MTA will retry: {_one_line(err)}")
            return EXIT_TEMPORARY
    home = resolve_home(args.home)
    settings = load_settings(home)
    now = parse_now(args.now)
    if args.maildir:
        return _ingest(
            home, settings, now, "maildir", maildir=Path(args.maildir), verbose=args.verbose
        )
    imap = load_imap_settings(settings)
    if imap is None:
        raise ConfigError("plg.toml [imap] host: missing (or give --maildir DIR, or '-' for stdin)")
    return _ingest(home, settings, now, "imap", imap=imap, verbose=args.verbose)


def _one_line(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return f"{type(err).__name__}: {err.strerror}"
    if isinstance(err, ConfigError | SettingsError | UsageError):
        return str(err).splitlines()[0]
    return type(err).__name__


def cmd_quarantine(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    slugs = [args.slug] if args.slug else group_slugs(home)
    if args.slug and not DataHome(home).group(args.slug).folder.exists():
        _err(f"error: no group '{args.slug}' in {home}")
        return EXIT_FAILED
    for slug in slugs:
        keys = load_operations_keys(home, slug)
        items = sorted(iter_entries(home, keys, QUARANTINE), key=lambda e: (e["date"], e["id"]))
        if not items:
            print(f"{slug}: nothing in quarantine")
            continue
        print(f"{slug}: {len(items)} in quarantine")
        for item in items:
            # printable even for records stored before senders were cleaned
            sender = printable(item.get("sender") or "") or "(no sender)"
            print(f"  {printable(item['date'])}  {printable(item['reason']):<30}  {sender}")
    return EXIT_OK
