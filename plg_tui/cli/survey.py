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
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable

# the refused-message log keeps more; the champion needs the latest
REFUSED_SHOWN = 20


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
    status = sub.add_parser("status", help="sent, answered, unreadable, declined, bounced, waiting")
    status.add_argument("name", help="the pool")
    status.add_argument(
        "--names",
        action="store_true",
        help="also show whose email bounced (and how to fix it) and the messages not counted",
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
    queued = queue_for_pool(home, args.name, INVITATION, emails, now, 60.0)
    left_out = len(candidates) - len(emails)
    print(
        f"survey of pool '{args.name}': {len(settings.modules)} topics, closes "
        f"{settings.closes}; {queued} email{'' if queued == 1 else 's'} queued"
        + (f" ({left_out} candidates marked unavailable are not asked)" if left_out else "")
    )
    return _send_now(home, args.name, now)


def cmd_remind(args: argparse.Namespace) -> int:
    from companion.outbound.survey_mail import REMINDER
    from companion.outbound.survey_send import queue_for_pool
    from plg_tui.core.pool import survey_answers

    home, now = resolve_home(args.home), _now(args)
    counts = _counts(home, args.name)
    answered = set(survey_answers(home, args.name))
    silent = [e for e in counts["sent_to"] if e not in answered and e not in counts["bounced"]]
    queued = queue_for_pool(home, args.name, REMINDER, silent, now, 60.0)
    print(f"reminders queued: {queued} (never more than one per candidate)")
    return _send_now(home, args.name, now)


def _counts(home: Path, name: str) -> dict[str, Any]:
    from companion.outbound.ledger_records import MessageState
    from companion.outbound.survey_mail import INVITATION
    from companion.outbound.survey_send import read_ledger
    from plg_tui.core.pool import pool_candidates, survey_answers

    candidates = {c.email: c.name for c in pool_candidates(home, name)}
    emails = set(candidates)
    ledger = read_ledger(home, name)
    sent_to = {
        r.member
        for r in ledger.messages.values()
        if r.kind == INVITATION
        and r.state in (MessageState.SENT, MessageState.SENDING)
        and r.member in emails
    }
    answers = {e: a for e, a in survey_answers(home, name).items() if e in emails}
    # a bounce is of an address: one corrected by a later import is no longer bouncing
    bounced = {e: ledger.member(e) for e in sorted(emails) if ledger.member(e).bouncing}
    return {"sent_to": sent_to, "answers": answers, "bounced": bounced, "names": candidates}


def cmd_status(args: argparse.Namespace) -> int:
    from plg_tui.vocabulary import SurveyState

    home = resolve_home(args.home)
    counts = _counts(home, args.name)
    states = [a.state for a in counts["answers"].values()]
    replied = set(counts["answers"])
    print(f"sent: {len(counts['sent_to'])}")
    print(f"answered: {states.count(SurveyState.ANSWERED)}")
    print(f"unreadable: {states.count(SurveyState.UNREADABLE)}")
    print(f"declined: {states.count(SurveyState.DECLINED)}")
    print(f"waiting: {len(counts['sent_to'] - replied - set(counts['bounced']))}")
    print(f"bounced: {len(counts['bounced'])}")  # last: the lines before keep their places
    if args.names and counts["bounced"]:
        print("whose email bounced (delivery status code):")
        for email, delivery in counts["bounced"].items():
            who = f"{counts['names'][email]} <{email}> {delivery.bounce_reason or 'failed'}"
            print("  " + printable(who))
        print(
            "to fix: correct these emails in the pool CSV, then run "
            f"plg pool import {args.name} FILE and plg survey send {args.name} "
            "(it emails only the corrected addresses, once)"
        )
    if args.names:
        _print_refused(home, args.name)
    return 0


def _print_refused(home: Path, name: str) -> None:
    from plg_tui.core.pool import survey_refused_replies

    logged = survey_refused_replies(home, name)
    refused = logged[-REFUSED_SHOWN:]
    if refused:
        latest = f", the last {len(refused)} of {len(logged)}" if len(logged) > len(refused) else ""
        print(f"messages not counted (when, sender, why{latest}):")
        for reply in refused:
            whose = ""
            if reply.candidate and reply.candidate != reply.sender:
                whose = f" (answering the survey sent to {reply.candidate})"
            when = reply.at[:16].replace("T", " ")
            print("  " + printable(f"{when}  {reply.sender or '?'}  {reply.reason}{whose}"))
        print("an unreadable reply's sender was asked to reply again, like this: 3, 7, 1")


def cmd_results(args: argparse.Namespace) -> int:
    from plg_tui.core.modules import list_modules
    from plg_tui.core.pool import pool_candidates, survey_answers
    from plg_tui.core.survey import survey_settings, topic_votes

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
    return 0
