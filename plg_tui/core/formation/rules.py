"""The hard rules a group must meet, as data the solver, the greedy baseline and the checks share.

Every rule but the common time window is a rule about pairs: two candidates may share a group
or not. Level spread is one too: a group's levels are at most N apart exactly when every two
members' are. The time window is a rule about the whole group, handled in `timewindow`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import Protocol

from plg_tui.core.roster import MAX_MEMBERS, MIN_MEMBERS
from plg_tui.errors import PlgError


class FormationError(PlgError):
    """Options or a pool that cannot be formed into groups, said plainly."""


class Candidate(Protocol):
    """What forming needs of a pool's candidate (the pool's own record has these fields)."""

    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def reports_to(self) -> str: ...
    @property
    def department(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def topics(self) -> tuple[str, ...]: ...
    @property
    def available(self) -> bool: ...


@dataclass(frozen=True)
class FormRules:
    min_size: int = 4
    max_size: int = 6
    level_spread: int = 1
    day_start: time = time(9, 0)
    day_end: time = time(18, 0)
    min_overlap_minutes: int = 120
    separate_shared_manager: bool = False
    max_groups: int | None = None
    # the winter and summer dates every group's common window is checked on
    year: int = 2027

    def problems(self) -> list[str]:
        found = []
        if not MIN_MEMBERS <= self.min_size <= self.max_size <= MAX_MEMBERS:
            found.append(
                f"--min {self.min_size} --max {self.max_size}: a group has {MIN_MEMBERS} to "
                f"{MAX_MEMBERS} members; choose {MIN_MEMBERS} <= min <= max <= {MAX_MEMBERS}"
            )
        if self.level_spread < 0:
            found.append(f"--level-spread {self.level_spread}: must be 0 or more")
        if self.day_end <= self.day_start:
            found.append("--hours: the end must be after the start (e.g. 09:00-18:00)")
        span = (self.day_end.hour * 60 + self.day_end.minute) - (
            self.day_start.hour * 60 + self.day_start.minute
        )
        if not 15 <= self.min_overlap_minutes <= span:
            found.append(
                f"--min-overlap: must be between 0.25 hours and the working day ({span / 60:g} "
                "hours)"
            )
        if self.max_groups is not None and self.max_groups < 1:
            found.append(f"--groups {self.max_groups}: must be 1 or more")
        return found


def parse_hours(text: str) -> tuple[time, time]:
    """`09:00-18:00` as two times; a FormationError naming the option otherwise."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise FormationError(
            f"--hours {text!r}: give the working day as HH:MM-HH:MM, e.g. 09:00-18:00"
        ) from None
    return start, end


def reporting_chains(people: Sequence[Candidate]) -> dict[str, tuple[str, ...]]:
    """Each person's managers upward (email), through anyone the pool knows of.

    Someone outside the pool named in `reports_to` is a link too, though their own manager is
    unknown. A cycle in the column stops the walk instead of looping.
    """
    manager_of = {p.email: p.reports_to for p in people}
    chains: dict[str, tuple[str, ...]] = {}
    for person in people:
        chain: list[str] = []
        seen = {person.email}
        boss = person.reports_to
        while boss and boss not in seen:
            chain.append(boss)
            seen.add(boss)
            boss = manager_of.get(boss, "")
        chains[person.email] = tuple(chain)
    return chains


@dataclass(frozen=True)
class PairRule:
    """Why two candidates may not share a group (None from `pair_conflict` when they may)."""

    rule: str  # "reporting line", "level spread", "same manager", "time window"
    detail: str


def chain_conflict(
    a: Candidate, b: Candidate, chains: dict[str, tuple[str, ...]]
) -> PairRule | None:
    for lower, upper in ((a, b), (b, a)):
        chain = chains.get(lower.email, ())
        if upper.email in chain:
            depth = chain.index(upper.email)
            how = "reports to" if depth == 0 else f"reports ({depth + 1} levels up) to"
            return PairRule("reporting line", f"{lower.name} {how} {upper.name}")
    return None


def level_conflict(a: Candidate, b: Candidate, rules: FormRules) -> PairRule | None:
    if abs(a.level - b.level) > rules.level_spread:
        return PairRule(
            "level spread",
            f"levels {a.level} and {b.level} are more than {rules.level_spread} apart",
        )
    return None


def manager_conflict(a: Candidate, b: Candidate, rules: FormRules) -> PairRule | None:
    if rules.separate_shared_manager and a.reports_to and a.reports_to == b.reports_to:
        return PairRule("same manager", f"both report to {a.reports_to}")
    return None
