"""What the close of a session decides, and the rules it follows.

Session 1 agrees practice partners for the whole roster and session 2's date; session 2 collects
an anonymous 1-5 rating of the module (only a count and a sum are kept) and next-topic votes.
"""

from __future__ import annotations

from collections.abc import Sequence

from plg_tui.core.groups import parse_local
from plg_tui.core.pairing import validate_pairs
from plg_tui.core.person import Person

RATING_RANGE = (1, 5)


class SessionClose:
    """The close's part of the session model (`SessionModel` builds on it)."""

    def __init__(self, kind: str, people: Sequence[Person]) -> None:
        self.kind = kind
        self.people = tuple(people)
        self.pairs: list[list[str]] = []
        self.session2_date: str | None = None
        self.rating_count = 0
        self.rating_sum = 0
        # Only the latest rating, in memory and never saved, so a mistyped one can be taken back.
        self.last_rating: int | None = None
        self.votes: dict[str, int] = {}

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

    def set_session2_date(self, value: str, timezone: str) -> None:
        """Session 2's local date and time as typed; a GroupError says what is wrong with it."""
        parse_local(value, timezone, "session 2")
        self.session2_date = value

    def close_problems(self) -> list[str]:
        """Why the session cannot be finished yet; empty when it can."""
        if self.kind == "1" and not self.pairs:
            return ["Agree on practice partners first."]
        return []

    # ---- anonymous tallies (session 2) ----------------------------------------------------

    def add_rating(self, value: int) -> None:
        low, high = RATING_RANGE
        if not low <= value <= high:
            raise ValueError(f"a rating is {low} to {high}")
        self.rating_count += 1
        self.rating_sum += value
        self.last_rating = value

    def undo_rating(self, value: int) -> None:
        if self.rating_count == 0 or self.rating_sum < value:
            raise ValueError("no rating to take back")
        self.rating_count -= 1
        self.rating_sum -= value

    def undo_last_rating(self) -> None:
        if self.last_rating is None:
            raise ValueError("no rating to take back")
        self.undo_rating(self.last_rating)
        self.last_rating = None

    @property
    def rating_average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    def add_vote(self, module_id: str) -> None:
        self.votes[module_id] = self.votes.get(module_id, 0) + 1
