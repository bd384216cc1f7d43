"""Formed groups made into real ones (`plg form --create`): names, session times, then create.

Each group meets on the day asked for and four weeks later, at the earliest time inside every
member's working hours on both days (their own zones, daylight saving as it falls then); its
time zone is its members' most common one. Everything is checked before anything is created,
and a failure part-way removes the groups made so far: all or nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from plg_tui.core.formation.output import roster_name
from plg_tui.core.formation.problem import Problem
from plg_tui.core.formation.rules import FormationError
from plg_tui.core.formation.solution import Formation
from plg_tui.core.formation.timewindow import (
    SLOT_MINUTES,
    common_mask,
    fitting_starts,
    masks_on,
)
from plg_tui.core.groups import (
    DATE_FORMAT,
    GroupSpec,
    create_group,
    date_problems,
    remove_group_files,
)
from plg_tui.vault.paths import DataHome, is_valid_slug

SECOND_SESSION_AFTER = timedelta(weeks=4)


@dataclass(frozen=True)
class PlannedGroup:
    spec: GroupSpec
    size: int


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise FormationError(
            f"--session1-window {text!r}: give the day of the first sessions as YYYY-MM-DD"
        ) from None


def plan(
    home: Path, name: str, problem: Problem, formation: Formation, out: Path, day: date
) -> list[PlannedGroup]:
    """Every group's name, dates and roster file; a FormationError naming all that is wrong."""
    planned: list[PlannedGroup] = []
    problems: list[str] = []
    first = datetime(day.year, day.month, day.day, tzinfo=UTC)
    for number, group in enumerate(formation.groups, 1):
        slug = f"{name}-g{number:02d}"
        if not is_valid_slug(slug):
            problems.append(
                f"{slug!r}: not a usable group name; import the pool under a shorter name"
            )
            continue
        files = DataHome(home).group(slug)
        if files.folder.exists() or files.key_file.exists():
            problems.append(f"group '{slug}' already exists; nothing was created")
        zones = [problem.people[m].timezone for m in group.members]
        zone = Counter(zones).most_common(1)[0][0]
        days = (first, first + SECOND_SESSION_AFTER)
        masks = [masks_on(z, d, problem.rules) for z in zones for d in days]
        starts = fitting_starts(common_mask(masks), problem.window_slots)
        if not starts:
            problems.append(
                f"{slug}: no common time on {day} and four weeks later; choose another day"
            )
            continue
        offset = timedelta(minutes=starts[0] * SLOT_MINUTES)
        session1, session2 = (
            (d + offset).astimezone(ZoneInfo(zone)).strftime(DATE_FORMAT) for d in days
        )
        dated = date_problems(session1, session2, zone, allow_gap=False, allow_past=False, now=None)
        problems.extend(f"{slug}: {line}" for line in dated)
        roster = out / roster_name(number, problem.modules[group.module])
        spec = GroupSpec(slug, problem.modules[group.module], roster, session1, session2, zone)
        planned.append(PlannedGroup(spec, len(group.members)))
    if problems:
        raise FormationError("\n".join(problems))
    return planned


def create_all(
    home: Path,
    planned: Sequence[PlannedGroup],
    passphrases: Sequence[str],
    warn: Callable[[str], None],
) -> None:
    """Create every planned group, or none: a failure removes those made before it."""
    made: list[str] = []
    try:
        for group, passphrase in zip(planned, passphrases, strict=True):
            vault = create_group(home, group.spec, passphrase, warn=warn)
            vault.close()
            made.append(group.spec.slug)
    except BaseException:
        for slug in made:
            remove_group_files(home, slug)
        raise
