"""What `plg report` tells a champion and a sponsor: counts, never what anyone said.

The rules of the report live here (what is shown and when), the reading of a group's files in
`plg_tui.cli.report_gather` (the one place plg reads the companion's ledger), and each output
format in its own module (`report_text`, `report_csv`, `report_html`). Every value here is a
count, a date, a module id, or, only when the champion asks for names, a member's name: no
sealed item and no journal text is ever opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# A module rating is shown only from this many ratings up: with fewer, the average could
# give away what one member gave (and the others in the room know who rated).
MIN_RATINGS_SHOWN = 3


@dataclass(frozen=True)
class SessionAttendance:
    """One session of a group's cycle: when it was planned, whether it was held, who came."""

    kind: str  # a SessionKind value
    label: str  # "Session 1"
    planned: str  # local date and time as the group keeps it ("" for none)
    held: bool
    roster: int  # members on the roster
    present: int | None  # None when no attendance was taken
    present_names: tuple[str, ...] = ()  # only filled when names were asked for
    facilitator: str = ""  # a name, only when names were asked for


@dataclass(frozen=True)
class Delivery:
    """The practice month's emails as the companion's ledger records them."""

    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    bounced: int = 0  # members whose address bounces
    opted_out: int = 0  # members who replied STOP
    companion_ran: bool = False
    # midway "have you and your partner met?": members asked, and the yes / not-yet answers
    partner_check_asked: int = 0
    partners_met: int = 0
    partners_not_yet: int = 0

    def __add__(self, other: Delivery) -> Delivery:
        return Delivery(
            sent=self.sent + other.sent,
            failed=self.failed + other.failed,
            uncertain=self.uncertain + other.uncertain,
            bounced=self.bounced + other.bounced,
            opted_out=self.opted_out + other.opted_out,
            companion_ran=self.companion_ran or other.companion_ran,
            partner_check_asked=self.partner_check_asked + other.partner_check_asked,
            partners_met=self.partners_met + other.partners_met,
            partners_not_yet=self.partners_not_yet + other.partners_not_yet,
        )

    @property
    def partner_check_text(self) -> str:
        """ "3 met, 1 not yet, 1 no answer (5 asked)", or "not asked yet"."""
        if not self.partner_check_asked:
            return "not asked yet"
        silent = max(self.partner_check_asked - self.partners_met - self.partners_not_yet, 0)
        return (
            f"{self.partners_met} met, {self.partners_not_yet} not yet, {silent} no answer "
            f"({self.partner_check_asked} asked)"
        )


@dataclass(frozen=True)
class Participation:
    """Who replied to the journal prompts, counted: never what they wrote."""

    members: int  # on the roster
    members_replied: int  # replied at least once
    weeks: int  # practice weeks of the month
    replies_by_week: tuple[int, ...]  # members who replied, per practice week (1..weeks)

    @property
    def weeks_with_replies(self) -> int:
        return sum(1 for count in self.replies_by_week if count)


@dataclass(frozen=True)
class Rating:
    """The anonymous module rating: a count and a sum, shown only from MIN_RATINGS_SHOWN up."""

    count: int
    total: int

    @property
    def shown(self) -> bool:
        return self.count >= MIN_RATINGS_SHOWN

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.shown else None


@dataclass(frozen=True)
class GroupReport:
    slug: str
    module: str
    module_title: str
    timezone: str
    stage: str
    members: int
    sessions: tuple[SessionAttendance, ...]
    facilitations: int  # sessions that recorded a facilitator
    facilitators: int  # distinct members among them
    delivery: Delivery
    participation: Participation
    rating: Rating | None  # None before session 2's close
    votes: tuple[tuple[str, int], ...]  # next-topic votes, most first
    cycle: int = 1  # the group's current cycle; the sessions, emails and journal counted are its
    earlier_modules: tuple[str, ...] = ()  # the modules of cycles 1, 2, ... before this one

    @property
    def sessions_planned(self) -> int:
        return sum(1 for s in self.sessions if s.planned or s.held)

    @property
    def sessions_held(self) -> int:
        return sum(1 for s in self.sessions if s.held)


@dataclass(frozen=True)
class UnreadableGroup:
    """A group whose files could not be opened: named, with the reason, never skipped."""

    slug: str
    problem: str


@dataclass(frozen=True)
class ProgrammeTotals:
    groups: int
    members: int
    sessions_planned: int
    sessions_held: int
    attendance_taken: int  # seats (roster per held session with attendance)
    attended: int  # of those seats, present
    delivery: Delivery
    members_replied: int
    rating: Rating | None
    votes: tuple[tuple[str, int], ...]
    stages: tuple[tuple[str, int], ...]  # stage -> groups in it

    @property
    def attendance_share(self) -> float | None:
        return self.attended / self.attendance_taken if self.attendance_taken else None


@dataclass(frozen=True)
class ProgrammeReport:
    generated: str  # ISO time of the report
    with_names: bool
    groups: tuple[GroupReport, ...]
    unreadable: tuple[UnreadableGroup, ...] = ()
    totals: ProgrammeTotals = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", programme_totals(self.groups))


def sorted_votes(votes: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    merged: dict[str, int] = {}
    for module, count in votes:
        if count > 0:
            merged[module] = merged.get(module, 0) + count
    return tuple(sorted(merged.items(), key=lambda item: (-item[1], item[0])))


def stage_family(stage: str) -> str:
    """The stage without its week number, so groups in the practice month count together."""
    return stage.split(",")[0].split(" week")[0].strip()


def programme_totals(groups: Sequence[GroupReport]) -> ProgrammeTotals:
    # Only ratings a group may show count towards the programme's: adding a hidden one would
    # let anyone subtract the shown groups' totals and recover it.
    shown = [g.rating for g in groups if g.rating is not None and g.rating.shown]
    rating = Rating(sum(r.count for r in shown), sum(r.total for r in shown)) if shown else None
    taken = attended = 0
    for group in groups:
        for session in group.sessions:
            if session.held and session.present is not None:
                taken += session.roster
                attended += session.present
    delivery = Delivery()
    for group in groups:
        delivery = delivery + group.delivery
    stages: dict[str, int] = {}
    for group in groups:
        family = stage_family(group.stage)
        stages[family] = stages.get(family, 0) + 1
    return ProgrammeTotals(
        groups=len(groups),
        members=sum(g.members for g in groups),
        sessions_planned=sum(g.sessions_planned for g in groups),
        sessions_held=sum(g.sessions_held for g in groups),
        attendance_taken=taken,
        attended=attended,
        delivery=delivery,
        members_replied=sum(g.participation.members_replied for g in groups),
        rating=rating,
        votes=sorted_votes(v for g in groups for v in g.votes),
        stages=tuple(sorted(stages.items())),
    )
