"""Replies to a pool's topic survey, on the ingester's one path.

A survey email's Reply-To carries a token whose week is SURVEY_WEEK and whose name is the
pool's. The reply is checked as a journal reply is (token, sender, authentication, window),
cleaned (quotes, signatures, HTML), read (`survey_choices`) and only what was understood is
kept: the topic ids, a decline, or that it was unreadable, with the reason, sender and date.
The reply's text is never stored, logged or echoed. `commit` writes the answers under
answers.db's lock and queues the acknowledgement (or the "reply like this" email) in the
pool's ledger; `send` sends those through the survey's sending path, each at most once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from email.message import Message
from pathlib import Path

from companion.inbound.classify import sender_authentication_failed
from companion.inbound.inbound_message import (
    MAX_MESSAGE_BYTES,
    addresses,
    entry_id_for,
    header_text,
    member_text,
    read_body,
    written_at,
)
from companion.inbound.notices import NoticeReport
from companion.inbound.outcome import Outcome
from companion.inbound.routing import RECIPIENT_HEADERS
from companion.inbound.survey_choices import read_choices
from companion.inbound.survey_run import (
    SENDER_LOG_CHARS,
    UNREADABLE_LOG_CAP,
    PoolRun,
    SurveyNotice,
)
from companion.inbound.survey_threads import SurveyThreads
from companion.mailtext.clean import is_stop_request
from companion.outbound.group_send import GroupOutcome, PoolHolder
from companion.outbound.ledger import Ledger
from companion.outbound.outbound_settings import OutboundSettings
from companion.outbound.schedule import ScheduleSettings
from companion.outbound.survey_mail import ACK, CLOSED, SURVEY_WEEK, UNREADABLE
from companion.outbound.survey_send import pool_ledger_files, queue, send_pools
from companion.settings import EmailSettings, SmtpSettings
from companion.tokens import ParsedToken, find_tokens, parse_token, verify_token
from plg_tui.core.modules import list_modules
from plg_tui.core.pool import SurveyAnswer, pool_candidates
from plg_tui.core.survey import survey_settings
from plg_tui.errors import PlgError
from plg_tui.vault.pool_store import answers_for_update, pool_exists, pool_keys
from plg_tui.vocabulary import SurveyState


class SurveyReplies:
    def __init__(
        self,
        home: Path,
        now: datetime,
        log: Callable[[str], None],
        *,
        schedule: ScheduleSettings,
        ledger_timeout: float | None = 60.0,
    ) -> None:
        self.home = home
        self.now = now
        self.log = log
        self.schedule = schedule
        self.ledger_timeout = ledger_timeout
        self._threads = SurveyThreads(home, log)
        self._pools: dict[str, PoolRun | None] = {}
        self.touched: set[str] = set()

    def _pool(self, name: str) -> PoolRun | None:
        if name not in self._pools:
            self._pools[name] = None
            try:
                if pool_exists(self.home, name):
                    settings = survey_settings(self.home, name)
                    if settings is not None:
                        titles = {m.id: m.title for m in list_modules(self.home)}
                        topics = [(m, titles.get(m, m)) for m in settings.modules]
                        emails = [c.email for c in pool_candidates(self.home, name)]
                        keys = pool_keys(self.home, name)
                        self._pools[name] = PoolRun(keys, emails, settings, topics)
            except PlgError as err:
                self.log(f"plg-companion: pool '{name}' cannot be opened: {err}")
        return self._pools[name]

    def _token(self, headers: Message) -> ParsedToken | None:
        for name in RECIPIENT_HEADERS:
            for found in find_tokens(header_text(headers, name)):
                parsed = parse_token(found)
                if parsed is not None and parsed.week == SURVEY_WEEK:
                    return parsed
        return None

    def receive(self, raw: bytes, message: Message | None, headers: Message) -> Outcome | None:
        """The outcome of a survey reply; None when the message answers no survey."""
        token = self._token(headers)
        if token is not None:
            pool = self._pool(token.slug)
            if pool is None:
                return Outcome("dropped", "survey of no pool we have")
            member = verify_token(pool.keys, token, pool.emails)
            if token.unsubscribe:  # List-Unsubscribe: no more survey emails, ever
                return self._unsubscribe(token.slug, pool, member, headers)
            expired = token.expired(self.now)
            return self._reply(token.slug, pool, member, expired, raw, message, headers)
        answered = self._threads.answered(headers)  # a reply that lost its token
        if answered is None:
            return None
        name, candidate = answered
        pool = self._pool(name)
        if pool is None:
            return Outcome("dropped", "survey of no pool we have")
        member = candidate if candidate in pool.emails else None
        return self._reply(name, pool, member, False, raw, message, headers)

    def _reply(
        self,
        name: str,
        pool: PoolRun,
        member: str | None,
        expired: bool,
        raw: bytes,
        message: Message | None,
        headers: Message,
    ) -> Outcome:
        senders = addresses(headers, "From")
        sender = senders[0] if len(set(senders)) == 1 else ""
        problem = None
        if member is None:
            problem = "reply token not valid"
        elif sender != member:
            problem = "sender is not the candidate"
        elif sender_authentication_failed(headers):
            problem = "sender authentication failed"
        elif len(raw) > MAX_MESSAGE_BYTES or message is None:
            problem = "message larger than 1 MiB or unreadable"
        if problem is None and member is not None and self._closed(pool, expired):
            self._log_refused(pool, "the survey has closed", sender, member)
            return self._closed_reply(name, pool, member, headers)
        if problem is not None or member is None or message is None:
            return self._unreadable(name, pool, None, problem or "", sender, answering=member)
        try:
            text, _cut = member_text(read_body(message))
        except Exception:  # broken MIME ends as an unreadable reply, never a crash
            return self._unreadable(name, pool, member, "message could not be read", sender)
        reading = read_choices(text, pool.topics)
        if is_stop_request(text):
            reading = type(reading)(SurveyState.DECLINED)
        tag = entry_id_for(headers, raw, group_id=pool.keys.group_id, member=member)[0][:16]
        if reading.state == SurveyState.UNREADABLE:
            pool.notices[tag] = SurveyNotice.answering(UNREADABLE, member, tag, headers)
            return self._unreadable(name, pool, member, reading.reason, sender)
        at = written_at(headers) or self.now.isoformat(timespec="seconds")
        choices = tuple(pool.topics[n - 1][0] for n in reading.choices)
        answer = SurveyAnswer(member, reading.state, choices, reading.times, at)
        earlier = pool.answers.get(member)
        if earlier is None or earlier.state == SurveyState.UNREADABLE or earlier.at <= at:
            pool.answers[member] = answer
        pool.notices[tag] = SurveyNotice.answering(ACK, member, tag, headers)
        self.touched.add(name)
        return Outcome("placed", f"survey {reading.state}", f"pool {name}", member, None)

    def _unsubscribe(
        self, name: str, pool: PoolRun, member: str | None, headers: Message
    ) -> Outcome:
        senders = addresses(headers, "From")
        if member is None or senders != [member] or sender_authentication_failed(headers):
            return Outcome("dropped", "unsubscribe address not valid", f"pool {name}")
        pool.opt_outs.add(member)
        self.touched.add(name)
        return Outcome("stopped", "stop request by unsubscribe address", f"pool {name}", member)

    def _closed(self, pool: PoolRun, token_expired: bool) -> bool:
        """After the closing day (UTC) a reply is not counted: the results the champions read
        on that day stay the results. `plg survey send NAME --closes LATER` reopens it."""
        return self.now.date() > pool.settings.closes or token_expired

    def _closed_reply(self, name: str, pool: PoolRun, member: str, headers: Message) -> Outcome:
        key = f"{CLOSED}:{member}"  # one answer per candidate, under their first late reply
        pool.notices.setdefault(key, SurveyNotice.answering(CLOSED, member, "", headers))
        self.touched.add(name)
        return Outcome("dropped", "the survey has closed", f"pool {name}", member, None)

    def _unreadable(
        self,
        name: str,
        pool: PoolRun,
        member: str | None,
        reason: str,
        sender: str,
        *,
        answering: str | None = None,
    ) -> Outcome:
        """Log a reply not counted; `member` is marked unreadable (asked to reply again),
        `answering` only named: whose survey a reply from another address answers."""
        at = self.now.isoformat(timespec="seconds")
        self._log_refused(pool, reason, sender, member or answering)
        if member is not None and member not in pool.answers:
            pool.answers[member] = SurveyAnswer(member, SurveyState.UNREADABLE, at=at)
        self.touched.add(name)
        return Outcome("quarantined", reason, f"pool {name}", member, None)

    def _log_refused(self, pool: PoolRun, reason: str, sender: str, candidate: str | None) -> None:
        """The champion's log (`plg survey status --names`): why, from whom, whose survey."""
        at = self.now.isoformat(timespec="seconds")
        record = {"reason": reason, "sender": sender[:SENDER_LOG_CHARS], "at": at}
        if candidate:
            record["candidate"] = candidate
        pool.unreadable.append(record)

    def commit(self) -> None:
        """Write what this run learnt to each pool's answers and ledger; forget it then."""
        for name in sorted(self.touched):
            pool = self._pools.get(name)
            if pool is None or not pool_exists(self.home, name):
                continue  # purged while this run read its mail: a purge stays a purge
            with answers_for_update(self.home, pool.keys) as tables:
                stored = tables.setdefault("answers", {})
                for email, answer in pool.answers.items():
                    old = stored.get(email)
                    if answer.state == SurveyState.UNREADABLE and old:
                        continue  # an unreadable reply never erases a readable one
                    if old and old.get("state") != SurveyState.UNREADABLE and old["at"] > answer.at:
                        continue  # an older reply read late: the newer one stands
                    stored[email] = answer.as_record()
                log = list(tables.get("unreadable", {}).values()) + pool.unreadable
                log = log[-UNREADABLE_LOG_CAP:]
                tables["unreadable"] = {str(i): r for i, r in enumerate(log, 1)}
            files = pool_ledger_files(self.home, name)
            timeout = self.ledger_timeout
            with Ledger.locked(self.home, pool.keys, timeout=timeout, files=files) as ledger:
                at = self.now.isoformat(timespec="seconds")
                for email in sorted(pool.opt_outs):
                    if ledger.member(email).opted_out:
                        continue
                    ledger.set_member(
                        email, opted_out=True, opted_out_at=at, opted_out_by="unsubscribe address"
                    )
                for notice in pool.notices.values():
                    queue(
                        ledger,
                        notice.kind,
                        [notice.email],
                        self.now,
                        notice.tag,
                        in_reply_to=notice.in_reply_to,
                        references=notice.references,
                    )
                ledger.save()
            pool.answers.clear()
            pool.unreadable.clear()
            pool.notices.clear()
            pool.opt_outs.clear()

    def send(self, email: EmailSettings, smtp: SmtpSettings | None) -> NoticeReport:
        """Send the answers to this run's survey replies (and whatever else of those pools
        may go now); nothing without a server: they wait for the next run."""
        if smtp is None or not self.touched:
            return NoticeReport()
        timeout = 600.0 if self.ledger_timeout is None else self.ledger_timeout
        outbound = OutboundSettings(email, self.schedule, smtp, timeout)

        async def run() -> list[GroupOutcome]:
            holder = PoolHolder(smtp)
            try:
                return await send_pools(self.home, outbound, self.now, holder, sorted(self.touched))
            finally:
                await holder.close()

        outcomes = asyncio.run(run())
        for outcome in outcomes:
            if outcome.error:
                self.log(f"plg-companion: {outcome.summary()}")
        return NoticeReport(
            sum(o.sent for o in outcomes),
            sum(o.failed for o in outcomes),
            sum(o.deferred for o in outcomes),
        )
