"""`plg-companion preview`: render one message exactly as the member receives it."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from companion.cli.common import UsageError, parse_now
from companion.cli.preview_survey import survey_preview
from companion.exit_codes import EXIT_OK
from companion.outbound.compose import WireMessage
from companion.outbound.invitations import INVITATION, invitation
from companion.outbound.ledger import Ledger
from companion.outbound.messages import compose_message
from companion.outbound.outbound_settings import OutboundSettings, load_outbound_settings
from companion.outbound.plan import GroupContext, load_group, new_message_id, plan_group
from companion.outbound.schedule import (
    KINDS,
    PARTNER_CHECK_WEEK,
    WEEKS_IN_PRACTICE_MONTH,
    PlannedMessage,
)
from companion.outbound.survey_mail import INVITATION as SURVEY
from companion.outbound.survey_mail import REMINDER as SURVEY_REMINDER
from plg_tui.core.home import resolve_home
from plg_tui.core.session_dates import dated_sessions
from plg_tui.core.settings import load_settings
from plg_tui.vocabulary import SessionKind


def register(commands: Any) -> None:
    preview = commands.add_parser("preview", help="render one message exactly as it is sent")
    preview.add_argument("slug", help="the group (the pool, for --kind survey)")
    preview.add_argument("--member", required=True, metavar="EMAIL", help="the recipient")
    preview.add_argument(
        "--kind",
        required=True,
        choices=(*KINDS, INVITATION, SURVEY, SURVEY_REMINDER),
        help="which message (survey, survey_reminder: a pool candidate's)",
    )
    preview.add_argument("--week", type=int, default=None, help="1..4 for weekly (default 1)")
    preview.add_argument(
        "--session",
        choices=[str(kind) for kind in SessionKind],
        help="the session, for --kind invitation (default: the next one not held)",
    )
    how = preview.add_mutually_exclusive_group()
    how.add_argument("--html", action="store_true", help="print the HTML alternative")
    how.add_argument("--raw", action="store_true", help="print the whole MIME message")
    preview.add_argument("--now", help="render as of this time, ISO 8601 (default: now)")
    preview.set_defaults(handler=cmd_preview)


def cmd_preview(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    outbound = load_outbound_settings(load_settings(home), need_smtp=False)
    if args.kind in (SURVEY, SURVEY_REMINDER):
        now = parse_now(args.now) if args.now else datetime.now(UTC)
        survey = survey_preview(args, outbound)
        return _show(survey, args, PlannedMessage(args.member, args.kind, 0, now, now))
    group = load_group(home, args.slug)
    member = args.member.strip().lower()
    if member not in group.members:
        raise UsageError(f"--member {args.member}: not a member of {args.slug}")
    if args.kind == INVITATION:
        now = parse_now(args.now) if args.now else datetime.now(UTC)
        planned = _invitation(group, member, args.session, now)
    else:
        planned, now = _practice_message(args, group, member, outbound)
    record = Ledger.read_only(home, group.keys).messages.get(planned.key)
    message_id = (record and record.message_id) or new_message_id(group, outbound.email, planned)
    wire = compose_message(group, outbound.email, planned, message_id=message_id, now=now)
    return _show(wire, args, planned)


def _invitation(
    group: GroupContext, member: str, session: str | None, now: datetime
) -> PlannedMessage:
    """The member's invitation to `session` (default: the next one not held), as it is sent."""
    sessions = [s for s in dated_sessions(group.info) if session in (None, str(s.kind))]
    chosen = next((s for s in sessions if not s.held), sessions[-1] if sessions else None)
    if chosen is None:
        raise UsageError(f"--session {session}: {group.slug} has no such session with a date")
    return invitation(chosen, member, min(now, chosen.start.astimezone(UTC)))


def _practice_message(
    args: argparse.Namespace, group: GroupContext, member: str, outbound: OutboundSettings
) -> tuple[PlannedMessage, datetime]:
    week = args.week if args.week is not None else (1 if args.kind == "weekly" else 0)
    if args.kind == "weekly" and not 1 <= week <= WEEKS_IN_PRACTICE_MONTH:
        raise UsageError(f"--week {week}: weekly emails are weeks 1..{WEEKS_IN_PRACTICE_MONTH}")
    if args.kind != "weekly":
        week = PARTNER_CHECK_WEEK if args.kind == "partner_check" else 0
    if args.kind in ("pairing", "partner_check") and not group.partners_of(member):
        raise UsageError(
            f"--kind {args.kind}: {member} has no practice partner recorded yet "
            f"(plg group pairs {group.slug})"
        )
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
        planned = PlannedMessage(member, args.kind, week, now, now, cycle=group.info.cycle)
    return planned, now


def _show(wire: WireMessage, args: argparse.Namespace, planned: PlannedMessage) -> int:
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
    when = planned.send_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    print(f"(planned send time: {when} UTC)", file=sys.stderr)
    print()
    body = message.get_body(preferencelist=("plain",))
    sys.stdout.write(body.get_content() if body is not None else "")
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            method = part.get_param("method") or ""
            print(f"\n--- the calendar part (text/calendar; method={method}) ---")
            sys.stdout.write(str(part.get_content()).replace("\r\n", "\n"))
    return EXIT_OK
