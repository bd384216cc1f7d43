"""A `reports_to` that names no one in the file but nearly names someone who is there.

A manager outside the pool or roster is normal and stays silent; one typo away from someone
inside is most likely a mistyped address, and then the reporting-line rule ("none reporting to
another") cannot see the link and would let a manager and their report share a group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from plg_tui.core.safe_text import printable

MAX_EDITS = 2


class GroupMember(Protocol):
    """Who someone is and whom they report to (a roster row, a member, a newcomer)."""

    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def reports_to(self) -> str: ...


class Person(GroupMember, Protocol):
    """A row of a roster or pool file: a `GroupMember` and the line it is on."""

    @property
    def line(self) -> int: ...


def edits_within(a: str, b: str, limit: int = MAX_EDITS) -> int | None:
    """The optimal-string-alignment (Damerau-Levenshtein) distance if it is <= limit, else None.

    Only the band |i - j| <= limit can stay within the limit, and a row whose every cell is
    over it ends the search: most unrelated addresses differ within a few characters.
    """
    if abs(len(a) - len(b)) > limit:
        return None
    # a common start and end cost nothing: what lies between is usually a few characters
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    if not a or not b:
        return max(len(a), len(b))  # the length check above keeps it within the limit
    over = limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [over] * (len(b) + 1)
        current[0] = left = best = i
        char, prior = a[i - 1], a[i - 2] if i > 1 else ""
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cell = previous[j - 1] + (char != b[j - 1])
            if previous[j] + 1 < cell:
                cell = previous[j] + 1
            if left + 1 < cell:
                cell = left + 1
            if j > 1 and char == b[j - 2] and prior == b[j - 1] and before[j - 2] + 1 < cell:
                cell = before[j - 2] + 1
            current[j] = left = cell
            if cell < best:
                best = cell
        if best > limit:
            return None
        before, previous = previous, current
    return previous[len(b)] if previous[len(b)] <= limit else None


# Local parts up to this long are indexed by every shortened form (about n*n/2 of them);
# longer ones by pieces, which are then long enough to tell addresses apart.
SHORT_LOCAL = 16
PIECES = 2 * MAX_EDITS + 1


def deletions(text: str, limit: int = MAX_EDITS) -> set[str]:
    """`text` with up to `limit` characters left out, every way."""
    found, edge = {text}, {text}
    for _ in range(limit):
        edge = {t[:i] + t[i + 1 :] for t in edge for i in range(len(t))}
        found |= edge
    return found


def _pieces(length: int) -> list[tuple[int, int]]:
    cuts = [length * k // PIECES for k in range(PIECES + 1)]
    return list(pairwise(cuts))


@dataclass(frozen=True)
class _Index:
    shortened: dict[str, list[str]]  # a short local part with up to two characters left out
    pieces: dict[tuple[int, int, str], list[str]]  # (length, which piece, piece) of a long one


@dataclass(frozen=True)
class Addresses:
    """The emails of a file, indexed so a near miss is found without comparing against all.

    Colleagues share a domain, so the domains (few) are compared first and only the local
    parts within the edits left over are looked at. Two local parts within two edits (an
    insertion, deletion, substitution or swap of neighbours each) become equal once at most
    two characters are left out of each; and two edits touch at most four of five pieces (a
    swap may straddle two), so one piece is found unchanged, moved by at most two places. Only
    local parts sharing a shortened form or a piece are compared character by character. An
    edit of the `@` itself is not looked for.
    """

    by_domain: dict[str, dict[str, str]]
    _indexes: dict[str, _Index]

    @classmethod
    def of(cls, emails: Sequence[str]) -> Addresses:
        by_domain: dict[str, dict[str, str]] = defaultdict(dict)
        for email in emails:
            local, _, domain = email.lower().rpartition("@")
            by_domain[domain].setdefault(local, email.lower())
        return cls(dict(by_domain), {})

    def _index(self, domain: str) -> _Index:
        index = self._indexes.get(domain)
        if index is None:  # built only for a domain some reports_to comes near
            index = self._indexes[domain] = _Index(defaultdict(list), defaultdict(list))
            for known in self.by_domain[domain]:
                if len(known) <= SHORT_LOCAL:
                    for short in deletions(known):
                        index.shortened[short].append(known)
                else:
                    for k, (start, end) in enumerate(_pieces(len(known))):
                        index.pieces[(len(known), k, known[start:end])].append(known)
        return index

    def _near_locals(self, local: str, domain: str, limit: int) -> dict[str, None]:
        if limit == 0:
            return dict.fromkeys([local] if local in self.by_domain[domain] else [])
        index, found = self._index(domain), dict[str, None]()
        if len(local) <= SHORT_LOCAL + limit:
            for short in deletions(local, limit):
                found.update(dict.fromkeys(index.shortened.get(short, ())))
        for length in range(max(len(local) - limit, SHORT_LOCAL + 1), len(local) + limit + 1):
            for k, (start, end) in enumerate(_pieces(length)):
                for shift in range(-MAX_EDITS, MAX_EDITS + 1):
                    if start + shift >= 0 and end + shift <= len(local):
                        piece = local[start + shift : end + shift]
                        found.update(dict.fromkeys(index.pieces.get((length, k, piece), ())))
        return found

    def nearest(self, address: str, *, besides: str = "") -> str | None:
        """The email closest to `address` within MAX_EDITS, else one with the same local part
        at another domain (case-insensitive); None if none is that close. `besides` (the
        person's own email) is never an answer."""
        address = address.lower()
        local, _, domain = address.rpartition("@")
        found: tuple[int, str] | None = None
        same_local: str | None = None
        for known_domain, locals_ in self.by_domain.items():
            if same_local is None and locals_.get(local) not in (None, address, besides):
                same_local = locals_[local]
            domain_edits = edits_within(domain, known_domain)
            if domain_edits is None:
                continue
            for near in self._near_locals(local, known_domain, MAX_EDITS - domain_edits):
                email = locals_[near]
                local_edits = edits_within(local, near, MAX_EDITS - domain_edits)
                if email in (address, besides) or local_edits is None:
                    continue
                if found is None or domain_edits + local_edits < found[0]:
                    found = (domain_edits + local_edits, email)
        return found[1] if found is not None else same_local


def near_miss_warnings(people: Sequence[Person], source: str) -> list[str]:
    """One warning per person whose `reports_to` names no one in the file but nearly names
    someone who is in it."""
    first_by_email: dict[str, Person] = {}
    for person in people:
        first_by_email.setdefault(person.email.lower(), person)
    addresses = Addresses.of(list(first_by_email))
    warnings = []
    for person in people:
        manager = person.reports_to.lower()
        if not manager or manager in first_by_email:
            continue
        meant = addresses.nearest(manager, besides=person.email.lower())
        if meant is None:
            continue
        other = first_by_email[meant]
        warnings.append(
            f"{source} line {person.line} ({printable(person.name)}): reports_to "
            f"{printable(manager)} matches no one in this file; did you mean "
            f"{printable(meant)} (line {other.line}, {printable(other.name)})? If so, fix one "
            "of the two, or the reporting-line rule cannot keep them apart."
        )
    return warnings


def newcomer_warnings(newcomer: GroupMember, members: Sequence[GroupMember]) -> list[str]:
    """`add-member`'s near misses: the newcomer's --reports-to nearly naming a member, or a
    member's reports_to nearly naming the newcomer."""
    emails = {m.email.lower() for m in members} | {newcomer.email.lower()}
    tail = "? If so, fix one of the two, or the reporting-line rule cannot keep them apart."
    warnings = []
    manager = newcomer.reports_to.lower()
    if manager and manager not in emails:
        meant = Addresses.of([m.email for m in members]).nearest(manager)
        other = next((m for m in members if m.email.lower() == meant), None)
        if other is not None:
            warnings.append(
                f"--reports-to {printable(manager)} matches no member of the group; did you "
                f"mean {printable(meant)} ({printable(other.name)}){tail}"
            )
    newcomer_address = Addresses.of([newcomer.email])
    for member in members:
        manager = member.reports_to.lower()
        if manager in emails or not manager:
            continue
        if newcomer_address.nearest(manager, besides=member.email.lower()) is not None:
            warnings.append(
                f"{printable(member.name)}'s reports_to {printable(manager)} matches no "
                f"member of the group; did you mean the newcomer, "
                f"{printable(newcomer.email.lower())}{tail}"
            )
    return warnings
