"""Moving a group's sessions and ending a group: what changes, checked before anything is written.

Both work with the operations key only (no passphrase): they touch dates and delivery state,
never what the group said. The companion turns what is recorded here into calendar updates
(a higher SEQUENCE) and cancellations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from plg_tui.core.groups import GroupError, call_link_problem, parse_local
from plg_tui.core.session_dates import held, sequence_of, stored_date
from plg_tui.core.session_gap import check_session_gap
from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import GroupInfo
from plg_tui.vocabulary import SessionKind

OPTION = {
    SessionKind.TRUST: "--trust",
    SessionKind.ONE: "--session1",
    SessionKind.TWO: "--session2",
}


@dataclass(frozen=True)
class SessionMove:
    kind: SessionKind
    old: str  # "" when the trust session was not scheduled before
    new: str


@dataclass(frozen=True)
class Reschedule:
    """What `plg group reschedule` will change; `updated` get a new invitation revision."""

    moves: tuple[SessionMove, ...]
    old_link: str
    new_link: str | None  # None: the link stays
    sequences: dict[str, int]
    updated: tuple[SessionKind, ...]

    @property
    def changes_anything(self) -> bool:
        return bool(self.moves) or self.new_link is not None


def ended_problem(info: GroupInfo) -> str | None:
    if info.ended:
        return (
            f"group '{info.slug}' ended on {info.ended[:10]}; its sessions can no longer change "
            f"(plg group purge {info.slug} removes it for good)"
        )
    return None


def plan_reschedule(
    info: GroupInfo,
    new_dates: dict[SessionKind, str | None],
    call_link: str | None,
    now: datetime,
    *,
    allow_gap: bool = False,
    allow_past: bool = False,
) -> Reschedule:
    """Check the new dates and link against the rules of `plg group create`; GroupError lists
    every problem. A date equal to the stored one is no change."""
    problem = ended_problem(info)
    if problem:
        raise GroupError(problem)
    problems: list[str] = []
    final: dict[SessionKind, datetime] = {}
    moves: list[SessionMove] = []
    for kind in SessionKind:
        old = stored_date(info, kind)
        new = new_dates.get(kind)
        if new is not None and new != old:
            if held(info, kind):
                problems.append(
                    f"{OPTION[kind]}: {kind.label.lower()} was already held on {old}; "
                    "a held session cannot be moved"
                )
                continue
            try:
                when = parse_local(new, info.timezone, OPTION[kind])
            except GroupError as err:
                problems.append(str(err))
                continue
            if when < now and not allow_past:
                problems.append(
                    f"{OPTION[kind]} {new} ({info.timezone}) is in the past: no invitation "
                    "for it can go out (add --allow-past to record a session that already met)"
                )
            moves.append(SessionMove(kind, old, new))
            final[kind] = when
        elif old:
            final[kind] = parse_local(old, info.timezone, f"session {kind}")
    if not problems:
        one, two = final[SessionKind.ONE], final[SessionKind.TWO]
        moved = {m.kind for m in moves}
        if moved & {SessionKind.ONE, SessionKind.TWO}:
            problems.extend(check_session_gap(one, two, allow_gap))
        trust = final.get(SessionKind.TRUST)
        if trust is not None and moved & {SessionKind.TRUST, SessionKind.ONE} and trust >= one:
            problems.append(
                f"the trust-building session ({stored_or_new(info, moves, SessionKind.TRUST)}) "
                f"must come before session 1 ({stored_or_new(info, moves, SessionKind.ONE)})"
            )
    new_link = None
    if call_link is not None and call_link != info.call_link:
        link_problem = call_link_problem(call_link)
        if link_problem:
            problems.append(f"--call-link {link_problem}")
        new_link = call_link
    if problems:
        raise GroupError("\n".join(problems))
    updated = [m.kind for m in moves if m.old]  # a first date is an invitation, not an update
    first = {m.kind for m in moves if not m.old}
    if new_link is not None:
        updated += [
            kind
            for kind, when in final.items()
            if kind not in updated and kind not in first and not held(info, kind) and when > now
        ]
    sequences = dict(info.invitation_sequences or {})
    for kind in updated:
        sequences[str(kind)] = sequence_of(info, kind) + 1
    order = list(SessionKind)
    return Reschedule(
        moves=tuple(moves),
        old_link=info.call_link,
        new_link=new_link,
        sequences=sequences,
        updated=tuple(sorted(updated, key=order.index)),
    )


def stored_or_new(info: GroupInfo, moves: list[SessionMove], kind: SessionKind) -> str:
    return next((m.new for m in moves if m.kind == kind), stored_date(info, kind))


def apply_reschedule(vault: GroupVault, change: Reschedule) -> None:
    fields: dict[str, object] = {"invitation_sequences": change.sequences}
    names = {SessionKind.TRUST: "trust", SessionKind.ONE: "session1", SessionKind.TWO: "session2"}
    for move in change.moves:
        fields[names[move.kind]] = move.new
    if change.new_link is not None:
        fields["call_link"] = change.new_link
    vault.update_info(**fields)


def sessions_ahead(info: GroupInfo, now: datetime) -> list[tuple[SessionKind, str]]:
    """(kind, local date) of each dated session not held and not yet begun."""
    ahead = []
    for kind in SessionKind:
        local = stored_date(info, kind)
        if local and not held(info, kind) and parse_local(local, info.timezone, kind) > now:
            ahead.append((kind, local))
    return ahead


def end_group(vault: GroupVault, now: datetime) -> None:
    """Mark the group ended: the companion sends nothing more but cancellations."""
    info = vault.info()
    problem = ended_problem(info)
    if problem:
        raise GroupError(problem.split(";")[0] + "; nothing changed")
    vault.update_info(ended=now.astimezone(UTC).isoformat(timespec="seconds"))
