"""`plg-companion preview`: render one message exactly as the member receives it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from companion.cli.common import UsageError, parse_now
from companion.exit_codes import EXIT_OK
from companion.outbound.ledger import Ledger
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.plan import compose_wire, load_group, new_message_id, plan_group
from companion.outbound.schedule import KINDS, WEEKS_IN_PRACTICE_MONTH, PlannedMessage
from plg_tui.core.home import resolve_home
from plg_tui.core.settings import load_settings


def register(commands: Any) -> None:
    preview = commands.add_parser("preview", help="render one message exactly as it is sent")
    preview.add_argument("slug", help="the group")
    preview.add_argument("--member", required=True, metavar="EMAIL", help="the recipient")
    preview.add_argument("--kind", required=True, choices=KINDS, help="which message")
    preview.add_argument("--week", type=int, default=None, help="1..4 for weekly (default 1)")
    how = preview.add_mutually_exclusive_group()
    how.add_argument("--html", action="store_true", help="print the HTML alternative")
    how.add_argument("--raw", action="store_true", help="print the whole MIME message")
    preview.add_argument("--now", help="render as of this time, ISO 8601 (default: now)")
    preview.set_defaults(handler=cmd_preview)


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
    record = Ledger.read_only(home, group.keys).messages.get(planned.key)
    message_id = (record and record.message_id) or new_message_id(group, outbound.email, planned)
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
