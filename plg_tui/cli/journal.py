"""`plg journal SLUG [--member EMAIL]`: read the group's practice journal, oldest entry first.

The entries are sealed to the group's key, so this asks for the group passphrase first and
checks it before printing anything.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from plg_tui.cli.common import (
    CommandError,
    add_passphrase_option,
    checked_cycle,
    report_unopened,
)
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable, printable_lines

if TYPE_CHECKING:  # the vault (cryptography, tinydb) loads only when the command runs
    from zoneinfo import ZoneInfo


def register(commands: Any) -> None:
    journal = commands.add_parser(
        "journal",
        help="print a group's journal entries, oldest first (asks the group passphrase)",
        description="Print the journal entries members sent by replying to the weekly email, "
        "oldest first. Needs the group passphrase: nobody else can read them.",
    )
    journal.add_argument("slug", help="the group")
    journal.add_argument(
        "--member", metavar="EMAIL", help="only this member's entries (default: all)"
    )
    journal.add_argument(
        "--cycle", type=int, metavar="N", help="an earlier cycle's entries (default: the current)"
    )
    add_passphrase_option(journal)
    journal.set_defaults(handler=cmd_journal)


def _local(received: str, zone: ZoneInfo | None) -> str:
    try:
        moment = datetime.fromisoformat(received)
    except (TypeError, ValueError):
        return str(received)
    if zone is not None and moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M")


def cmd_journal(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from plg_tui.core.groups import GroupError
    from plg_tui.core.passphrase import get_passphrase
    from plg_tui.vault.entries import read_journal
    from plg_tui.vault.group import GroupVault
    from plg_tui.vault.keys import unlock
    from plg_tui.vault.paths import DataHome

    home = resolve_home(args.home)
    if not DataHome(home).group(args.slug).folder.exists():
        raise GroupError(f"no group '{args.slug}' in {home} (see: plg group list)")
    passphrase = get_passphrase(args.passphrase_file)
    keys = unlock(home, args.slug, passphrase)
    vault = GroupVault(home, keys)
    try:
        names = {m.email: m.shown_name for m in vault.members()}
        member = args.member.strip().lower() if args.member else None
        if member is not None and member not in names:
            raise CommandError(f"{args.member} is not a member of '{args.slug}'")
        try:
            zone: ZoneInfo | None = ZoneInfo(vault.info().timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        cycle = checked_cycle(args.cycle, vault.info().cycle)
        journal = read_journal(home, keys, member, cycle)
        entries, damaged = journal.entries, journal.damaged
    finally:
        vault.close()
    if not entries and not damaged:
        who = f" from {names[member]}" if member else ""
        print(f"No journal entries{who} yet.")
        return 0
    for index, entry in enumerate(entries):
        if index:
            print()
        email = entry.member
        when = f"Week {entry.week} · " if entry.week else ""
        notes = []
        if entry.truncated:
            notes.append("cut: too long")
        heading = f"{when}{names.get(email, email)} <{email}> · {_local(entry.received, zone)}"
        if notes:
            heading += f" ({', '.join(notes)})"
        heading = printable(heading)
        print(heading)
        print("-" * min(len(heading), 72))
        print(printable_lines(entry.text))  # a reply may carry bidi overrides or stray escapes
    return report_unopened(damaged, _journal_summary(len(damaged), shown=len(entries)))


def _journal_summary(count: int, shown: int) -> str:
    what = "entry" if count == 1 else "entries"
    others = "entry is" if shown == 1 else "entries are"
    rest = f"{shown} other {others} shown above" if shown else "no other entry to show"
    return f"{count} journal {what} could not be opened; {rest}"
