"""Every message of a group in one plan: the practice month and the calendar emails.

Callers plan, describe and compose through here, so a run, `--dry-run` and `status` see
the same messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from companion.outbound.compose import WireMessage, render_subject
from companion.outbound.invitations import (
    compose_calendar_wire,
    invitation_context,
    plan_invitations,
)
from companion.outbound.ledger_records import LedgerMessage
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
    return plan_invitations(group, schedule, now, ledger) + plan_group(group, schedule)


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
