"""`plg survey status NAME`: the survey's counts from the pool's ledger and answers, and with
`--names` whose email bounced or was refused (and how to fix it) and the messages not counted.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable

if TYPE_CHECKING:
    from companion.outbound.ledger_records import LedgerMessage, MemberDelivery
    from plg_tui.core.pool import SurveyAnswer

# the refused-message log keeps more; the champion needs the latest
REFUSED_SHOWN = 20


@dataclass(frozen=True)
class SurveyCounts:
    """Where each candidate of the pool is in the survey (emails of candidates only)."""

    names: dict[str, str]  # email -> name
    sent_to: frozenset[str]  # an invitation was handed over
    answers: dict[str, SurveyAnswer]
    bounced: dict[str, MemberDelivery]  # a delivery report said the address fails
    refused: dict[str, LedgerMessage]  # the server refused the invitation or reminder for good
    queued: int  # invitations and reminders not yet sent (quiet hours, or no run since)


def survey_counts(home: Path, name: str) -> SurveyCounts:
    from companion.outbound.ledger_records import MessageState
    from companion.outbound.survey_mail import INVITATION, REMINDER
    from companion.outbound.survey_send import read_ledger
    from plg_tui.core.pool import pool_candidates, survey_answers

    candidates = {c.email: c.name for c in pool_candidates(home, name)}
    ledger = read_ledger(home, name)
    ours = [
        r
        for r in ledger.messages.values()
        if r.kind in (INVITATION, REMINDER) and r.member in candidates
    ]
    sent_to = {
        r.member
        for r in ours
        if r.kind == INVITATION and r.state in (MessageState.SENT, MessageState.SENDING)
    }
    refused = {r.member: r for r in ours if r.state is MessageState.FAILED}
    answers = {e: a for e, a in survey_answers(home, name).items() if e in candidates}
    # a bounce is of an address: one corrected by a later import is no longer bouncing
    bounced = {e: ledger.member(e) for e in sorted(candidates) if ledger.member(e).bouncing}
    return SurveyCounts(
        names=candidates,
        sent_to=frozenset(sent_to),
        answers=answers,
        bounced=bounced,
        refused=dict(sorted(refused.items())),
        queued=sum(r.state is MessageState.DEFERRED for r in ours),
    )


def bounced_emails(home: Path, name: str) -> frozenset[str]:
    """The pool's candidates whose survey email bounced (none if no survey went out)."""
    return frozenset(survey_counts(home, name).bounced)


def cmd_status(args: argparse.Namespace) -> int:
    from plg_tui.vocabulary import SurveyState

    home = resolve_home(args.home)
    counts = survey_counts(home, args.name)
    states = [a.state for a in counts.answers.values()]
    print(f"sent: {len(counts.sent_to)}")
    print(f"answered: {states.count(SurveyState.ANSWERED)}")
    print(f"unreadable: {states.count(SurveyState.UNREADABLE)}")
    print(f"declined: {states.count(SurveyState.DECLINED)}")
    print(f"waiting: {len(counts.sent_to - set(counts.answers) - set(counts.bounced))}")
    # new lines go last: the lines before keep their places
    print(f"bounced: {len(counts.bounced)}")
    print(f"failed: {len(counts.refused)}")
    print(f"queued: {counts.queued}")
    if args.names:
        _print_bounced(counts, args.name)
        _print_failed(counts, args.name)
        _print_refused(home, args.name)
    return 0


def _print_bounced(counts: SurveyCounts, pool: str) -> None:
    reasons = {e: d.bounce_reason or "failed" for e, d in counts.bounced.items()}
    _print_people(
        counts,
        "whose email bounced (delivery status code):",
        reasons,
        "to fix: correct these emails in the pool CSV, then run "
        f"plg pool import {pool} FILE and plg survey send {pool} "
        "(it emails only the corrected addresses, once)",
    )


def _print_failed(counts: SurveyCounts, pool: str) -> None:
    reasons = {e: r.error or "refused" for e, r in counts.refused.items()}
    _print_people(
        counts,
        "whose email the mail server refused (its reply):",
        reasons,
        "to fix: a 5.1.x reply means a wrong address: correct it in the pool CSV and run "
        f"plg pool import {pool} FILE; otherwise ask the mail server's admin. Then "
        f"plg survey send {pool} sends refused invitations again, plg survey remind {pool} "
        "refused reminders (nothing was delivered)",
    )


def _print_people(counts: SurveyCounts, heading: str, reasons: dict[str, str], fix: str) -> None:
    """A heading, one line per candidate (name, email, why), and how to fix; nothing if none."""
    if not reasons:
        return
    print(heading)
    for email, why in reasons.items():
        print("  " + printable(f"{counts.names[email]} <{email}> {why}"))
    print(fix)


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
