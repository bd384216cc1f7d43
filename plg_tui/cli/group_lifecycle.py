"""`plg group reschedule` and `plg group end`: a group's dates move, a group's programme ends.

Neither asks for the passphrase: dates and the end are operations data, not what anyone said.
Each names what changed and what the companion does next; `--dry-run` shows it and writes
nothing.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable
from plg_tui.vocabulary import SessionKind

DATE_HELP = "YYYY-MM-DDTHH:MM in the group's time zone (default: unchanged)"


def register(sub: Any) -> None:
    reschedule = sub.add_parser(
        "reschedule",
        help="move sessions not yet held or change the call link; members get updated invitations",
    )
    reschedule.add_argument("slug", help="the group")
    reschedule.add_argument(
        "--trust", metavar="YYYY-MM-DDTHH:MM", help=f"the trust-building session, {DATE_HELP}"
    )
    reschedule.add_argument(
        "--session1", metavar="YYYY-MM-DDTHH:MM", help=f"session 1, {DATE_HELP}"
    )
    reschedule.add_argument(
        "--session2", metavar="YYYY-MM-DDTHH:MM", help=f"session 2, {DATE_HELP}"
    )
    reschedule.add_argument(
        "--call-link", help="video call link for the invitations (default: unchanged)"
    )
    reschedule.add_argument(
        "--allow-gap", action="store_true", help="accept sessions outside 21-35 days apart"
    )
    reschedule.add_argument(
        "--allow-past", action="store_true", help="accept a new date that is already past"
    )
    reschedule.add_argument(
        "--dry-run", action="store_true", help="show what would change; change nothing"
    )
    reschedule.set_defaults(handler=cmd_reschedule)

    end = sub.add_parser(
        "end", help="end a group's programme: no more emails, cancellations for sessions ahead"
    )
    end.add_argument("slug", help="the group")
    end.add_argument(
        "--dry-run", action="store_true", help="show what would happen; change nothing"
    )
    end.set_defaults(handler=cmd_end)


def _say(line: str) -> None:
    print(printable(line))


def cmd_reschedule(args: argparse.Namespace) -> int:
    from plg_tui.cli.common import CommandError
    from plg_tui.core.group_lifecycle import apply_reschedule, plan_reschedule
    from plg_tui.core.groups import open_for_operations

    new_dates = {
        SessionKind.TRUST: args.trust,
        SessionKind.ONE: args.session1,
        SessionKind.TWO: args.session2,
    }
    if all(v is None for v in new_dates.values()) and args.call_link is None:
        raise CommandError("nothing to change: give --trust, --session1, --session2 or --call-link")
    home = resolve_home(args.home)
    vault = open_for_operations(home, args.slug)
    try:
        info = vault.info()
        members = len(vault.members())
        change = plan_reschedule(
            info,
            new_dates,
            args.call_link,
            datetime.now(UTC),
            allow_gap=args.allow_gap,
            allow_past=args.allow_past,
        )
        if not change.changes_anything:
            _say(f"'{args.slug}': the dates and link given are the ones it has; nothing changed")
            return 0
        if not args.dry_run:
            apply_reschedule(vault, change)
    finally:
        vault.close()
    _say(("dry run, nothing changed; would reschedule" if args.dry_run else "rescheduled")
         + f" '{args.slug}' ({info.timezone}):")  # fmt: skip
    for move in change.moves:
        _say(f"  {move.kind.label}: {move.old or 'not scheduled'} -> {move.new}")
    if change.new_link is not None:
        _say(f"  call link: {change.old_link or 'none'} -> {change.new_link or 'none'}")
    verb = "would send" if args.dry_run else "sends"
    for kind in change.updated:
        sequence = change.sequences[str(kind)]
        _say(
            f"  next: the companion {verb} each of the {members} members an updated invitation "
            f"for the {kind.label.lower()} (SEQUENCE {sequence}) on its next run"
        )
    for move in change.moves:
        if not move.old:
            _say(
                f"  next: the companion {verb} each of the {members} members an invitation "
                f"for the {move.kind.label.lower()} on its next run"
            )
    if not change.updated and not any(not m.old for m in change.moves):
        _say("  next: no invitation changes (no session ahead is affected)")
    return 0


def cmd_end(args: argparse.Namespace) -> int:
    from plg_tui.core.group_lifecycle import end_group, ended_problem, sessions_ahead
    from plg_tui.core.groups import GroupError, open_for_operations

    home = resolve_home(args.home)
    now = datetime.now(UTC)
    vault = open_for_operations(home, args.slug)
    try:
        info = vault.info()
        problem = ended_problem(info)
        if problem:
            raise GroupError(problem.split(";")[0] + "; nothing changed")
        ahead = sessions_ahead(info, now)
        if not args.dry_run:
            end_group(vault, now)
    finally:
        vault.close()
    if args.dry_run:
        _say(f"dry run, nothing changed; would end '{args.slug}':")
    else:
        _say(f"ended '{args.slug}':")
    verb = "would send" if args.dry_run else "sends"
    _say("  the companion sends no more practice emails, reminders or invitations for it")
    for kind, local in ahead:
        _say(
            f"  next: the companion {verb} a cancellation for the {kind.label.lower()} "
            f"({local}, {info.timezone}) to each member it had invited, on its next run"
        )
    if not ahead:
        _say("  no session is ahead, so no cancellation goes out")
    _say(f"  its records stay readable; plg group purge {args.slug} destroys them for good")
    return 0
