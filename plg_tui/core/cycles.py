"""A group's next cycle: a new module with the same people (operations key only, no Textual).

`plan_next_cycle` checks everything and says what would change without writing; `start_next_cycle`
writes it in one step. Roster, facilitator rotation, pair history, ground rules and parking lot
stay where they are (they are the group's, not a cycle's); the new cycle gets fresh session
records, partners that avoid earlier pairs, and its own ledger keys in the companion.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from plg_tui.core.group_lifecycle import ended_problem
from plg_tui.core.groups import (
    GroupError,
    date_problems,
    open_for_operations,
    parse_local,
    session_times,
)
from plg_tui.core.membership import iso_utc, size_note
from plg_tui.core.pairing import MAX_MEMBERS, MIN_MEMBERS, count_repeats, suggest_pairs
from plg_tui.vault.cycle_record import CycleRecord
from plg_tui.vault.cycles import earlier_cycles, start_cycle
from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import GroupInfo, Member


class CycleError(GroupError):
    """Why the next cycle cannot start; every problem on its own line, nothing changed."""


@dataclass(frozen=True)
class NextCycleSpec:
    """`plg group next`'s options as given."""

    slug: str
    module_id: str
    session1: str
    session2: str
    trust: str = ""
    allow_gap: bool = False
    allow_past: bool = False


@dataclass(frozen=True)
class NextCycle:
    """What `plg group next` does (or, with --dry-run, would do)."""

    previous: GroupInfo
    info: GroupInfo  # the new cycle's group record
    members: list[Member]
    pairs: list[list[str]] | None  # the new cycle's suggested partners; None: too few members
    repeated_pairs: int  # member pairs in `pairs` that were partners in an earlier cycle
    history: list[CycleRecord]  # the cycles before `previous`
    warnings: list[str]

    @property
    def done_modules(self) -> list[str]:
        return [c.module for c in self.history] + [self.previous.module]


def next_cycle_opens(info: GroupInfo) -> datetime:
    """From when `plg group next` is allowed, unless session 1 was held earlier (aware)."""
    return session_times(info)[0]


def _timing_problem(info: GroupInfo, now: datetime) -> str | None:
    if info.session1_held:
        return None
    opens = next_cycle_opens(info)
    if now >= opens:
        return None
    return (
        f"cycle {info.cycle} ({info.module}) has not met yet: the next cycle can start once its "
        f"session 1 is held or from {info.session1} ({info.timezone}) on; to change this "
        "cycle's module or dates instead, reschedule it or end the group and create a new one"
    )


def _trust_problem(spec: NextCycleSpec, timezone: str, now: datetime) -> str | None:
    if not spec.trust:
        return None
    try:
        trust = parse_local(spec.trust, timezone, "--trust")
        first = parse_local(spec.session1, timezone, "--session1")
    except GroupError as err:
        return str(err)
    if trust >= first:
        return f"--trust {spec.trust} must be before --session1 {spec.session1}"
    if not spec.allow_past and trust < now:
        return f"--trust {spec.trust} ({timezone}) is in the past (add --allow-past to accept it)"
    return None


def _new_pairs(
    members: list[Member], vault: GroupVault, rng: random.Random
) -> tuple[list[list[str]] | None, int]:
    emails = [m.email for m in members]
    if not MIN_MEMBERS <= len(emails) <= MAX_MEMBERS:
        return None, 0
    history = [group for record in vault.pairings() for group in record.groups]
    pairs = [list(g) for g in suggest_pairs(emails, history, rng)]
    return pairs, count_repeats(pairs, history)


def plan_next_cycle(
    home: Path,
    spec: NextCycleSpec,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> NextCycle:
    """Check `spec` against the group and say what would change; writes nothing."""
    from plg_tui.core.module_model import ModuleError
    from plg_tui.core.modules import UnknownModuleError, load_module

    now = now or datetime.now(UTC)
    vault = open_for_operations(home, spec.slug)
    try:
        info = vault.info()
        members = vault.members()
        history = earlier_cycles(vault)
        timing = ended_problem(info) or _timing_problem(info, now)
        if timing:
            raise CycleError(timing)
        problems: list[str] = []
        title = ""
        try:
            title = load_module(spec.module_id, home).title
        except UnknownModuleError as err:
            problems.append(f"--module: {err}")
        except ModuleError as err:
            problems.append(str(err))
        problems += date_problems(
            spec.session1,
            spec.session2,
            info.timezone,
            allow_gap=spec.allow_gap,
            allow_past=spec.allow_past,
            now=now,
        )
        trust = _trust_problem(spec, info.timezone, now)
        if trust:
            problems.append(trust)
        if problems:
            raise CycleError("\n".join(problems))
        pairs, repeats = _new_pairs(members, vault, rng or random.Random())
    finally:
        vault.close()
    new_info = replace(
        info,
        module=spec.module_id,
        module_title=title,
        session1=spec.session1,
        session2=spec.session2,
        trust=spec.trust,
        session1_held=False,
        session2_held=False,
        trust_held=False,
        module_rating=None,
        next_topic_votes=None,
        cycle=info.cycle + 1,
        cycle_started=iso_utc(now),
        invitation_sequences=None,  # the new cycle's sessions are new calendar events
    )
    plan = NextCycle(info, new_info, members, pairs, repeats, history, [])
    return replace(plan, warnings=_warnings(plan, now))


def _warnings(plan: NextCycle, now: datetime) -> list[str]:
    warnings: list[str] = []
    module = plan.info.module
    done = plan.done_modules
    if module in done:
        cycles = [str(i) for i, m in enumerate(done, start=1) if m == module]
        warnings.append(
            f"module {module} was already the group's module in cycle {', '.join(cycles)}; "
            "the group repeats it"
        )
    votes = plan.previous.next_topic_votes or {}
    if votes:
        top = max(votes.values())
        winners = sorted(m for m, v in votes.items() if v == top)
        if module not in winners:
            warnings.append(
                f"the group's session-2 vote favoured {' or '.join(winners)} ({top} votes)"
            )
    previous = plan.previous
    if not previous.session2_held and now < session_times(previous)[1]:
        warnings.append(
            f"session 2 of cycle {previous.cycle} ({previous.session2}) was not held yet: it is "
            "dropped, with its reminder and the rest of its practice month; the companion "
            "cancels its calendar invitation for every member who was sent it"
        )
    if previous.trust and not previous.trust_held:
        trust = parse_local(previous.trust, previous.timezone, "trust")
        if now < trust:
            warnings.append(
                f"the trust-building session of cycle {previous.cycle} ({previous.trust}) was "
                "not held yet: it is dropped; the companion cancels its calendar invitation "
                "for every member who was sent it"
            )
    flag = size_note(len(plan.members))
    if flag:
        warnings.append(flag)
    if plan.pairs is None:
        warnings.append("too few members to pair: no practice partners this cycle")
    elif plan.repeated_pairs:
        warnings.append(
            f"{plan.repeated_pairs} partner pair(s) repeat an earlier cycle (no pairing avoids "
            "every earlier pair); change them with plg group pairs"
        )
    return warnings


def start_next_cycle(home: Path, plan: NextCycle) -> None:
    """Write the planned cycle: the old one becomes history, in one write of group.db."""
    vault = open_for_operations(home, plan.info.slug)
    try:
        if vault.info().cycle != plan.previous.cycle:
            raise CycleError(
                f"'{plan.info.slug}' changed while this ran (now cycle {vault.info().cycle}); "
                "nothing was written, run the command again"
            )
        start_cycle(vault, plan.info, plan.pairs)
    finally:
        vault.close()
