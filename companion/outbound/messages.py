"""Every message of a group in one plan: the practice month and the calendar emails.

Callers plan, describe and compose through here, so a run, `--dry-run` and `status` see
the same messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from companion.outbound.compose import WireMessage, render_subject
from companion.outbound.cycle_dates import joined_in_cycle
from companion.outbound.introduction import pair_ref
from companion.outbound.invitations import (
    compose_calendar_wire,
    invitation_context,
    plan_invitations,
)
from companion.outbound.ledger_records import LedgerMessage, MessageState
from companion.outbound.plan import GroupContext, compose_wire, message_context, plan_group
from companion.outbound.quiet_hours import out_of_quiet_hours
from companion.outbound.schedule import CALENDAR_KINDS, PlannedMessage, ScheduleSettings
from companion.settings import EmailSettings


def plan_messages(
    group: GroupContext,
    schedule: ScheduleSettings,
    now: datetime,
    ledger: Mapping[str, LedgerMessage],
) -> list[PlannedMessage]:
    """What the group's members get: calendar emails first, then the practice month."""
    month = plan_group(group, schedule)
    return (
        plan_invitations(group, schedule, now, ledger)
        + month
        + introductions_to_newcomers(group, schedule, month, ledger)
    )


def introductions_to_newcomers(
    group: GroupContext,
    schedule: ScheduleSettings,
    month: list[PlannedMessage],
    ledger: Mapping[str, LedgerMessage],
) -> list[PlannedMessage]:
    """The introduction again for a member someone joined after they had theirs.

    The newcomer's own copy is their planned pairing; each partner who already had an
    introduction gets one more copy of the new pairing's (its Message-ID is the new pair's),
    from the newcomer's arrival at the partner's allowed hour, once (its key names the pair).
    A pair that only lost someone introduces nobody new, so nobody hears again.
    """
    extra: list[PlannedMessage] = []
    for planned in month:
        if planned.kind != "pairing" or planned.pair_ref:
            continue
        introduced = _last_introduced(ledger, planned)
        partners = [p["email"] for p in group.partners_of(planned.member)]
        arrivals = [
            joined
            for partner in partners
            if introduced is not None and partner in group.members
            for joined in [joined_in_cycle(group.members[partner], group.info)]
            if joined is not None and joined > introduced
        ]
        if not arrivals:
            continue
        zone = ZoneInfo(group.timezone_of(planned.member))
        send_at = max(planned.send_at, out_of_quiet_hours(max(arrivals), zone, schedule))
        if send_at < planned.expires_at:
            ref = pair_ref(group.keys, planned.cycle, [planned.member, *partners])
            extra.append(replace(planned, send_at=send_at, pair_ref=ref))
    return extra


def _last_introduced(
    ledger: Mapping[str, LedgerMessage], planned: PlannedMessage
) -> datetime | None:
    """When the member's latest introduction of this cycle went (or was given up); None if
    none did yet. A deferred one is still to go, with the pairs as they are then."""
    times = []
    for record in ledger.values():
        if (
            record.kind == "pairing"
            and record.member == planned.member
            and record.cycle == planned.cycle
            and record.state != MessageState.DEFERRED
        ):
            try:
                times.append(datetime.fromisoformat(record.sent_at or record.updated))
            except ValueError:
                continue
    aware = [t for t in times if t.tzinfo is not None]
    return max(aware) if aware else None


def compose_message(
    group: GroupContext,
    email: EmailSettings,
    planned: PlannedMessage,
    *,
    message_id: str,
    now: datetime,
) -> WireMessage:
    if planned.kind in CALENDAR_KINDS:
        return compose_calendar_wire(group, email, planned, message_id=message_id, now=now)
    return compose_wire(group, email, planned, message_id=message_id, now=now)


def recipient_timezone(group: GroupContext, email: str) -> str:
    """A member's time zone; for someone who left and is owed a cancellation, theirs then."""
    member = group.members.get(email) or group.withdrawn.get(email)
    return (member.timezone if member else "") or group.info.timezone


def quiet_hours_hold(
    group: GroupContext, schedule: ScheduleSettings, now: datetime
) -> Callable[[PlannedMessage], datetime]:
    """For `partition`: when each message may go at the earliest, from `now`, by its
    recipient's quiet hours."""
    return lambda planned: out_of_quiet_hours(
        now, ZoneInfo(recipient_timezone(group, planned.member)), schedule
    )


def subject_of(group: GroupContext, planned: PlannedMessage) -> str:
    if planned.kind in CALENDAR_KINDS:
        return render_subject(planned.kind, **invitation_context(group, planned))
    return render_subject(planned.kind, **message_context(group, planned))
