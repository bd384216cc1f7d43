"""The group as the outbound companion sees it: its practice-month plan and each message's text.

`load_group` reads what sending needs from group.db once per run; `plan_group` lists every
message of the practice month; `compose_wire` renders one planned message exactly as it goes
to the SMTP server. Nothing here touches the ledger or the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from companion.outbound.compose import (
    WireMessage,
    build_wire,
    first_name,
    random_message_id,
    render,
    render_subject,
)
from companion.outbound.cycle_dates import held_start, joined_in_cycle
from companion.outbound.introduction import (
    introduction_context,
    introduction_message_id,
    names_text,
)
from companion.outbound.local_time import local_datetime_text
from companion.outbound.schedule import (
    PARTNER_CHECK_TOKEN_WEEK,
    WEEKS_IN_PRACTICE_MONTH,
    PlannedMessage,
    Recipient,
    ScheduleSettings,
    plan,
)
from companion.outbound.tip_title import tip_title
from companion.settings import EmailSettings
from companion.tokens import reply_until
from plg_tui.core.groups import GroupError, open_for_operations, session_times
from plg_tui.core.module_model import Module
from plg_tui.core.modules import load_module
from plg_tui.core.roster import has_control_chars
from plg_tui.vault.cycle_record import CycleRecord
from plg_tui.vault.cycles import earlier_cycles
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.invitees import withdrawn_invitees
from plg_tui.vault.records import GroupInfo, Member


@dataclass
class GroupContext:
    slug: str
    keys: GroupKeys
    info: GroupInfo
    members: dict[str, Member]  # lower-cased email -> member record
    pairs: list[list[str]] | None
    module: Module
    session1: datetime  # aware, group time zone
    session2: datetime
    # removed members who may hold invitations to cancel (lower-cased email -> record)
    withdrawn: dict[str, Member] = field(default_factory=dict)
    # the cycles before this one: sessions they dropped may still sit in members' calendars
    earlier: list[CycleRecord] = field(default_factory=list)
    _partner_index: dict[str, list[str]] | None = field(default=None, repr=False)

    def timezone_of(self, email: str) -> str:
        return self.members[email].timezone or self.info.timezone

    def recipients(self) -> list[Recipient]:
        return [
            Recipient(email, self.timezone_of(email), joined_in_cycle(member, self.info))
            for email, member in self.members.items()
        ]

    def partners_of(self, email: str) -> list[dict[str, str]]:
        if self._partner_index is None:
            self._partner_index = {m: group for group in self.pairs or [] for m in group}
        group = self._partner_index.get(email, [])
        return [
            {
                "email": other,
                "name": self._name_of(other),
                "first_name": first_name(self._name_of(other)),
            }
            for other in group
            if other != email
        ]

    def _name_of(self, email: str) -> str:
        member = self.members.get(email)
        return (member.name if member else "") or email

    @property
    def call_link(self) -> str:
        return stored_call_link(self.slug, self.info)


def stored_call_link(slug: str, info: GroupInfo) -> str:
    """The group's web call link, or ""; refused when it could add lines to what is sent.

    `plg group create` refuses such a link; this is for a group.db written some other way.
    """
    link = info.call_link.strip()
    if has_control_chars(link):
        raise GroupError(
            f"groups/{slug}/group.db: the call link contains a line break or control "
            "character; nothing is sent for this group until it is fixed"
        )
    return link if link.startswith(("https://", "http://")) else ""


def load_group(home: Path, slug: str, modules: dict[str, Module] | None = None) -> GroupContext:
    vault = open_for_operations(home, slug)
    try:
        info = vault.info()
        members = {m.email.lower(): m for m in vault.members()}
        pairs = vault.current_pairs()
        pairings = vault.pairings()
        withdrawn = {m.email.lower(): m for m in withdrawn_invitees(vault)}
        earlier = earlier_cycles(vault)
    finally:
        vault.close()
    stored_call_link(slug, info)  # before anything is planned or composed
    modules = {} if modules is None else modules
    module = modules.get(info.module)
    if module is None:
        module = modules[info.module] = load_module(info.module, home)
    session1, session2 = session_times(info)
    session1 = held_start(info, pairings, session1)
    pairs = [[e.lower() for e in g] for g in pairs] if pairs else None
    return GroupContext(
        slug, vault.keys, info, members, pairs, module, session1, session2, withdrawn, earlier
    )


def plan_group(group: GroupContext, schedule: ScheduleSettings) -> list[PlannedMessage]:
    """The practice month; nothing once the group ended (invitations are planned apart)."""
    if group.info.ended:
        return []
    return plan(group.session1, group.session2, group.recipients(), schedule, group.info.cycle)


# -- composing -------------------------------------------------------------------------------


def new_message_id(group: GroupContext, email: EmailSettings, planned: PlannedMessage) -> str:
    if planned.kind == "pairing" and group.partners_of(planned.member):
        # one message to the pair: every partner's copy carries the same Message-ID
        return introduction_message_id(
            group.keys, planned.cycle, _pair(group, planned.member), email.from_domain
        )
    # Random: the ledger keeps it (retries reuse it), and it must say nothing about the member.
    return random_message_id(email.from_domain)


def _pair(group: GroupContext, member: str) -> list[str]:
    return [member, *(p["email"] for p in group.partners_of(member))]


def message_context(group: GroupContext, planned: PlannedMessage) -> dict[str, Any]:
    member = group.members[planned.member]
    timezone = group.timezone_of(planned.member)
    weeks = group.module.weeks
    week_index = min(max(planned.week, 1), len(weeks)) - 1
    session2_local = local_datetime_text(group.session2, timezone)
    partners = group.partners_of(planned.member)
    s2 = group.session2.astimezone(ZoneInfo(timezone))
    return {
        "weekly_starts": _weekly_starts(group, planned, timezone),
        "first_name": first_name(member.name or planned.member),
        "module_title": group.module.title,
        "week": planned.week,
        "weeks_total": WEEKS_IN_PRACTICE_MONTH,
        "tip": weeks[week_index].tip,
        "tip_title": tip_title(weeks[week_index]),
        "prompt": weeks[week_index].prompt,
        "checkin": weeks[week_index].checkin,
        "partners": partners,
        "partner_names": names_text([p["first_name"] for p in partners]),
        "session2_local": session2_local,
        "session2_short": f"{s2:%a} {s2.day} {s2:%b}, {s2:%H:%M}",
        "call_link": group.call_link,
        "reflection_questions": list(group.module.reflection_questions),
        **(_welcome_context(group, planned, timezone) if planned.kind == "welcome" else {}),
        **(_introduction(group, planned) if planned.kind == "pairing" else {}),
    }


def _introduction(group: GroupContext, planned: PlannedMessage) -> dict[str, Any]:
    pair = _pair(group, planned.member)
    if len(pair) < 2:
        return {}
    partners = [(e, group.members[e].name, group.timezone_of(e)) for e in pair]
    return introduction_context(partners, planned.send_at)


def _welcome_context(group: GroupContext, planned: PlannedMessage, timezone: str) -> dict[str, Any]:
    """Who the group is (first names only) and its next session, for a newcomer's welcome."""
    others = [first_name(m.name or e) for e, m in group.members.items() if e != planned.member]
    upcoming = ""
    if not group.info.session1_held and planned.send_at < group.session1:
        upcoming = f"Session 1 is on {local_datetime_text(group.session1, timezone)}."
    elif not group.info.session2_held and planned.send_at < group.session2:
        upcoming = f"Session 2 is on {local_datetime_text(group.session2, timezone)}."
    return {
        "group_first_names": others,
        "next_session": upcoming,
        "in_practice_month": planned.send_at >= group.session1 or group.info.session1_held,
    }


def _weekly_starts(group: GroupContext, planned: PlannedMessage, timezone: str) -> str:
    """When week 1's email arrives, as the member reads it on the day of `planned`."""
    zone = ZoneInfo(timezone)
    first = group.session1.astimezone(zone).date() + timedelta(days=1)
    today = planned.send_at.astimezone(zone).date()
    days = (first - today).days
    if days <= 0:
        return "later today"
    if days == 1:
        return "tomorrow morning"
    return f"on {first:%A} {first.day} {first:%B}"


def compose_wire(
    group: GroupContext,
    email: EmailSettings,
    planned: PlannedMessage,
    *,
    message_id: str,
    now: datetime,
) -> WireMessage:
    """The planned message exactly as it goes to the SMTP server."""
    context = message_context(group, planned)
    text, html = render(planned.kind, **context)
    introduction = planned.kind == "pairing" and "everyone" in context
    return build_wire(
        email=email,
        keys=group.keys,
        to_name=group.members[planned.member].name,
        to_addr=planned.member,
        week=PARTNER_CHECK_TOKEN_WEEK if planned.kind == "partner_check" else planned.week,
        reply_until=reply_until(group.session2, email.reply_days),
        subject=render_subject(planned.kind, **context),
        text=text,
        html=html or None,
        message_id=message_id,
        date=now,
        # the introduction is one email to the pair: all of them in To, replies to each other
        reply_token=not introduction,
        to_all=[(p["name"], p["email"]) for p in context["everyone"]] if introduction else (),
        reply_to=[(p["name"], p["email"]) for p in context["partners"]] if introduction else (),
    )


def compose(
    group: GroupContext,
    email: EmailSettings,
    planned: PlannedMessage,
    *,
    message_id: str,
    now: datetime,
) -> EmailMessage:
    return compose_wire(group, email, planned, message_id=message_id, now=now).as_email()
