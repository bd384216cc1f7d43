"""What the close of a session decides, and the rules it follows.

Session 1 agrees practice partners for the whole roster and session 2's date (21 to 35 days
later, in the future); session 2 collects an anonymous 1-5 rating of the module (only a count
and a sum are kept) and next-topic votes, at most one of each per present member.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from plg_tui.core.groups import GroupError, parse_local
from plg_tui.core.pairing import validate_pairs
from plg_tui.core.person import Person
from plg_tui.core.session_gap import MAX_GAP_DAYS, MIN_GAP_DAYS

RATING_RANGE = (1, 5)
RATING = "rating"
VOTE = "vote"


class Session2GapError(GroupError):
    """Session 2's date is outside the 21-35 day rule: allowed only when the facilitator says so."""


class SessionClose:
    """The close's part of the session model (`SessionModel` builds on it)."""

    def __init__(
        self, kind: str, people: Sequence[Person], wall: Callable[[], float] = time.time
    ) -> None:
        self.kind = kind
        self._close_wall = wall
        self.people = tuple(people)
        self.pairs: list[list[str]] = []
        self.session2_date: str | None = None
        self.rating_count = 0
        self.rating_sum = 0
        self.votes: dict[str, int] = {}
        # What was pressed in this run, newest last, so each can be taken back in turn. Kept in
        # memory and never saved: a saved order could be matched to who spoke when.
        self.tally_log: list[tuple[str, int | str]] = []

    def parse_pairs(self, text: str) -> tuple[list[list[str]], list[str]]:
        """Pairs typed by first or full name: "Amara + Bruno, Chiara + Dev + Elena"."""
        by_name: dict[str, str] = {}
        for person in self.people:
            by_name[person.name.lower()] = person.key
            by_name.setdefault(person.first_name.lower(), person.key)
            by_name[person.key.lower()] = person.key
        groups: list[list[str]] = []
        problems: list[str] = []
        for chunk in text.split(","):
            if not chunk.strip():
                continue
            group = []
            for raw in chunk.replace("&", "+").split("+"):
                name = raw.strip().lower()
                if not name:
                    continue
                if name not in by_name:
                    problems.append(f"{raw.strip()!r} is not a member of this group")
                    continue
                group.append(by_name[name])
            groups.append(group)
        return groups, problems

    def set_pairs(self, groups: Sequence[Sequence[str]]) -> list[str]:
        """Partners for the whole roster (an absent member practises too); the problems if
        they do not cover it, and then nothing changes."""
        problems = validate_pairs(groups, [person.key for person in self.people])
        if not problems:
            self.pairs = [list(g) for g in groups]
        return problems

    def set_session2_date(self, value: str, timezone: str, *, allow_gap: bool = False) -> None:
        """Session 2's local date and time as typed; a GroupError says what is wrong with it.

        It must lie in the future, and 21 to 35 calendar days after today's session 1 in the
        group's time zone (Session2GapError, unless `allow_gap`: the facilitator confirmed).
        """
        when = parse_local(value, timezone, "session 2")
        now = datetime.fromtimestamp(self._close_wall(), ZoneInfo(timezone))
        if when <= now:
            raise GroupError(
                f"session 2 on {value.replace('T', ' ')} ({timezone}) is not in the future; "
                "give a later date"
            )
        days = (when.date() - now.date()).days
        if not allow_gap and not MIN_GAP_DAYS <= days <= MAX_GAP_DAYS:
            raise Session2GapError(
                f"session 2 would be {days} days after today's session; the rule is "
                f"{MIN_GAP_DAYS} to {MAX_GAP_DAYS} days"
            )
        self.session2_date = value

    def close_problems(self) -> list[str]:
        """Why the session cannot be finished yet; empty when it can."""
        if self.kind == "1" and not self.pairs:
            return ["Agree on practice partners first."]
        return []

    # ---- anonymous tallies (session 2) ----------------------------------------------------

    def present_count(self) -> int:
        """How many members may rate and vote (the session model counts who is present)."""
        return len(self.people)

    def add_rating(self, value: int) -> None:
        """One member's 1-5; refused once each present member has rated."""
        present = self.present_count()
        low, high = RATING_RANGE
        if not low <= value <= high:
            raise ValueError(f"a rating is {low} to {high}")
        if self.rating_count >= present:
            raise ValueError(f"all {present} present members have rated; u takes the last one back")
        self.rating_count += 1
        self.rating_sum += value
        self.tally_log.append((RATING, value))

    def undo_rating(self, value: int) -> None:
        """Take back one rating of `value` (a member corrects theirs): refused when no set of
        ratings could have held it, given the count and the sum."""
        low, high = RATING_RANGE
        rest_count, rest_sum = self.rating_count - 1, self.rating_sum - value
        if rest_count < 0 or not low * rest_count <= rest_sum <= high * rest_count:
            raise ValueError(f"no rating of {value} to take back")
        self.rating_count, self.rating_sum = rest_count, rest_sum
        if (RATING, value) in self.tally_log:
            index = len(self.tally_log) - 1 - self.tally_log[::-1].index((RATING, value))
            del self.tally_log[index]

    def correct_rating(self, old: int, new: int) -> None:
        """A member's `old` rating becomes `new`; nothing changes when `old` cannot be there."""
        low, high = RATING_RANGE
        if not low <= new <= high:
            raise ValueError(f"a rating is {low} to {high}")
        self.undo_rating(old)
        self.rating_count += 1
        self.rating_sum += new
        self.tally_log.append((RATING, new))

    @property
    def rating_average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    def add_vote(self, module_id: str) -> None:
        """One member's vote for the next topic; refused once each present member has voted."""
        present = self.present_count()
        if sum(self.votes.values()) >= present:
            raise ValueError(f"all {present} present members have voted; u takes the last back")
        self.votes[module_id] = self.votes.get(module_id, 0) + 1
        self.tally_log.append((VOTE, module_id))

    def remove_vote(self, module_id: str) -> None:
        """Take one vote off `module_id` (a member changes their mind)."""
        if self.votes.get(module_id, 0) <= 0:
            raise ValueError("no vote for that topic to take back")
        self.votes[module_id] -= 1
        if not self.votes[module_id]:
            del self.votes[module_id]
        if (VOTE, module_id) in self.tally_log:
            index = len(self.tally_log) - 1 - self.tally_log[::-1].index((VOTE, module_id))
            del self.tally_log[index]

    @property
    def can_undo_tally(self) -> bool:
        return bool(self.tally_log)

    def undo_last_tally(self) -> str:
        """Take back the latest rating or vote of this run; says which, for a toast."""
        if not self.tally_log:
            raise ValueError("no rating or vote to take back")
        what, value = self.tally_log[-1]
        if what == RATING:
            assert isinstance(value, int)
            self.undo_rating(value)
            return "rating"
        self.remove_vote(str(value))
        return "vote"
