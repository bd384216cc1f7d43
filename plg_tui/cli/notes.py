"""`plg notes SLUG`: print what the group said in its sessions, for a member who wants a copy.

Challenges, commitments, reflections, notes, the parking lot and ground rules are sealed to
the group's key, so this asks for the group passphrase first. Each item is opened through its
standing: a damaged one is named (never shown), an unverified one is flagged as in the journal.
With `--member`, the member's own items are shown together with the whole group's (notes,
parking lot, ground rules), which every member heard; other members' items are left out.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
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
from plg_tui.vocabulary import CaptureKind, SessionKind

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from plg_tui.vault.group import GroupVault
    from plg_tui.vault.records import SealedItem

KIND_TITLES: dict[str, str] = {
    CaptureKind.CHALLENGE: "Challenges",
    CaptureKind.COMMITMENT: "Commitments",
    CaptureKind.GROUND_RULES: "Ground rules",
    CaptureKind.REFLECTION: "Reflections",
    CaptureKind.NOTES: "Notes",
    CaptureKind.PARKING: "Parking lot",
}
SESSION_ORDER = list(SessionKind)
CARRIED_KINDS = (CaptureKind.GROUND_RULES, CaptureKind.PARKING)
KIND_ORDER = list(CaptureKind)


def register(commands: Any) -> None:
    notes = commands.add_parser(
        "notes",
        help="print what the group said in its sessions (asks the group passphrase)",
        description="Print the group's own words from its sessions (challenges, commitments, "
        "reflections, notes, parking lot, ground rules) by session and kind, oldest first. "
        "With --member: that member's items and the whole group's. Needs the passphrase.",
    )
    notes.add_argument("slug", help="the group")
    notes.add_argument(
        "--session", choices=[str(s) for s in SessionKind], help="one session (default: all)"
    )
    notes.add_argument(
        "--member", metavar="EMAIL", help="one member's items and the group's (default: all)"
    )
    notes.add_argument(
        "--format", choices=["text", "markdown"], default="text", help="(default: text)"
    )
    notes.add_argument(
        "--cycle", type=int, metavar="N", help="an earlier cycle's notes (default: the current)"
    )
    add_passphrase_option(notes)
    notes.set_defaults(handler=cmd_notes)


@dataclass(frozen=True)
class ShownItem:
    session: str  # the heading it is shown under: "Session 1", "Carried from cycle 1"
    kind: str
    author: str  # "Name <email>" or "Whole group"
    created: str
    text: str  # with its warning when unverified or older


def _order(item: SealedItem) -> tuple[int, int, str]:
    sessions = [str(s) for s in SESSION_ORDER]
    session = sessions.index(item.session) if item.session in sessions else len(sessions)
    kinds = [str(k) for k in KIND_ORDER]
    kind = kinds.index(item.kind) if item.kind in kinds else len(kinds)
    return session, kind, item.created


def _local(created: str, zone: ZoneInfo | None) -> str:
    try:
        moment = datetime.fromisoformat(created)
    except (TypeError, ValueError):
        return created
    if zone is not None and moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M")


def _session_title(session: str | None) -> str:
    if session in {str(s) for s in SessionKind}:
        return SessionKind(session).label
    return f"Session {session or '(none)'}"


def _kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind)


def cmd_notes(args: argparse.Namespace) -> int:
    from plg_tui.core.groups import GroupError
    from plg_tui.core.passphrase import get_passphrase
    from plg_tui.vault.group import GroupVault
    from plg_tui.vault.keys import unlock
    from plg_tui.vault.paths import DataHome

    home = resolve_home(args.home)
    if not DataHome(home).group(args.slug).folder.exists():  # the slug rule is checked here
        raise GroupError(f"no group '{args.slug}' in {home} (see: plg group list)")
    passphrase = get_passphrase(args.passphrase_file)
    vault = GroupVault(home, unlock(home, args.slug, passphrase))
    try:
        cycle = checked_cycle(args.cycle, vault.info().cycle)
        shown, damaged = _collect(vault, args.session, args.member, cycle)
    finally:
        vault.close()
    if not shown and not damaged:
        print(
            "No session notes"
            + (" for that selection" if args.session or args.member else "")
            + " yet."
        )
        return 0
    render = _markdown if args.format == "markdown" else _text
    print(render(args.slug, shown), end="")
    what = "item" if len(damaged) == 1 else "items"
    rest = f"{len(shown)} other shown above" if shown else "nothing else to show"
    return report_unopened(damaged, f"{len(damaged)} {what} could not be opened; {rest}")


def _collect(
    vault: GroupVault, session: str | None, member_arg: str | None, cycle: int
) -> tuple[list[ShownItem], list[str]]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    names = {m.email: m.shown_name for m in vault.members()}
    member = member_arg.strip().lower() if member_arg else None
    if member is not None and member not in names:
        raise CommandError(f"{printable(member_arg)} is not a member of '{vault.slug}'")
    try:
        zone: ZoneInfo | None = ZoneInfo(vault.info().timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    shown: list[ShownItem] = []
    damaged: list[str] = []
    for item in _chosen(vault, session, cycle):
        whole_group = item.member is None
        if member is not None and not whole_group and item.member != member:
            continue
        author = (
            "Whole group"
            if whole_group
            else f"{names.get(item.member or '', item.member)} <{item.member}>"
        )
        where = f"{_heading(item, cycle)}, {_kind_title(item.kind)}, {author}"
        opened = vault.open_item(item)
        if opened.text is None:
            damaged.append(f"{where}, {_local(item.created, zone)}: {opened.warning}")
            continue
        shown.append(
            ShownItem(
                _heading(item, cycle), item.kind, author, _local(item.created, zone), opened.shown
            )
        )
    return shown, damaged


def _chosen(vault: GroupVault, session: str | None, cycle: int) -> list[SealedItem]:
    """The cycle's items, and with the current cycle's the ground rules and parking lot that
    earlier cycles left (they stay the group's), shown first."""
    from plg_tui.vault.group import ALL_CYCLES

    items = sorted(vault.items(session=session, cycle=cycle), key=_order)
    if session is not None or cycle != vault.info().cycle:
        return items
    carried = [
        item
        for item in vault.items(cycle=ALL_CYCLES)
        if item.cycle < cycle and item.kind in CARRIED_KINDS
    ]
    return sorted(carried, key=lambda i: (i.cycle, _order(i))) + items


def _heading(item: SealedItem, cycle: int) -> str:
    if item.cycle != cycle:
        return f"Carried from cycle {item.cycle}"
    return _session_title(item.session)


def _grouped(shown: list[ShownItem]) -> list[tuple[str, str, list[ShownItem]]]:
    groups: list[tuple[str, str, list[ShownItem]]] = []
    for item in shown:
        session, kind = item.session, _kind_title(item.kind)
        if groups and groups[-1][0] == session and groups[-1][1] == kind:
            groups[-1][2].append(item)
        else:
            groups.append((session, kind, [item]))
    return groups


def _text(slug: str, shown: list[ShownItem]) -> str:
    lines: list[str] = []
    session_now = None
    for session, kind, items in _grouped(shown):
        if session != session_now:
            if lines:
                lines.append("")
            lines += [session, "=" * len(session)]
            session_now = session
        lines += ["", kind, "-" * len(kind)]
        for item in items:
            lines.append(printable(f"{item.author} · {item.created}"))
            lines += ["  " + line for line in printable_lines(item.text).split("\n")]
    return "\n".join(lines) + "\n"


def _markdown(slug: str, shown: list[ShownItem]) -> str:
    lines = [f"# Notes of {slug}"]
    session_now = None
    for session, kind, items in _grouped(shown):
        if session != session_now:
            lines += ["", f"## {session}"]
            session_now = session
        lines += ["", f"### {kind}"]
        for item in items:
            lines += ["", printable(f"**{item.author}** · {item.created}"), ""]
            lines += [printable_lines(item.text)]
    return "\n".join(lines) + "\n"
