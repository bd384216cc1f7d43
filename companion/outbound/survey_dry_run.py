"""What a run would send of the pools' survey emails (`plg-companion run --dry-run`): the same
rules as `survey_send.send_pool`, read-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from companion.exit_codes import EXIT_FAILED
from companion.outbound.group_send import GroupOutcome
from companion.outbound.ledger_records import MessageState
from companion.outbound.local_time import local_datetime_text
from companion.outbound.outbound_settings import OutboundSettings
from companion.outbound.quiet_hours import out_of_quiet_hours
from companion.outbound.survey_mail import NOTICE_KINDS, SURVEY_KINDS
from companion.outbound.survey_send import read_ledger, survey_hold
from plg_tui.core.pool import pool_candidates
from plg_tui.core.survey import survey_settings
from plg_tui.errors import PlgError
from plg_tui.vault.pool_store import pool_names


def dry_run_pools(
    home: Path, outbound: OutboundSettings, now: datetime, out: Callable[[str], None]
) -> list[GroupOutcome]:
    """One outcome per pool with a survey; each queued email printed as would send/hold/skip."""
    outcomes = []
    for name in pool_names(home):
        outcome = GroupOutcome(f"pool {name}")
        try:
            settings = survey_settings(home, name)
            if settings is None:
                continue
            candidates = {c.email: c for c in pool_candidates(home, name)}
            ledger = read_ledger(home, name)
        except (PlgError, OSError) as problem:
            outcome.error = (str(problem) or type(problem).__name__).splitlines()[0]
            outcome.exit_code = EXIT_FAILED
            outcomes.append(outcome)
            continue
        closed = now.astimezone(UTC).date() > settings.closes
        for record in ledger.messages.values():
            if record.kind not in SURVEY_KINDS or record.state != MessageState.DEFERRED:
                continue
            candidate = candidates.get(record.member)
            what = f"pool {name}: {record.kind.replace('_', ' ')} to {record.member}"
            zone = candidate.timezone if candidate else None
            reason = survey_hold(record, ledger, zone, closed, now)
            if reason is not None or candidate is None:
                out(f"{what}: would skip ({(reason or 'skip:')[5:]})")
                continue
            opens = out_of_quiet_hours(now, ZoneInfo(candidate.timezone), outbound.schedule)
            if record.kind not in NOTICE_KINDS and opens > now:
                local = local_datetime_text(opens, candidate.timezone)
                out(f"{what}: holding (quiet hours; goes {local})")
                outcome.waiting += 1
                continue
            out(f"{what}: would send")
            outcome.sent += 1
        outcomes.append(outcome)
    return outcomes
