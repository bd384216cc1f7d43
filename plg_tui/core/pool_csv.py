"""Reading a pool CSV: a roster's columns and checks, plus `topics` and `available`.

Unlike a roster it is no group: any number of people, any levels, and `reports_to` may name
someone outside the pool (their manager still counts for the reporting-line rule).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from plg_tui.core.reporting_lines import near_miss_warnings
from plg_tui.core.roster import Member, RosterError, RowCheck, read_rows
from plg_tui.core.roster_columns import COLUMNS
from plg_tui.core.roster_warnings import timezone_warning
from plg_tui.core.safe_text import printable

POOL_COLUMNS = (*COLUMNS, "topics", "available")
TOPIC_SEPARATOR = "|"
MAX_TOPICS = 10
YES = frozenset({"yes", "y", "true", "1", "ja", ""})
NO = frozenset({"no", "n", "false", "0", "nein"})


@dataclass(frozen=True)
class PoolRow:
    member: Member
    topics: tuple[str, ...]
    available: bool


def parse_topics(text: str) -> tuple[str, ...]:
    return tuple(t.strip().lower() for t in text.split(TOPIC_SEPARATOR) if t.strip())


def _checker(module_ids: Collection[str]) -> RowCheck:
    known = ", ".join(sorted(module_ids)) or "none"

    def unknown(topic: str, where: str) -> str:
        close = difflib.get_close_matches(topic, sorted(module_ids), n=1, cutoff=0.8)
        if close:
            return (
                f"{where}: field 'topics': {topic!r} is not a module id; did you mean {close[0]!r}?"
            )
        return (
            f"{where}: field 'topics': {topic!r} is not a module id; known modules: "
            f"{known} (separate several with '|', most wanted first)"
        )

    def check(values: dict[str, str], where: str) -> list[str]:
        topics = parse_topics(values.get("topics", ""))
        problems = [unknown(topic, where) for topic in topics if topic not in module_ids]
        if len(set(topics)) != len(topics):
            problems.append(f"{where}: field 'topics' names a module twice")
        if len(topics) > MAX_TOPICS:
            problems.append(f"{where}: field 'topics' has {len(topics)} topics; at most 10")
        available = values.get("available", "").lower()
        if available not in YES | NO:
            problems.append(f"{where}: field 'available': {available!r} is not yes or no")
        return problems

    return check


def parse_pool(
    text: str, source: str, default_timezone: str, module_ids: Collection[str]
) -> list[PoolRow]:
    """Every candidate of a pool CSV; RosterError listing every problem (nothing kept)."""
    check = _checker(module_ids)
    rows = read_rows(text, source, default_timezone, columns=POOL_COLUMNS, check_extra=check)
    problems = list(rows.problems)
    first_line: dict[str, int] = {}
    for member in rows.members:
        if member.email in first_line:
            problems.append(
                f"{source} line {member.line}: email {member.email} is already used on line "
                f"{first_line[member.email]}; emails must be unique (person: {member.name})"
            )
        first_line.setdefault(member.email, member.line)
    if not rows.members and not problems:
        problems.append(f"{source}: no candidates; expected one line per person after the header")
    if problems:
        raise RosterError(problems)
    return [
        PoolRow(
            member,
            parse_topics(values.get("topics", "")),
            values.get("available", "").lower() not in NO,
        )
        for member, values in zip(rows.members, rows.values, strict=True)
    ]


def read_pool_csv(path: Path, default_timezone: str, module_ids: Collection[str]) -> list[PoolRow]:
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise RosterError([f"{source}: cannot read ({err.strerror})"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise RosterError(
            [f"{source} line {line}: not UTF-8 text; save the file as 'CSV UTF-8' and try again"]
        ) from None
    return parse_pool(text, source, default_timezone, module_ids)


def pool_warnings(rows: Sequence[PoolRow], source: str) -> list[str]:
    """What an accepted pool still deserves a word about: EST-style zones and a reports_to
    that nearly names someone in the file."""
    members = [row.member for row in rows]
    warnings = []
    for m in members:
        warning = timezone_warning(m.timezone, f"{source} line {m.line} ({printable(m.name)})")
        if warning:
            warnings.append(warning)
    return warnings + near_miss_warnings(members, source)
