"""`plg survey ...`: ask a pool's candidates by email which topics they want.

The emails go out through the companion's sending path (its composer, SMTP pool and a ledger
in the pool's folder: at most once, quiet hours in each candidate's time zone); what may not
go now is sent by the companion's next `run` or `send`. Replies come in through its ingest.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plg_tui.cli.common import CommandError
from plg_tui.cli.survey_status import cmd_status, survey_counts
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable


def register(commands: Any) -> None:
    survey = commands.add_parser("survey", help="ask a pool by email which topics they want")
    sub = survey.add_subparsers(dest="survey_command", metavar="ACTION", required=True)

    send = sub.add_parser("send", help="email every available candidate the topic survey")
    send.add_argument("name", help="the pool")
    send.add_argument("--modules", metavar="ID,ID,...", help="the topics (default: all)")
    send.add_argument("--closes", metavar="YYYY-MM-DD", help="last day (default: in 14 days)")
    send.add_argument(
        "--ask-times", action="store_true", help="also ask which times of day suit them"
    )
    remind = sub.add_parser("remind", help="remind who has not answered (once)")
    remind.add_argument("name", help="the pool")
    status = sub.add_parser(
        "status", help="sent, answered, unreadable, declined, waiting, bounced, failed, queued"
    )
    status.add_argument("name", help="the pool")
    status.add_argument(
        "--names",
        action="store_true",
        help="also show whose email bounced or was refused (and how to fix it) and the messages "
        "not counted",
    )
    results = sub.add_parser("results", help="votes per topic")
    results.add_argument("name", help="the pool")
    results.add_argument("--names", action="store_true", help="also show who chose each topic")
    for command, handler in ((send, cmd_send), (remind, cmd_remind)):
        command.set_defaults(handler=handler)
    status.set_defaults(handler=cmd_status)
    results.set_defaults(handler=cmd_results)
    for command in (send, remind, status, results):
        command.add_argument("--now", help=argparse.SUPPRESS)  # tests set the clock


def _now(args: argparse.Namespace) -> datetime:
    if not args.now:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(args.now)
    except ValueError:
        raise CommandError(f"--now {args.now!r}: use ISO 8601") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _send_now(home: Path, name: str, now: datetime) -> int:
    from companion.outbound.group_send import PoolHolder
    from companion.outbound.outbound_settings import load_outbound_settings
    from companion.outbound.survey_send import send_pool
    from companion.settings import ConfigError
    from plg_tui.core.settings import load_settings

    try:
        outbound = load_outbound_settings(load_settings(home))
    except ConfigError as err:
        raise CommandError(f"{err}; the emails are queued for plg-companion") from None

    async def run() -> Any:
        holder = PoolHolder(outbound.smtp)
        try:
            return await send_pool(home, name, outbound, now, holder)
        finally:
            await holder.close()

    outcome = asyncio.run(run())
    print(outcome.summary())
    if outcome.waiting:
        print(f"{outcome.waiting} wait for the end of quiet hours; plg-companion run sends them")
    if outcome.failed:
        print(
            f"{outcome.failed} refused by the mail server: plg survey status {name} --names "
            f"shows who and why; plg survey send {name} tries them again"
        )
    return int(outcome.exit_code)


def cmd_send(args: argparse.Namespace) -> int:
    from companion.outbound.survey_mail import INVITATION
    from companion.outbound.survey_send import queue_for_pool
    from plg_tui.core.pool import pool_candidates
    from plg_tui.core.survey import (
        SurveySettings,
        choose_modules,
        closing_date,
        save_survey,
        survey_settings,
    )

    home, now = resolve_home(args.home), _now(args)
    candidates = pool_candidates(home, args.name)
    earlier = survey_settings(home, args.name)
    if earlier is not None and args.closes is None and earlier.closes < now.date():
        raise CommandError(
            f"the survey of pool '{args.name}' closed on {earlier.closes}; to reopen it give "
            "a new last day: --closes YYYY-MM-DD"
        )
    # sending again (to candidates imported since) keeps the topics and closing day unless told
    modules = (
        earlier.modules if earlier and not args.modules else choose_modules(home, args.modules)
    )
    settings = SurveySettings(
        modules=modules,
        closes=closing_date(args.closes, now) if args.closes or not earlier else earlier.closes,
        ask_times=args.ask_times or bool(earlier and earlier.ask_times),
        started=earlier.started if earlier else now.isoformat(timespec="seconds"),
    )
    if earlier is not None and earlier.modules != settings.modules:
        raise CommandError(
            "the survey went out with other topics; its numbers must keep their meaning "
            "(send again without --modules, or import a new pool)"
        )
    save_survey(home, args.name, settings)
    emails = [c.email for c in candidates if c.available]
    queued = queue_for_pool(home, args.name, INVITATION, emails, now, 60.0, retry_refused=True)
    left_out = len(candidates) - len(emails)
    print(
        f"survey of pool '{args.name}': {len(settings.modules)} topics, closes "
        f"{settings.closes}; {_emails(queued.new)} queued"
        + (
            f" ({_candidates(left_out)} marked unavailable {_are(left_out)} not asked)"
            if left_out
            else ""
        )
    )
    if queued.retried:
        print(f"{queued.retried} failed earlier, queued again (the mail server refused them)")
    return _send_now(home, args.name, now)


def _emails(count: int) -> str:
    return f"{count} email{'' if count == 1 else 's'}"


def _candidates(count: int) -> str:
    return f"{count} candidate{'' if count == 1 else 's'}"


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def cmd_remind(args: argparse.Namespace) -> int:
    from companion.outbound.survey_mail import REMINDER
    from companion.outbound.survey_send import queue_for_pool
    from plg_tui.core.pool import survey_answers

    home, now = resolve_home(args.home), _now(args)
    counts = survey_counts(home, args.name)
    answered = set(survey_answers(home, args.name))
    silent = sorted(e for e in counts.sent_to if e not in answered and e not in counts.bounced)
    queued = queue_for_pool(home, args.name, REMINDER, silent, now, 60.0, retry_refused=True)
    print(f"reminders queued: {queued.new} (never more than one per candidate)")
    if queued.retried:
        print(f"{queued.retried} failed earlier, queued again (the mail server refused them)")
    return _send_now(home, args.name, now)


def cmd_results(args: argparse.Namespace) -> int:
    from plg_tui.core.modules import list_modules
    from plg_tui.core.pool import pool_candidates, survey_answers
    from plg_tui.core.survey import survey_settings, time_of_day_counts, topic_votes

    home = resolve_home(args.home)
    settings = survey_settings(home, args.name)
    if settings is None:
        raise CommandError(f"pool '{args.name}' has no survey yet (plg survey send {args.name})")
    emails = {c.email: c.name for c in pool_candidates(home, args.name)}
    answers = [a for e, a in survey_answers(home, args.name).items() if e in emails]
    titles = {m.id: m.title for m in list_modules(home)}
    print("first\tscore\ttopic")
    for votes in topic_votes(answers, settings.modules):
        title = titles.get(votes.module, votes.module)
        fields = [str(votes.first), str(votes.score), f"{votes.module} — {title}"]
        if args.names and votes.voters:
            fields.append(", ".join(emails[v] for v in votes.voters))
        print("\t".join(printable(field) for field in fields))  # printable drops tabs
    print("score: 3 points for a first choice, 2 for a second, 1 for a third")
    if settings.ask_times:
        counts = time_of_day_counts(answers)
        named = ", ".join(f"{time} {n}" for time, n in counts.items())
        print(f"times of day that suit them (answers naming each): {named}")
    return 0
