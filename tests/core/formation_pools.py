"""Small adversarial pools for the group former's tests."""

from __future__ import annotations

from plg_tui.core.pool import Candidate

TOPIC = "giving-feedback"


def person(
    key: str,
    level: int = 4,
    *,
    boss: str = "",
    department: str = "",
    zone: str = "Europe/Berlin",
    topics: tuple[str, ...] = (TOPIC,),
    available: bool = True,
) -> Candidate:
    return Candidate(
        name=f"Person {key.upper()}",
        email=f"{key}@example.org",
        title="Manager",
        level=level,
        reports_to=f"{boss}@example.org" if boss else "",
        department=department or f"dept-{key}",
        timezone=zone,
        topics=topics,
        available=available,
    )
