"""The topic survey of a pool: its settings (which topics, in which numbered order, until when)
and its results (votes per topic, never who chose what unless asked)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from plg_tui.core.modules import list_modules
from plg_tui.core.pool import PoolError, SurveyAnswer
from plg_tui.vault.pool_store import pool_keys, read_pool, write_pool
from plg_tui.vocabulary import SurveyState

DEFAULT_OPEN_DAYS = 14
MAX_CHOICES = 3
# A reply token stays valid this long after the closing day: a late reply is answered "the
# survey has closed" (and counted if `--closes` reopened the survey meanwhile).
LATE_REPLY_DAYS = 14


@dataclass(frozen=True)
class SurveySettings:
    modules: tuple[str, ...]  # module ids, numbered 1.. in this order in the email
    closes: date
    ask_times: bool = False
    started: str = ""

    @property
    def replies_until(self) -> date:
        return self.closes + timedelta(days=LATE_REPLY_DAYS)


def choose_modules(home: Path, asked: str | None) -> tuple[str, ...]:
    """The survey's topics: `--modules ID,ID,...` checked against the library, else all."""
    known = [m.id for m in list_modules(home)]
    if not asked:
        return tuple(known)
    ids = [part.strip().lower() for part in asked.split(",") if part.strip()]
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise PoolError(
            f"--modules: no module {', '.join(map(repr, unknown))}; known: {', '.join(known)}"
        )
    if len(set(ids)) != len(ids):
        raise PoolError("--modules names a module twice")
    if len(ids) > 99:
        raise PoolError("--modules: at most 99 topics")
    return tuple(ids)


def closing_date(asked: str | None, now: datetime) -> date:
    if not asked:
        return now.date() + timedelta(days=DEFAULT_OPEN_DAYS)
    try:
        closes = date.fromisoformat(asked)
    except ValueError:
        raise PoolError(f"--closes {asked!r}: use YYYY-MM-DD") from None
    if closes < now.date():
        raise PoolError(f"--closes {asked}: that day is past")
    return closes


def save_survey(home: Path, name: str, settings: SurveySettings) -> None:
    keys = pool_keys(home, name)
    tables = read_pool(home, keys)
    tables["survey"] = {
        "1": {
            "modules": list(settings.modules),
            "closes": settings.closes.isoformat(),
            "ask_times": settings.ask_times,
            "started": settings.started,
        }
    }
    write_pool(home, keys, tables)


def survey_settings(home: Path, name: str) -> SurveySettings | None:
    record = read_pool(home, pool_keys(home, name)).get("survey", {}).get("1")
    if not record:
        return None
    return SurveySettings(
        modules=tuple(str(m) for m in record["modules"]),
        closes=date.fromisoformat(record["closes"]),
        ask_times=bool(record.get("ask_times", False)),
        started=str(record.get("started", "")),
    )


@dataclass(frozen=True)
class TopicVotes:
    module: str
    first: int  # how many chose it first
    score: int  # rank-weighted: 3 for a first choice, 2 for a second, 1 for a third
    voters: tuple[str, ...]  # emails; shown only with --names


def topic_votes(answers: Iterable[SurveyAnswer], modules: Sequence[str]) -> list[TopicVotes]:
    """Every surveyed topic with its votes, most wanted first (score, then first choices)."""
    first = dict.fromkeys(modules, 0)
    score = dict.fromkeys(modules, 0)
    voters: dict[str, list[str]] = {m: [] for m in modules}
    for answer in answers:
        if answer.state != SurveyState.ANSWERED:
            continue
        for rank, module in enumerate(answer.choices[:MAX_CHOICES]):
            if module not in score:
                continue
            score[module] += MAX_CHOICES - rank
            first[module] += rank == 0
            voters[module].append(answer.email)
    votes = [TopicVotes(m, first[m], score[m], tuple(voters[m])) for m in modules]
    return sorted(votes, key=lambda v: (-v.score, -v.first, modules.index(v.module)))


# the times of day the survey reads in a reply ("mornings", "nachmittags"), in the day's order
TIMES_OF_DAY = ("morning", "midday", "afternoon", "evening")


def time_of_day_counts(answers: Iterable[SurveyAnswer]) -> dict[str, int]:
    """How many answers named each time of day (for a survey sent with --ask-times)."""
    counts = dict.fromkeys(TIMES_OF_DAY, 0)
    for answer in answers:
        if answer.state == SurveyState.ANSWERED:
            for time in answer.times:
                if time in counts:
                    counts[time] += 1
    return counts
