"""Reading one group's files into a `GroupReport`, with the operations key only.

From group.db: dates, stage, roster, session attendance and facilitators, the anonymous
rating tally and votes. From the companion's ledger: delivery counts. From the inbox: each
entry's member and week (its metadata, under the operations key), never its sealed text.
The ledger belongs to the companion, which already builds on plg_tui; reading it through the
companion's own `Ledger` (read-only, replaying its hand-over log) keeps one reader of that
file format instead of two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from companion.outbound.ledger import Ledger
from companion.outbound.ledger_records import MessageState, PartnerCheckAnswer
from companion.outbound.schedule import WEEKS_IN_PRACTICE_MONTH
from plg_tui.core.groups import GroupError, describe, open_for_operations
from plg_tui.core.home import group_slugs, misnamed_group_folders
from plg_tui.core.report import (
    Delivery,
    GroupReport,
    Participation,
    ProgrammeReport,
    Rating,
    SessionAttendance,
    UnreadableGroup,
    sorted_votes,
)
from plg_tui.core.session_dates import held as session_held
from plg_tui.core.session_dates import stored_date
from plg_tui.vault.cycles import earlier_cycles
from plg_tui.vault.errors import VaultError
from plg_tui.vault.group import GroupVault, iter_entries
from plg_tui.vault.paths import INBOX
from plg_tui.vault.records import GroupInfo, Member, cycle_of, entry_member
from plg_tui.vocabulary import SessionKind

# Notices answer one member's reply (acknowledgement, STOP confirmation): not practice mail.
_NOTICE_KINDS = frozenset({"ack", "no_text", "stop_confirm", "start_confirm", "intro_hint"})


def _session(
    vault: GroupVault, info: GroupInfo, members: Sequence[Member], kind: SessionKind, names: bool
) -> SessionAttendance | None:
    state = vault.session_state(kind) or {}
    held = session_held(info, kind)
    if kind is SessionKind.TRUST and not held and not state and not info.trust:
        return None  # the trust-building session is optional: absent unless planned or held
    roster = {m.email: m.shown_name for m in members}
    raw_present = state.get("present")
    present: list[str] | None = None
    if isinstance(raw_present, Mapping) and (held or any(raw_present.values())):
        present = [email for email in roster if raw_present.get(email)]
    facilitator = state.get("facilitator") if state.get("facilitation_recorded") else None
    return SessionAttendance(
        kind=str(kind),
        label=kind.label,
        planned=stored_date(info, kind),
        held=held,
        roster=len(members),
        present=None if present is None else len(present),
        present_names=tuple(roster[e] for e in present or ()) if names else (),
        facilitator=roster.get(str(facilitator), "") if names and facilitator else "",
    )


def _facilitators(vault: GroupVault) -> tuple[int, int]:
    """(sessions with a recorded facilitator, distinct members among them)."""
    who = []
    for kind in SessionKind:
        state = vault.session_state(kind) or {}
        if state.get("facilitation_recorded") and state.get("facilitator"):
            who.append(str(state["facilitator"]))
    return len(who), len(set(who))


def _delivery(home: Path, vault: GroupVault, members: Sequence[Member], cycle: int = 1) -> Delivery:
    ledger_file = vault.files.ledger_db
    if not ledger_file.exists():
        return Delivery()
    ledger = Ledger.read_only(home, vault.keys)
    counted: dict[MessageState, int] = dict.fromkeys(MessageState, 0)
    checks: list[str] = []  # the partner check's answers ("" for none), one per member asked
    for record in ledger.messages.values():
        if record.cycle != cycle:
            continue  # an earlier cycle's practice month
        if record.kind == "partner_check" and record.state == MessageState.SENT:
            checks.append(record.answer)
        if record.kind not in _NOTICE_KINDS and not record.key.startswith("ack"):
            counted[record.state] += 1
    roster = {m.email for m in members}
    states = [s for s in ledger.members.values() if s.email in roster]
    return Delivery(
        sent=counted[MessageState.SENT],
        failed=counted[MessageState.FAILED],
        uncertain=counted[MessageState.SENDING],
        bounced=sum(1 for s in states if s.bouncing),
        opted_out=sum(1 for s in states if s.opted_out),
        companion_ran=True,
        partner_check_asked=len(checks),
        partners_met=checks.count(PartnerCheckAnswer.MET),
        partners_not_yet=checks.count(PartnerCheckAnswer.NOT_YET),
    )


def _participation(
    home: Path, vault: GroupVault, members: Sequence[Member], cycle: int = 1
) -> Participation:
    roster = {m.email for m in members}
    weeks: dict[int, set[str]] = {}
    replied: set[str] = set()
    for meta in iter_entries(home, vault.keys, INBOX):
        member = entry_member(meta)
        week = meta.get("week")
        if cycle_of(meta) != cycle:
            continue  # an earlier cycle's journal
        if member not in roster:
            continue  # someone who left: not counted against today's roster
        replied.add(member)
        if isinstance(week, int) and not isinstance(week, bool) and week >= 1:
            weeks.setdefault(week, set()).add(member)
    last = max([WEEKS_IN_PRACTICE_MONTH, *weeks])
    return Participation(
        members=len(members),
        members_replied=len(replied),
        weeks=last,
        replies_by_week=tuple(len(weeks.get(w, ())) for w in range(1, last + 1)),
    )


def _rating(info: GroupInfo) -> Rating | None:
    tally: Mapping[str, Any] | None = info.module_rating
    if not info.session2_held or tally is None:
        return None
    return Rating(count=int(tally.get("count", 0)), total=int(tally.get("sum", 0)))


def group_report(home: Path, slug: str, *, names: bool, now: datetime) -> GroupReport:
    vault = open_for_operations(home, slug)
    try:
        described = describe(vault, now)
        info, members = described.info, described.members
        sessions = tuple(
            s for kind in SessionKind if (s := _session(vault, info, members, kind, names))
        )
        facilitations, facilitators = _facilitators(vault)
        return GroupReport(
            slug=slug,
            module=info.module,
            module_title=info.module_title,
            timezone=info.timezone,
            stage=described.stage,
            members=len(members),
            sessions=sessions,
            facilitations=facilitations,
            facilitators=facilitators,
            delivery=_delivery(home, vault, members, info.cycle),
            participation=_participation(home, vault, members, info.cycle),
            rating=_rating(info),
            votes=sorted_votes((info.next_topic_votes or {}).items()),
            cycle=info.cycle,
            earlier_modules=tuple(c.module for c in earlier_cycles(vault)),
        )
    finally:
        vault.close()


def programme_report(
    home: Path,
    slugs: Sequence[str] = (),
    *,
    names: bool = False,
    now: datetime | None = None,
) -> ProgrammeReport:
    """Every group named (else every group of the data home); one that cannot be opened is
    listed with its reason. An unknown name is a GroupError before anything is read."""
    now = now or datetime.now(UTC)
    if slugs:
        known = set(group_slugs(home))
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise GroupError(
                "\n".join(f"no group '{s}' in {home} (see: plg group list)" for s in unknown)
            )
        chosen = list(dict.fromkeys(slugs))
    else:
        chosen = group_slugs(home)
    reports: list[GroupReport] = []
    misnamed = [] if slugs else misnamed_group_folders(home)
    unreadable = [UnreadableGroup(name, why) for name, why in misnamed]
    for slug in chosen:
        try:
            reports.append(group_report(home, slug, names=names, now=now))
        except (VaultError, GroupError, ValueError) as err:
            unreadable.append(UnreadableGroup(slug, str(err).splitlines()[0]))
    return ProgrammeReport(
        generated=now.isoformat(timespec="minutes"),
        with_names=names,
        groups=tuple(reports),
        unreadable=tuple(unreadable),
    )
