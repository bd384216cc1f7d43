"""`plg journal SLUG [--member EMAIL]`: read the group's practice journal, oldest entry first.

The entries are sealed to the group's key, so this asks for the group passphrase first and
checks it before printing anything.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from plg_tui.cli.common import CommandError, add_passphrase_option
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable, printable_lines

if TYPE_CHECKING:  # the vault (cryptography, tinydb) loads only when the command runs
    from zoneinfo import ZoneInfo

    from plg_tui.vault.group import GroupVault


def register(commands: Any) -> None:
    journal = commands.add_parser(
        "journal",
        help="print a group's journal entries, oldest first (asks the group passphrase)",
        description="Print the journal entries members sent by replying to the weekly email, "
        "oldest first. Needs the group passphrase: nobody else can read them.",
    )
    journal.add_argument("slug", help="the group")
    journal.add_argument("--member", metavar="EMAIL", help="only this member's entries")
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


def journal_entries(
    vault: GroupVault, member: str | None = None
) -> list[tuple[dict[str, Any], str]]:
    """(metadata, text) of each entry, oldest first; needs an unlocked vault."""
    from plg_tui.vault.group import INBOX, iter_entries
    from plg_tui.vault.sealed import open_companion_entry

    found = []
    for entry in iter_entries(vault.home, vault.keys, INBOX):
        if member is not None and entry.get("member") != member:
            continue
        found.append(entry)
    # a batch read after an outage shares one received time; the Date header orders it
    found.sort(key=lambda e: (str(e.get("received", "")), str(e.get("written", "")), e["id"]))
    # an entry moved to another member or week shows as damaged, never as their words
    return [(entry, open_companion_entry(vault.keys, INBOX, entry).shown) for entry in found]


def cmd_journal(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from plg_tui.core.groups import GroupError
    from plg_tui.core.passphrase import get_passphrase
    from plg_tui.vault.group import GroupVault, group_dir
    from plg_tui.vault.keys import unlock

    home = resolve_home(args.home)
    if not group_dir(home, args.slug).exists():
        raise GroupError(f"no group '{args.slug}' in {home} (see: plg group list)")
    passphrase = get_passphrase(args.passphrase_file)
    keys = unlock(home, args.slug, passphrase)
    vault = GroupVault(home, keys)
    try:
        names = {m["email"]: m.get("name") or m["email"] for m in vault.members()}
        member = args.member.strip().lower() if args.member else None
        if member is not None and member not in names:
            raise CommandError(f"{args.member} is not a member of '{args.slug}'")
        try:
            zone: ZoneInfo | None = ZoneInfo(vault.info().get("timezone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        entries = journal_entries(vault, member)
    finally:
        vault.close()
    if not entries:
        who = f" from {names[member]}" if member else ""
        print(f"No journal entries{who} yet.")
        return 0
    for index, (entry, text) in enumerate(entries):
        if index:
            print()
        email = entry.get("member", "")
        week = entry.get("week")
        when = "" if week in (None, 0) else f"Week {week} · "
        notes = []
        if entry.get("truncated"):
            notes.append("cut: too long")
        heading = f"{when}{names.get(email, email)} <{email}> · {_local(entry['received'], zone)}"
        if notes:
            heading += f" ({', '.join(notes)})"
        heading = printable(heading)
        print(heading)
        print("-" * min(len(heading), 72))
        print(printable_lines(text))  # a reply may carry bidi overrides or stray escapes
    return 0
