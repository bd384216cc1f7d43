"""`plg group next`: the group goes on to its next cycle, a new module with the same people."""

from __future__ import annotations

import argparse
import random
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable

if TYPE_CHECKING:
    from plg_tui.core.cycles import NextCycle
    from plg_tui.vault.group import GroupVault

DATE = "YYYY-MM-DDTHH:MM"


def register(sub: Any) -> None:
    """Add `next` to `plg group`'s sub-commands."""
    nxt = sub.add_parser(
        "next",
        help="start the group's next cycle on a new module (operations key only)",
        description="Start the group's next cycle: a new module and new session dates, with "
        "the same roster, facilitator rotation, ground rules and parking lot; new partners "
        "avoid earlier pairs. Allowed once session 1 of the current cycle is held or past.",
    )
    nxt.add_argument("slug", help="the group's short name")
    nxt.add_argument("--module", required=True, help="the new module's id (see: plg modules list)")
    nxt.add_argument("--session1", required=True, metavar=DATE, help="session 1, group's time")
    nxt.add_argument("--session2", required=True, metavar=DATE, help="session 2, group's time")
    nxt.add_argument(
        "--trust", default="", metavar=DATE, help="a trust-building session (default: none)"
    )
    nxt.add_argument(
        "--allow-gap", action="store_true", help="accept sessions other than 3-4 weeks apart"
    )
    nxt.add_argument(
        "--allow-past", action="store_true", help="accept a session 1 that is already past"
    )
    nxt.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    nxt.add_argument(
        "--dry-run", action="store_true", help="show what would change; change nothing"
    )
    nxt.set_defaults(handler=cmd_next)


def _say(line: str) -> None:
    print(printable(line))


def cmd_next(args: argparse.Namespace) -> int:
    from plg_tui.core.cycles import NextCycleSpec, plan_next_cycle, start_next_cycle

    home = resolve_home(args.home)
    spec = NextCycleSpec(
        slug=args.slug,
        module_id=args.module,
        session1=args.session1,
        session2=args.session2,
        trust=args.trust,
        allow_gap=args.allow_gap,
        allow_past=args.allow_past,
    )
    plan = plan_next_cycle(home, spec, rng=random.Random(args.seed))
    for line in plan.warnings:
        print(f"plg: warning: {printable(line)}", file=sys.stderr)
    if args.dry_run:
        _say(f"dry run: nothing changed. '{args.slug}' would start cycle {plan.info.cycle}:")
    else:
        start_next_cycle(home, plan)
        _say(f"'{args.slug}' started cycle {plan.info.cycle}:")
    _describe(plan)
    return 0


def _describe(plan: NextCycle) -> None:
    info, previous = plan.info, plan.previous
    zone = info.timezone
    _say(f"  module {info.module} — {info.module_title}")
    _say(f"  (cycle {previous.cycle} was {previous.module}; sessions held there stay its own)")
    if info.trust:
        _say(f"  trust-building session {info.trust} ({zone})")
    _say(f"  session 1 {info.session1}, session 2 {info.session2} ({zone})")
    _say(f"  kept: {len(plan.members)} members, facilitator rotation, ground rules, parking lot")
    _say(
        f"  cycle {previous.cycle}'s notes and journal stay readable: plg notes "
        f"{info.slug} --cycle {previous.cycle}"
    )
    if plan.pairs:
        names = {m.email: m.name or m.email for m in plan.members}
        _say("  partners (change them at session 1 or with plg group pairs):")
        for group in plan.pairs:
            _say("    " + " + ".join(names.get(e, e) for e in group))
    _say("next:")
    _say(
        f"  the companion's next runs send cycle {info.cycle}'s invitations and, after "
        "session 1, its practice month:"
    )
    for line in _practice_month(plan):
        _say(f"    {line}")
    _say(f"  run the session app on the day: plg session {info.slug}")


def _practice_month(plan: NextCycle) -> list[str]:
    from plg_tui.core.groups import session_times

    s1, s2 = session_times(plan.info)
    first = (s1 + timedelta(days=1)).date()
    reminder = (s2 - timedelta(days=2)).date()
    return [
        "partner introductions about 2 hours after session 1",
        f"a weekly tip and journal prompt from {first:%a %d %b %Y}, at each member's local "
        "send hour (plg.toml; 09:00 by default), for up to 4 weeks",
        f"a reminder on {reminder:%a %d %b %Y} before session 2",
    ]


def cycle_lines(vault: GroupVault) -> list[str]:
    """`plg group show`'s lines on cycles: this one, the earlier modules, the next-topic votes.

    The votes are counts per module (the session app records them at session 2's close);
    the latest ones say what the group would like to do next.
    """
    from plg_tui.vault.cycles import earlier_cycles

    info = vault.info()
    history = earlier_cycles(vault)
    earlier = ", ".join(f"{c.cycle} {c.module}" for c in history)
    lines = [f"cycle     {info.cycle}" + (f" (earlier: {earlier})" if earlier else "")]
    tallies = [(c.cycle, c.next_topic_votes) for c in history[-1:]]
    tallies.append((info.cycle, info.next_topic_votes))
    for cycle, votes in tallies:
        if votes:
            ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
            counted = ", ".join(f"{module} {count}" for module, count in ranked)
            lines.append(f"vote      next topic, at session 2 of cycle {cycle}: {counted}")
    return lines
