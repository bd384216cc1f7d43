"""Calendar emails: an invitation per member per dated session, updates, cancellations.

An invitation is due on the first run after its session's date (or revision) was set, held
only by the member's quiet hours, and stale once the session begins. Moving a session gives
it a higher SEQUENCE and so a new message key: the update is sent once, like everything
else. When the group ends, or a member is removed, every member who was sent an invitation
for a session still ahead gets a CANCEL for it; so does everyone invited to an earlier cycle's
session that the next cycle dropped (`plg group next` before it was held).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from companion.outbound.calendar_invite import (
    CalendarMethod,
    SessionEvent,
    session_calendar,
    session_uid,
)
from companion.outbound.compose import WireMessage, build_wire, first_name, render, render_subject
from companion.outbound.ledger_records import LedgerMessage, MessageState
from companion.outbound.local_time import local_datetime_text
from companion.outbound.plan import GroupContext
from companion.outbound.quiet_hours import out_of_quiet_hours
from companion.outbound.schedule import PlannedMessage, ScheduleSettings
from companion.settings import EmailSettings
from companion.tokens import reply_until
from plg_tui.core.session_dates import DatedSession, dated_sessions, dropped_sessions
from plg_tui.vault.records import Member
from plg_tui.vocabulary import SessionKind

INVITATION, CANCELLATION = "invitation", "cancellation"
# what a sent (or possibly sent) invitation leaves in a member's calendar
_DELIVERED = (MessageState.SENT, MessageState.SENDING)


def session_ref(session: DatedSession) -> str:
    return f"c{session.cycle}-{session.kind}"


def invitation(session: DatedSession, email: str, send_at: datetime) -> PlannedMessage:
    """The REQUEST for `session` to `email` (its current revision), kept until it begins."""
    begins = session.start.astimezone(UTC)
    return PlannedMessage(
        email, INVITATION, 0, send_at, begins, session_ref(session), session.sequence
    )


def _dropped(group: GroupContext) -> list[DatedSession]:
    return [s for c in group.earlier for s in dropped_sessions(c, group.info.timezone)]


def _session_of(group: GroupContext, ref: str) -> DatedSession:
    for session in dated_sessions(group.info) + _dropped(group):
        if session_ref(session) == ref:
            return session
    raise ValueError(f"no session {ref} in this group")


def _module_title(group: GroupContext, cycle: int) -> str:
    for record in group.earlier:
        if record.cycle == cycle and record.cycle != group.info.cycle:
            return record.module_title or record.module
    return group.module.title


def _last_invited_sequence(ledger: Mapping[str, LedgerMessage], ref: str) -> int:
    """The highest SEQUENCE an invitation to the session went out with (-1: none). A member
    still invited holds no cancellation above it, so one more tops what their calendar has."""
    prefix, found = f"{INVITATION}:{ref}.", -1
    for key, record in ledger.items():
        if key.startswith(prefix) and record.state in _DELIVERED:
            found = max(found, int(key[len(prefix) :].split(":", 1)[0]))
    return found


def _still_invited(ledger: Mapping[str, LedgerMessage], ref: str) -> set[str]:
    """Members whose calendar holds the session: an invitation reached them after (a higher
    SEQUENCE than) any cancellation did."""
    latest: dict[tuple[str, str], int] = {}
    for kind in (INVITATION, CANCELLATION):
        prefix = f"{kind}:{ref}."
        for key, record in ledger.items():
            if key.startswith(prefix) and record.state in _DELIVERED:
                sequence = int(key[len(prefix) :].split(":", 1)[0])
                slot = (kind, record.member.lower())
                latest[slot] = max(latest.get(slot, -1), sequence)
    return {
        member
        for kind, member in latest
        if kind == INVITATION and latest[(kind, member)] >= latest.get((CANCELLATION, member), -1)
    }


def plan_invitations(
    group: GroupContext,
    schedule: ScheduleSettings,
    now: datetime,
    ledger: Mapping[str, LedgerMessage],
) -> list[PlannedMessage]:
    """Every calendar email that may go out at `now` or later; the ledger drops the done."""
    planned: list[PlannedMessage] = []
    ahead = [s for s in dated_sessions(group.info) if not s.held and s.start > now]
    current = set(group.members)
    cancel_for = [e for e in group.withdrawn if e not in current]
    if group.info.ended:
        cancel_for = sorted(current | set(cancel_for))
    for session in ahead:
        ref, begins = session_ref(session), session.start.astimezone(UTC)
        if not group.info.ended:
            for email in group.members:
                send_at = _send_at(group, email, now, schedule)
                planned.append(invitation(session, email, send_at))
        invited = _still_invited(ledger, ref)
        for email in cancel_for:
            if email in invited:
                send_at = _send_at(group, email, now, schedule)
                planned.append(
                    PlannedMessage(
                        email, CANCELLATION, 0, send_at, begins, ref, session.sequence + 1
                    )
                )
    return planned + _plan_dropped(group, schedule, now, ledger)


def _plan_dropped(
    group: GroupContext,
    schedule: ScheduleSettings,
    now: datetime,
    ledger: Mapping[str, LedgerMessage],
) -> list[PlannedMessage]:
    """A CANCEL for each earlier cycle's session still ahead and never held, to everyone whose
    calendar holds it. Its SEQUENCE tops the last one sent, which settles once the ledger has
    the cancellation too: the key is stable, so it goes out once."""
    planned: list[PlannedMessage] = []
    for session in _dropped(group):
        if session.start <= now:
            continue
        ref = session_ref(session)
        invited = _still_invited(ledger, ref)
        if not invited:
            continue
        sequence = _last_invited_sequence(ledger, ref) + 1
        begins = session.start.astimezone(UTC)
        for email in sorted(invited):
            if email in group.members or email in group.withdrawn:
                send_at = _send_at(group, email, now, schedule)
                planned.append(
                    PlannedMessage(email, CANCELLATION, 0, send_at, begins, ref, sequence)
                )
    return planned


def _recipient(group: GroupContext, email: str) -> Member:
    return group.members.get(email) or group.withdrawn[email]


def _zone_name(group: GroupContext, email: str) -> str:
    return _recipient(group, email).timezone or group.info.timezone


def _send_at(
    group: GroupContext, email: str, now: datetime, schedule: ScheduleSettings
) -> datetime:
    # weekends do not hold an invitation back; only the member's quiet hours do
    return out_of_quiet_hours(now, ZoneInfo(_zone_name(group, email)), schedule)


def _label(kind: SessionKind) -> str:
    return "trust-building session" if kind is SessionKind.TRUST else f"session {kind}"


def invitation_context(group: GroupContext, planned: PlannedMessage) -> dict[str, Any]:
    session = _session_of(group, planned.session)
    member = _recipient(group, planned.member)
    zone = _zone_name(group, planned.member)
    local = session.start.astimezone(ZoneInfo(zone))
    return {
        "first_name": first_name(member.name or planned.member),
        "module_title": _module_title(group, session.cycle),
        "session_label": _label(session.kind),
        "when_local": local_datetime_text(session.start, zone),
        "when_short": f"{local:%a} {local.day} {local:%b}, {local:%H:%M}",
        "call_link": group.call_link,
        "updated": planned.sequence > 0,
        "ended": bool(group.info.ended),
        "dropped": session.cycle != group.info.cycle,
    }


def compose_calendar_wire(
    group: GroupContext,
    email: EmailSettings,
    planned: PlannedMessage,
    *,
    message_id: str,
    now: datetime,
) -> WireMessage:
    """One member's invitation or cancellation, with the VCALENDAR as an alternative part."""
    session = _session_of(group, planned.session)
    member = _recipient(group, planned.member)
    context = invitation_context(group, planned)
    method = CalendarMethod.REQUEST if planned.kind == INVITATION else CalendarMethod.CANCEL
    organizer_name, organizer_email = parseaddr(email.from_addr)
    event = SessionEvent(
        uid=session_uid(group.keys.group_id, session.cycle, str(session.kind), email.from_domain),
        sequence=planned.sequence,
        title=f"{_module_title(group, session.cycle)}: {_label(session.kind)}",
        start=session.start,
        call_link=group.call_link,
        organizer_name=organizer_name,
        organizer_email=organizer_email,
        attendee_name=member.name,
        attendee_email=planned.member,
        description=_description(session, group.call_link),
    )
    text, html = render(planned.kind, **context)
    return build_wire(
        email=email,
        keys=group.keys,
        to_name=member.name,
        to_addr=planned.member,
        week=0,
        reply_until=reply_until(group.session2, email.reply_days),
        subject=render_subject(planned.kind, **context),
        text=text,
        html=html or None,
        message_id=message_id,
        date=now,
        calendar=(str(method), session_calendar(event, method, now)),
        reply_token=False,  # a reply to an invitation is a calendar response, not a journal
    )


def _description(session: DatedSession, call_link: str) -> str:
    text = f"{_label(session.kind).capitalize()} of your peer learning group (90 minutes)."
    return text + (f"\nJoin: {call_link}" if call_link else "")
