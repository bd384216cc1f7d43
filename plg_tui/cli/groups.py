"""`plg group ...`: forming groups from a roster and looking after them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from plg_tui.cli import group_cycles, group_lifecycle, group_members
from plg_tui.cli.common import CommandError, add_new_passphrase_option, add_passphrase_option
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable


def register(commands: Any) -> None:
    group = commands.add_parser("group", help="create and look after groups")
    sub = group.add_subparsers(dest="group_command", metavar="ACTION", required=True)

    create = sub.add_parser("create", help="create a group from a roster CSV")
    create.add_argument("slug", help="short name, e.g. eng-managers-q1")
    create.add_argument("--module", required=True, help="module id (see: plg modules list)")
    create.add_argument("--roster", required=True, type=Path, help="roster CSV file")
    create.add_argument(
        "--session1", required=True, metavar="YYYY-MM-DDTHH:MM", help="session 1, local time"
    )
    create.add_argument(
        "--session2", required=True, metavar="YYYY-MM-DDTHH:MM", help="session 2, local time"
    )
    create.add_argument(
        "--timezone", default="UTC", help="the group's time zone, Area/City (default: UTC)"
    )
    create.add_argument(
        "--allow-level-spread", action="store_true", help="accept levels more than 1 apart"
    )
    create.add_argument(
        "--allow-gap", action="store_true", help="accept sessions other than 3-4 weeks apart"
    )
    create.add_argument(
        "--allow-past", action="store_true", help="accept a session 1 that is already past"
    )
    create.add_argument(
        "--call-link", default="", help="video call link for invitations (default: none)"
    )
    add_passphrase_option(create)
    create.set_defaults(handler=cmd_create)

    sub.add_parser("list", help="all groups, one a line").set_defaults(handler=cmd_list)

    show = sub.add_parser("show", help="roster, dates, stage (no passphrase, nothing said)")
    show.add_argument("slug", help="the group")
    show.set_defaults(handler=cmd_show)

    passwd = sub.add_parser("passwd", help="change a group's passphrase")
    passwd.add_argument("slug", help="the group")
    add_passphrase_option(passwd)
    add_new_passphrase_option(passwd)
    passwd.add_argument(
        "--rekey",
        action="store_true",
        help="also replace every key and re-encrypt everything (locks out old keyring copies)",
    )
    passwd.set_defaults(handler=cmd_passwd)

    repair = sub.add_parser(
        "repair-keys", help="rewrite the companion's key file from the keyring (passphrase)"
    )
    repair.add_argument("slug", help="the group")
    add_passphrase_option(repair)
    repair.set_defaults(handler=cmd_repair_keys)

    purge = sub.add_parser("purge", help="destroy a group's keys and files for good")
    purge.add_argument("slug", help="the group")
    purge.add_argument("--yes", action="store_true", help="confirm; this cannot be undone")
    purge.set_defaults(handler=cmd_purge)

    pairs = sub.add_parser("pairs", help="record practice partners for the month")
    pairs.add_argument("slug", help="the group")
    how = pairs.add_mutually_exclusive_group(required=True)
    how.add_argument("--auto", action="store_true", help="suggest pairs (a trio when odd)")
    how.add_argument(
        "--set", metavar="A:B,C:D:E", help="partners, emails joined by ':' (default: --auto)"
    )
    pairs.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    pairs.set_defaults(handler=cmd_pairs)
    group_members.register(sub)
    group_lifecycle.register(sub)
    group_cycles.register(sub)


def cmd_create(args: argparse.Namespace) -> int:
    from plg_tui.core.groups import GroupSpec, create_group
    from plg_tui.core.home import init_home
    from plg_tui.core.passphrase import get_passphrase

    home = resolve_home(args.home)
    init_home(home)
    spec = GroupSpec(
        slug=args.slug,
        module_id=args.module,
        roster=args.roster,
        session1=args.session1,
        session2=args.session2,
        timezone=args.timezone,
        allow_level_spread=args.allow_level_spread,
        allow_gap=args.allow_gap,
        allow_past=args.allow_past,
        call_link=args.call_link,
    )
    vault = create_group(
        home, spec, lambda: get_passphrase(args.passphrase_file, new=True), warn=_warn
    )
    members = vault.members()
    vault.close()
    print(f"created group '{spec.slug}' with {len(members)} members in {home}")
    print(f"  module {spec.module_id}; session 1 {spec.session1}, session 2 {spec.session2}")
    print(f"  ({spec.timezone}). Keep the passphrase safe: without it nothing said can be read.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from plg_tui.core.groups import list_groups

    home = resolve_home(args.home)
    groups = list_groups(home)
    if not groups:
        print(f"no groups in {home} (create one: plg group create ...)")
    for slug, group in groups:
        if isinstance(group, str):
            print(f"{printable(slug)}\tcannot open: {printable(group)}")
            continue
        info = group.info
        print(
            "\t".join(
                printable(field)
                for field in (
                    slug,
                    info.module,
                    f"{len(group.members)} members",
                    f"{info.session1} / {info.session2} {info.timezone}",
                    group.stage,
                )
            )
        )
    return 0


def _warn(line: str) -> None:
    print(f"plg: warning: {printable(line)}", file=sys.stderr)


def _say(line: str) -> None:
    """Print one line whose parts came from outside plg (roster, module): no escapes pass."""
    print(printable(line))


def cmd_show(args: argparse.Namespace) -> int:
    from plg_tui.core.groups import describe, open_for_operations
    from plg_tui.core.membership import size_note

    home = resolve_home(args.home)
    vault = open_for_operations(home, args.slug)
    group = describe(vault)
    cycles = group_cycles.cycle_lines(vault)
    vault.close()
    info = group.info
    _say(f"group     {info.slug}")
    _say(f"module    {info.module} — {info.module_title}")
    if info.trust:
        _say(f"trust     {info.trust} ({info.timezone})")
    _say(f"session 1 {info.session1} ({info.timezone})")
    _say(f"session 2 {info.session2} ({info.timezone})")
    _say(f"stage     {group.stage}")
    for line in cycles:
        _say(line)
    if info.call_link:
        _say(f"call      {info.call_link}")
    _say("members")
    flag = size_note(len(group.members))
    if flag:
        _say(f"  FLAG: {flag}")
    for m in group.members:
        extra = ", ".join(x for x in (m.title, m.department) if x)
        _say(f"  {m.name} <{m.email}>  level {m.level}  {m.timezone}  {extra}")
    if group.pairs:
        names = {m.email: m.name for m in group.members}
        _say("partners")
        for pair in group.pairs:
            _say("  " + " + ".join(names.get(e, e) for e in pair))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from plg_tui.core.groups import open_for_operations
    from plg_tui.core.passphrase import NEW_ENV_VAR, get_passphrase
    from plg_tui.vault.keys import change_passphrase

    home = resolve_home(args.home)
    open_for_operations(home, args.slug).close()
    old = get_passphrase(args.passphrase_file, prompt="Current passphrase: ")
    new = get_passphrase(
        args.new_passphrase_file, new=True, env_var=NEW_ENV_VAR, prompt="New passphrase: "
    )
    if args.rekey:
        from plg_tui.vault.rekey import rekey

        rekey(home, args.slug, old, new)
        print(f"'{args.slug}' re-keyed: new keys, every item and file re-encrypted.")
        print("  A copy of the old keyring opens nothing written from now on. Old backups of")
        print("  the data home still open what they hold with the old passphrase.")
        return 0
    change_passphrase(home, args.slug, old, new)
    print(f"passphrase of '{args.slug}' changed")
    print("  The keys themselves did not change: anyone with a copy of the old keyring and the")
    print("  old passphrase can still open everything, including what is written from now on.")
    print(f"  To lock them out (e.g. after a member left): plg group passwd {args.slug} --rekey")
    return 0


def cmd_repair_keys(args: argparse.Namespace) -> int:
    from plg_tui.core.groups import repair_keys
    from plg_tui.core.passphrase import get_passphrase

    home = resolve_home(args.home)
    repair_keys(home, args.slug, lambda: get_passphrase(args.passphrase_file))
    print(f"rewrote keys/{args.slug}.key from the keyring of '{args.slug}'.")
    print("  Entries the companion sealed while it was altered cannot be opened by the group")
    print("  (they were sealed to another key); `plg journal` names them.")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from plg_tui.core.group_purge import check_purgeable, purge_group

    home = resolve_home(args.home)
    check_purgeable(home, args.slug)  # before asking: a bad name is refused, not confirmed
    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError(f"purge destroys '{args.slug}' for good; add --yes to confirm")
        typed = input(f"Type the group name '{args.slug}' to destroy it for good: ")
        if typed.strip() != args.slug:
            raise CommandError("not confirmed; nothing was removed")
    purge_group(home, args.slug)
    print(f"purged '{args.slug}': keys destroyed, files removed")
    return 0


def cmd_pairs(args: argparse.Namespace) -> int:
    import random

    from plg_tui.core.groups import open_for_operations
    from plg_tui.core.pairing import parse_pairs_spec, suggest_pairs, validate_pairs

    home = resolve_home(args.home)
    vault = open_for_operations(home, args.slug)
    try:
        members = [m.email for m in vault.members()]
        if args.auto:
            history = [g for record in vault.pairings() for g in record.groups]
            groups = suggest_pairs(members, history, random.Random(args.seed))
        else:
            try:
                groups = parse_pairs_spec(args.set)
            except ValueError as err:
                raise CommandError(f"--set: {err}") from None
        problems = validate_pairs(groups, members)
        if problems:
            raise CommandError("\n".join(f"--set: {p}" for p in problems))
        vault.record_pairing([list(g) for g in groups], "auto" if args.auto else "set")
        names = {m.email: m.name for m in vault.members()}
    finally:
        vault.close()
    print(f"partners for '{args.slug}':")
    for g in groups:
        _say("  " + " + ".join(f"{names[e]} <{e}>" for e in g))
    return 0
