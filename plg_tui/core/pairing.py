"""Practice partners for the month: pairs, plus one trio when the group has an odd count."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from itertools import combinations

MIN_MEMBERS = 2
# An exact search; 12 members is 10,395 pairings at worst, far more than a group ever has.
MAX_MEMBERS = 12

Pairing = list[tuple[str, ...]]
_Cost = tuple[int, int]


def _pair_key(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def suggest_pairs(
    members: Sequence[str],
    history: Iterable[Collection[str]] = (),
    rng: random.Random | None = None,
) -> Pairing:
    """Pair everyone (one trio if the count is odd) repeating as few past pairs as possible.

    The cost of a pairing is first the number of member pairs in it (a trio holds three) that
    were together before in `history`, then how many times they were. Among equally good
    pairings `rng` picks; without it the roster order does. Groups come back in roster order.
    """
    roster = list(members)
    if len(set(roster)) != len(roster):
        raise ValueError("a member appears more than once")
    if not MIN_MEMBERS <= len(roster) <= MAX_MEMBERS:
        raise ValueError(f"pairing needs {MIN_MEMBERS} to {MAX_MEMBERS} members")
    on_roster = set(roster)
    seen: Counter[frozenset[str]] = Counter()
    for group in history:
        present = sorted(set(group) & on_roster)
        for a, b in combinations(present, 2):
            seen[_pair_key(a, b)] += 1

    def group_cost(group: Sequence[str]) -> _Cost:
        counts = [seen[_pair_key(a, b)] for a, b in combinations(group, 2)]
        return (sum(1 for c in counts if c), sum(counts))

    search_order = list(roster)
    if rng is not None:
        rng.shuffle(search_order)

    best: Pairing | None = None
    best_cost: _Cost = (len(roster) ** 2 + 1, 0)

    def search(remaining: list[str], chosen: Pairing, cost: _Cost, trio_due: bool) -> bool:
        """Depth-first over pairings; returns True once a repeat-free pairing is found."""
        nonlocal best, best_cost
        if cost >= best_cost:
            return False
        if not remaining:
            best, best_cost = list(chosen), cost
            return cost == (0, 0)
        first, rest = remaining[0], remaining[1:]
        options: list[tuple[str, ...]] = []
        if trio_due:
            options.extend((first, b, c) for b, c in combinations(rest, 2))
        if not trio_due or len(remaining) >= 5:
            options.extend((first, b) for b in rest)
        for group in options:
            added = group_cost(group)
            left = [m for m in rest if m not in group]
            chosen.append(group)
            done = search(
                left,
                chosen,
                (cost[0] + added[0], cost[1] + added[1]),
                trio_due and len(group) == 2,
            )
            chosen.pop()
            if done:
                return True
        return False

    search(search_order, [], (0, 0), len(roster) % 2 == 1)
    assert best is not None  # every roster of 2..12 has a pairing
    rank = {member: i for i, member in enumerate(roster)}
    ordered = [tuple(sorted(group, key=rank.__getitem__)) for group in best]
    return sorted(ordered, key=lambda group: rank[group[0]])


def count_repeats(groups: Iterable[Collection[str]], history: Iterable[Collection[str]]) -> int:
    """How many member pairs in `groups` were already together somewhere in `history`."""
    seen = {_pair_key(a, b) for past in history for a, b in combinations(sorted(set(past)), 2)}
    return sum(
        1
        for group in groups
        for a, b in combinations(sorted(set(group)), 2)
        if _pair_key(a, b) in seen
    )


def validate_pairs(groups: Sequence[Sequence[str]], members: Sequence[str]) -> list[str]:
    """Problems with a proposed pairing, in plain words; an empty list means it is fine."""
    problems: list[str] = []
    roster = list(members)
    if len(roster) < MIN_MEMBERS:
        problems.append(f"at least {MIN_MEMBERS} members are needed to form pairs")
    on_roster = set(roster)
    placed = Counter(member for group in groups for member in group)
    problems.extend(
        f"{member} is not a member of this group" for member in placed if member not in on_roster
    )
    for member in roster:
        if placed[member] == 0:
            problems.append(f"{member} has no partner")
        elif placed[member] > 1:
            problems.append(f"{member} is placed {placed[member]} times")
    trios_allowed = 1 if len(roster) % 2 == 1 else 0
    trios = 0
    for number, group in enumerate(groups, start=1):
        if len(group) == 3:
            trios += 1
        elif len(group) != 2:
            problems.append(f"group {number} has {len(group)} members; groups are pairs")
    if trios > trios_allowed:
        if trios_allowed:
            problems.append(f"{trios} trios; only one trio is allowed")
        else:
            problems.append("an even number of members pairs up with no trio")
    return problems


def parse_pairs_spec(spec: str) -> Pairing:
    """Parse "a@x.org:b@y.org,c@z.org:d@w.org:e@v.org" into groups of lower-cased addresses.

    Only the syntax is checked here; `validate_pairs` judges the groups against the roster.
    """
    groups: Pairing = []
    text = spec.strip()
    if not text:
        return groups
    for number, chunk in enumerate(text.split(","), start=1):
        members = tuple(part.strip().lower() for part in chunk.split(":"))
        if any(not member for member in members):
            raise ValueError(
                f"group {number} of the pairs has an empty entry; write pairs as a@x.org:b@y.org"
            )
        groups.append(members)
    return groups
