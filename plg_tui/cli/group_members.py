"""`plg group remove-member` and `plg group add-member`: members change after a group formed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from plg_tui.cli.common import add_new_passphrase_option, add_passphrase_option
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable


def register(sub: Any) -> None:
    """Add the member commands to `plg group`'s sub-commands."""
    remove = sub.add_parser(
        "remove-member",
        help="take a member off the group: no more emails, partners re-paired, group re-keyed",
    )
    remove.add_argument("slug", help="the group's short name")
    remove.add_argument("email", help="the leaving member's email address")
    add_passphrase_option(remove)
    add_new_passphrase_option(remove)
    remove.add_argument(
        "--dry-run", action="store_true", help="show what would change; change nothing"
    )
    remove.set_defaults(handler=cmd_remove_member)

    add = sub.add_parser(
        "add-member", help="add a member to a group (operations key only, no passphrase)"
    )
    add.add_argument("slug", help="the group's short name")
    add.add_argument("--name", required=True, help="full name, e.g. 'Ada Lovelace'")
    add.add_argument("--email", required=True, help="email address (their emails go there)")
    add.add_argument("--level", required=True, help="management level, a whole number")
    add.add_argument("--reports-to", default="", help="their manager's email (default: none)")
    add.add_argument("--title", default="", help="job title (default: none)")
    add.add_argument("--department", default="", help="department (default: none)")
    add.add_argument(
        "--timezone", default="", help="Area/City, e.g. Europe/Berlin (default: the group's)"
    )
    add.add_argument(
        "--allow-level-spread",
        action="store_true",
        help="accept levels more than 1 apart (default: refused)",
    )
    add.add_argument(
        "--dry-run", action="store_true", help="show what would change; change nothing"
    )
    add.set_defaults(handler=cmd_add_member)


def _say(line: str) -> None:
    print(printable(line))


def _warn(line: str) -> None:
    print(f"plg: warning: {printable(line)}", file=sys.stderr)


def _names(emails: list[str], name_of: Callable[[str], str | None]) -> str:
    names = [name_of(e) or e for e in emails]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def cmd_remove_member(args: argparse.Namespace) -> int:
    from plg_tui.core.groups import open_for_operations
    from plg_tui.core.membership import plan_removal, remove_member, size_note
    from plg_tui.core.passphrase import NEW_ENV_VAR, get_passphrase

    home = resolve_home(args.home)
    now = datetime.now(UTC)
    if args.dry_run:
        vault = open_for_operations(home, args.slug)
        try:
            removal = plan_removal(vault, args.email, now)
        finally:
            vault.close()
    else:
        removal = remove_member(
            home,
            args.slug,
            args.email,
            lambda: get_passphrase(args.passphrase_file, prompt="Current passphrase: "),
            lambda: get_passphrase(
                args.new_passphrase_file,
                new=True,
                env_var=NEW_ENV_VAR,
                prompt="New passphrase: ",
            ),
        )
    leaver = removal.leaver
    who, count = f"{leaver.shown_name} <{leaver.email}>", len(removal.remaining)
    if args.dry_run:
        _say(f"dry run, nothing changed: would remove {who} from '{removal.slug}' ({count} left)")
    else:
        _say(f"removed {who} from '{removal.slug}'; {count} members remain")
    _say(
        f"  emails: {leaver.first_name} gets one last email per session still ahead, a "
        "calendar cancellation; from its next run the companion plans nothing else for them "
        "and cancels what is still waiting to be retried"
    )
    partners = removal.partners
    if partners.still_together:
        _say(
            f"  partners: {_names(partners.still_together, removal.name_of)} stay partners "
            "(their trio becomes a pair); nothing new is emailed"
        )
    for email in partners.alone:
        _say(
            f"  partners: {removal.name_of(email)} <{email}> is left with no practice partner: "
            f"give them partners with plg group pairs {removal.slug} --set ... (or --auto)"
        )
    if partners.pairs is None:
        _say(f"  partners: {leaver.first_name} had no practice partners; nobody is re-paired")
    state = "would be re-keyed" if args.dry_run else "is re-keyed"
    _say(
        f"  keys: the group {state} with a new passphrase; what was said before stays readable "
        "with it, and the old passphrase opens nothing written from now on. Give the new "
        f"passphrase to the remaining members, not to {leaver.first_name}"
    )
    note = size_note(len(removal.remaining))
    if note:
        _say(f"  FLAG: {note}")
    return 0


def cmd_add_member(args: argparse.Namespace) -> int:
    from plg_tui.core.membership import size_note
    from plg_tui.core.newcomer import Newcomer, add_member
    from plg_tui.core.reporting_lines import newcomer_warnings
    from plg_tui.core.roster_warnings import timezone_warning

    home = resolve_home(args.home)
    newcomer = Newcomer(
        name=args.name,
        email=args.email,
        level=args.level,
        reports_to=args.reports_to,
        title=args.title,
        department=args.department,
        timezone=args.timezone,
    )
    addition = add_member(
        home,
        args.slug,
        newcomer,
        allow_level_spread=args.allow_level_spread,
        dry_run=args.dry_run,
    )
    warning = timezone_warning(args.timezone, "--timezone")
    if warning:
        _warn(warning)
    for line in newcomer_warnings(addition.member, addition.others):
        _warn(line)
    member = addition.member
    count = len(addition.others) + 1
    prefix = "dry run, nothing changed: would add" if args.dry_run else "added"
    _say(f"{prefix} {member.name} <{member.email}> to '{addition.slug}' ({count} members)")
    upcoming = addition.next_session
    when = (
        f"{upcoming[0]} on {upcoming[1]:%a %d %b %Y %H:%M} ({addition.info.timezone})"
        if upcoming
        else "no session scheduled yet"
    )
    _say(
        f"  emails: at the companion's next run, a welcome email to {member.first_name} (the "
        f"group's first names, the module '{addition.info.module_title}', next: {when})"
    )
    if addition.in_practice_month:
        _say(
            "  emails: then the practice-month emails still ahead (not the weeks already past) "
            "and the session-2 reminder"
        )
    elif upcoming:
        _say("  emails: then the practice-month emails, like everyone's")
    if addition.partners:
        names = {m.email: m.shown_name for m in addition.others}
        _say(
            f"  partners: {member.first_name} joins {_names(addition.partners, names.get)} "
            f"(a trio); {member.first_name} gets the partner introduction. Let "
            f"{_names(addition.partners, names.get)} know."
        )
    elif addition.in_practice_month:
        _say(
            f"  partners: no pair to join; give {member.first_name} partners with "
            f"plg group pairs {addition.slug} --set ..."
        )
    _say(
        f"  session: in the next lobby {member.first_name} is asked to agree to the "
        "confidentiality promise, as everyone present is"
    )
    note = size_note(count)
    if note:
        _say(f"  FLAG: {note}")
    return 0
