"""`plg-companion unsubscribe TOKEN`: a one-click unsubscribe (RFC 8058) handed over by the web
endpoint at `[email] unsubscribe_url`.

The endpoint receives `POST <url>?token=stop.TOKEN` with `List-Unsubscribe=One-Click` and runs
this command with the token. The token is checked exactly as the STOP address's is (group,
member, MAC); the request then takes the ingester's one path, as if the member had written to
their STOP address: the opt-out is recorded and the confirmation sent at once.
"""

from __future__ import annotations

import argparse
import hashlib
from datetime import datetime
from email.message import Message
from email.utils import format_datetime
from typing import Any

from companion.cli.common import PROG, parse_now
from companion.exit_codes import EXIT_FAILED, EXIT_OK
from companion.inbound.ingester import Ingester
from companion.inbound.routing import GroupDirectory
from companion.settings import ConfigError, load_email_settings, load_smtp_settings
from companion.tokens import UNSUBSCRIBE_PREFIX, find_tokens, plus_address
from plg_tui.core.home import resolve_home
from plg_tui.core.settings import load_settings


def register(commands: Any) -> None:
    unsubscribe = commands.add_parser(
        "unsubscribe",
        help="pause a member's practice emails from a one-click unsubscribe token",
        description="For the web endpoint at [email] unsubscribe_url: TOKEN is the value of "
        "its ?token= parameter (stop.…). Exit 0 when recorded, 1 when the token is not ours.",
    )
    unsubscribe.add_argument("token", help="the token of the one-click address (stop.…)")
    unsubscribe.add_argument("--now", help="as of this time (ISO 8601; default: now)")
    unsubscribe.set_defaults(handler=cmd_unsubscribe)


def one_click_message(member: str, stop_address: str, token: str, now: datetime) -> bytes:
    """The request as the message a mail client's unsubscribe button would have sent."""
    # one id per token and day: a link clicked twice is one request
    digest = hashlib.sha256(f"{token}|{now.date()}".encode()).hexdigest()[:32]
    return (
        f"From: {member}\r\nTo: {stop_address}\r\nSubject: STOP\r\n"
        f"Date: {format_datetime(now)}\r\nMessage-ID: <{digest}@one-click.invalid>\r\n"
        "\r\nList-Unsubscribe=One-Click\r\n"
    ).encode()


def cmd_unsubscribe(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    settings = load_settings(home)
    email = load_email_settings(settings)
    now = parse_now(args.now)
    found = find_tokens(args.token.strip())
    token = found[0] if len(found) == 1 else ""
    if not token.startswith(UNSUBSCRIBE_PREFIX):
        print(f"{PROG}: not an unsubscribe token (it starts with {UNSUBSCRIBE_PREFIX})")
        return EXIT_FAILED
    stop_address = plus_address(email.reply_to, token)
    route = GroupDirectory(home, lambda line: None).unsubscribe_route(_headers(stop_address), now)
    if route is None or route.member is None:
        print(f"{PROG}: the token is not one of this data home's groups; nothing changed")
        return EXIT_FAILED
    try:
        smtp = load_smtp_settings(settings)
    except ConfigError:
        smtp = None  # the confirmation waits in the ledger for the next ingest run
    ingester = Ingester(home, now=now, source="one-click")
    outcome = ingester.receive(one_click_message(route.member, stop_address, token, now))
    ingester.commit()
    ingester.send_notices(email, smtp, all_groups=False)
    print(f"{route.group.slug}: {outcome.action}")
    return EXIT_OK if outcome.action == "stopped" else EXIT_FAILED


def _headers(stop_address: str) -> Message:
    headers = Message()
    headers["To"] = stop_address
    return headers
