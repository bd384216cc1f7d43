"""Turning a member's emails back on after they replied STOP (or used the unsubscribe address).

The opt-out lives in the group's ledger (`MemberDelivery.opted_out`), written by the ingester
under the ledger lock; resuming clears it under the same lock. What was skipped while the
member had stopped stays skipped (the ledger holds those keys as done); only what is still
ahead is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from companion.outbound.ledger import Ledger
from companion.outbound.ledger_records import MessageState
from companion.outbound.plan import load_group, plan_group
from companion.outbound.schedule import PlannedMessage, ScheduleSettings
from plg_tui.core.groups import GroupError


@dataclass(frozen=True)
class Resumption:
    email: str
    name: str
    was_stopped: bool
    stopped_at: str  # ISO, "" when unknown
    skipped_while_stopped: int
    ahead: list[PlannedMessage]  # what the companion sends from its next run on
    bouncing: bool  # the address also bounced: nothing goes out until that is fixed


def resume_emails(
    home: Path,
    slug: str,
    email: str,
    now: datetime,
    schedule: ScheduleSettings,
    *,
    dry_run: bool = False,
) -> Resumption:
    """Clear the member's STOP (unless `dry_run`); GroupError when they are not a member."""
    group = load_group(home, slug)
    wanted = email.strip().lower()
    member = group.members.get(wanted)
    if member is None:
        raise GroupError(
            f"{email!r} is not a member of '{slug}' (see: plg group show {slug}); nothing changed"
        )
    planned = [m for m in plan_group(group, schedule) if m.member == wanted]
    with Ledger.locked(home, group.keys) as ledger:
        state = ledger.member(wanted)
        done = {k for k, r in ledger.messages.items() if r.state != MessageState.DEFERRED}
        skipped = sum(
            1
            for r in ledger.messages.values()
            if r.member == wanted and r.state == MessageState.SKIPPED and r.error == "opted out"
        )
        if state.opted_out and not dry_run:
            at = now.astimezone(UTC).isoformat(timespec="seconds")
            ledger.set_member(wanted, at=at, opted_out=False, resumed_at=at)
            ledger.save()
    ahead = [m for m in planned if m.key not in done and m.expires_at > now]
    return Resumption(
        email=wanted,
        name=member.shown_name,
        was_stopped=state.opted_out,
        stopped_at=state.opted_out_at,
        skipped_while_stopped=skipped,
        ahead=ahead,
        bouncing=state.bouncing,
    )
