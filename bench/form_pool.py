"""Generated candidate pools with a realistic org chart, for bench/form.py and its test.

A company of divisions, each under a director (level 6) who reports to a VP outside the pool;
senior managers (5), managers (4) and team leads (3) below, a few level-2 leads at the
bottom. Each division sits mostly at two or three sites (time zones), its people mostly in the
division's department; topic wishes follow a skewed popularity; a few are unavailable or
did not answer.
"""

from __future__ import annotations

import random

from plg_tui.core.pool import Candidate

MODULES = (
    "giving-feedback",
    "one-on-ones",
    "delegating",
    "coaching-your-team",
    "difficult-employee",
    "prioritising-time",
    "leading-change",
    "motivating-recognising",
    "managing-former-peers",
)
SITES = (
    ("Europe/Berlin", "Europe/London", "Europe/Madrid"),
    ("America/New_York", "America/Chicago", "America/Toronto"),
    ("America/Los_Angeles", "America/Denver"),
    ("Asia/Kolkata", "Asia/Singapore"),
    ("Australia/Sydney", "Asia/Tokyo"),
)
DEPARTMENTS = ("Engineering", "Sales", "Operations", "Finance", "Product", "Support", "People")


def generated_pool(size: int, seed: int = 1) -> tuple[Candidate, ...]:
    rng = random.Random(seed)
    people: list[Candidate] = []
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(MODULES))]
    division = 0
    while len(people) < size:
        department = DEPARTMENTS[division % len(DEPARTMENTS)]
        regions = rng.sample(range(len(SITES)), k=rng.choice((1, 2, 2, 3)))
        zones = [zone for region in regions for zone in SITES[region]]
        vp = f"vp{division}@example.org"

        def add(
            level: int,
            boss: str,
            title: str,
            department: str = department,
            zones: list[str] = zones,
        ) -> str:
            number = len(people)
            email = f"m{number:03d}@example.org"
            moved = rng.random() < 0.15  # someone on loan from another department
            picks: list[str] = []
            if rng.random() > 0.05:
                while len(picks) < 3:
                    pick = rng.choices(MODULES, weights=popularity)[0]
                    if pick not in picks:
                        picks.append(pick)
            people.append(
                Candidate(
                    name=f"Manager {number:03d}",
                    email=email,
                    title=title,
                    level=level,
                    reports_to=boss,
                    department=rng.choice(DEPARTMENTS) if moved else department,
                    timezone=rng.choice(zones),
                    topics=tuple(picks),
                    available=rng.random() > 0.05,
                )
            )
            return email

        director = add(6, vp, "Director")
        for _ in range(rng.randint(2, 4)):
            if len(people) >= size:
                break
            senior = add(5, director, "Senior Manager")
            for _ in range(rng.randint(2, 4)):
                if len(people) >= size:
                    break
                manager = add(4, senior, "Manager")
                for _ in range(rng.randint(1, 3)):
                    if len(people) >= size:
                        break
                    lead = add(3, manager, "Team Lead")
                    if rng.random() < 0.25 and len(people) < size:
                        add(2, lead, "Lead")
        division += 1
    return tuple(people[:size])
