"""A pool of candidates before any group exists, and what the survey learnt about them.

`load_candidates` is what forming groups reads: each candidate with the topics they want most
(a survey answer overrides the CSV's `topics`) and whether they are available (a decline to the
survey makes them unavailable).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from plg_tui.core.modules import list_modules
from plg_tui.core.pool_csv import PoolRow, pool_warnings, read_pool_csv
from plg_tui.errors import PlgError
from plg_tui.vault.paths import DataHome
from plg_tui.vault.pool_store import pool_keys, read_answers, read_pool, write_pool
from plg_tui.vocabulary import SurveyState

DEFAULT_TIMEZONE = "UTC"


class PoolError(PlgError):
    """A pool problem a person can fix; nothing was written."""


@dataclass(frozen=True)
class Candidate:
    name: str
    email: str
    title: str
    level: int
    reports_to: str
    department: str
    timezone: str
    topics: tuple[str, ...]  # module ids, most wanted first
    available: bool


@dataclass(frozen=True)
class SurveyAnswer:
    """A candidate's last reply to the survey (a second reply replaces the first)."""

    email: str
    state: SurveyState
    choices: tuple[str, ...] = ()  # module ids, most wanted first
    times: tuple[str, ...] = ()  # times of day that suit them (fixed words, never free text)
    at: str = ""

    def as_record(self) -> dict[str, Any]:
        record = asdict(self)
        record.update(state=str(self.state), choices=list(self.choices), times=list(self.times))
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SurveyAnswer:
        return cls(
            email=str(record["email"]),
            state=SurveyState(record["state"]),
            choices=tuple(str(c) for c in record.get("choices", ())),
            times=tuple(str(t) for t in record.get("times", ())),
            at=str(record.get("at", "")),
        )


def _row_record(row: PoolRow) -> dict[str, Any]:
    m = row.member
    return {
        "name": m.name,
        "email": m.email,
        "title": m.title,
        "level": m.level,
        "reports_to": m.reports_to,
        "department": m.department,
        "timezone": m.timezone,
        "topics": list(row.topics),
        "available": row.available,
    }


def _candidate(record: dict[str, Any]) -> Candidate:
    return Candidate(
        name=str(record["name"]),
        email=str(record["email"]),
        title=str(record.get("title", "")),
        level=int(record["level"]),
        reports_to=str(record.get("reports_to", "")),
        department=str(record.get("department", "")),
        timezone=str(record.get("timezone", DEFAULT_TIMEZONE)),
        topics=tuple(str(t) for t in record.get("topics", ())),
        available=bool(record.get("available", True)),
    )


def import_pool(
    home: Path,
    name: str,
    csv_path: Path,
    default_timezone: str = DEFAULT_TIMEZONE,
    warn: Callable[[str], None] | None = None,
) -> tuple[Candidate, ...]:
    """Read and check the CSV, then replace the pool's candidates (the survey's settings and
    answers stay). RosterError lists every problem; nothing is written then. `warn` hears
    what is accepted but deserves a word (EST-style zones, a reports_to nearly naming one)."""
    DataHome(home).pool(name)  # the name is checked before anything is read
    module_ids = {m.id for m in list_modules(home)}
    rows = read_pool_csv(csv_path, default_timezone, module_ids)
    if warn is not None:
        for warning in pool_warnings(rows, str(csv_path)):
            warn(warning)
    keys = pool_keys(home, name, create=True)
    tables = read_pool(home, keys)
    tables["candidates"] = {str(i): _row_record(row) for i, row in enumerate(rows, 1)}
    write_pool(home, keys, tables)
    return tuple(_candidate(_row_record(row)) for row in rows)


def pool_candidates(home: Path, name: str) -> tuple[Candidate, ...]:
    """The candidates as imported (the CSV's topics and availability)."""
    tables = read_pool(home, pool_keys(home, name))
    return tuple(_candidate(r) for r in tables.get("candidates", {}).values())


def survey_answers(home: Path, name: str) -> dict[str, SurveyAnswer]:
    """email -> the candidate's last survey reply."""
    tables = read_answers(home, pool_keys(home, name))
    answers = (SurveyAnswer.from_record(r) for r in tables.get("answers", {}).values())
    return {a.email: a for a in answers}


@dataclass(frozen=True)
class RefusedReply:
    """A message to the survey that was not counted: why, from whom, when; never its text."""

    reason: str
    sender: str
    at: str
    candidate: str = ""  # whose survey it answers, when its token says so


def survey_refused_replies(home: Path, name: str) -> tuple[RefusedReply, ...]:
    """The pool's log of unreadable replies and disbelieved bounces, oldest first (capped)."""
    tables = read_answers(home, pool_keys(home, name))
    return tuple(
        RefusedReply(
            reason=str(r.get("reason", "")),
            sender=str(r.get("sender", "")),
            at=str(r.get("at", "")),
            candidate=str(r.get("candidate", "")),
        )
        for r in tables.get("unreadable", {}).values()
    )


def load_candidates(home: DataHome, name: str) -> tuple[Candidate, ...]:
    """Every candidate with the survey applied: an answer's choices replace the CSV's topics,
    a decline makes them unavailable, an unreadable reply changes nothing."""
    answers = survey_answers(home.root, name)
    result = []
    for candidate in pool_candidates(home.root, name):
        answer = answers.get(candidate.email)
        if answer is not None and answer.state == SurveyState.ANSWERED:
            candidate = replace(candidate, topics=answer.choices)
        elif answer is not None and answer.state == SurveyState.DECLINED:
            candidate = replace(candidate, available=False)
        result.append(candidate)
    return tuple(result)
