"""One inbound email -> a sealed journal entry, a quarantined item, a dropped notice, or a STOP.

Every source (IMAP, Maildir, one message on stdin) hands the raw bytes of each RFC 5322
message to `Ingester.receive`, the one code path. It decides where the message belongs, writes
what must be kept (entries and quarantined items are sealed to the group's public key, so the
companion can never read them back) and queues what the ledger must learn (opt-outs,
bounces, acknowledgements to send). `Ingester.commit` then applies the queued ledger changes
under each group's ledger lock, and `Ingester.send_notices` sends acknowledgements and STOP
confirmations, each at most once.

A source marks a message handled (moves it to cur/ or to the processed folder) only after
`receive` and `commit` have both returned: a crash in between means the message is read again
next time, and the second read finds the entry already there (the entry id is a hash of the
Message-ID), so nothing is lost and nothing is stored twice.

Nothing here logs, raises or records member-written text: reasons are fixed phrases.
"""

from __future__ import annotations

import asyncio
import codecs
import email
import email.header
import email.parser
import email.policy
import email.utils
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

from companion.clean import clean_reply, html_to_text, is_stop_request
from companion.ledger import Ledger, LedgerBusy
from companion.tokens import find_tokens, parse_token, verify_token
from plg_tui.core.home import group_slugs
from plg_tui.vault.errors import DiskWriteError, VaultError
from plg_tui.vault.group import INBOX, QUARANTINE, GroupVault, message_hash, write_sealed_entry
from plg_tui.vault.keys import GroupKeys, load_operations_keys

MAX_MESSAGE_BYTES = 1024 * 1024
MAX_TEXT_CHARS = 20_000
MAX_MIME_DEPTH = 20
# A quarantined message is kept for the group to look at; beyond this it is cut.
MAX_QUARANTINED_BYTES = 2 * MAX_MESSAGE_BYTES
# Acknowledgements that could not go out are retried this long, then skipped.
NOTICE_RETRY_WINDOW = timedelta(days=2)
DEFAULT_LEDGER_TIMEOUT = 20.0

RECIPIENT_HEADERS = (
    "To",
    "Cc",
    "Delivered-To",
    "X-Original-To",
    "Envelope-To",
    "X-Envelope-To",
    "X-Delivered-To",
)
THREAD_HEADERS = ("In-Reply-To", "References")

# Subjects mail systems give automatic replies that carry none of the RFC 3834 headers.
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|auto:|out of (?:the )?office|"
    r"abwesenheitsnotiz|automatische antwort|réponse automatique|respuesta automática|"
    r"risposta automatica|automatisch antwoord|autosvar|fuera de la oficina)",
    re.IGNORECASE,
)
_AUTO_HEADERS = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "X-Auto-Reply",
    "X-Mailer-Autoreply",
)
# A stop request is a few words; longer text is an entry (saves re-cleaning every reply).
_STOP_CHECK_CHARS = 400
_DSN_STATUS = re.compile(r"^\s*([245])\.\d{1,3}\.\d{1,3}")


class IngestTemporaryError(Exception):
    """Try again later (the ledger is busy, the disk refused a write); nothing was lost."""


@dataclass(frozen=True)
class Outcome:
    """Where one message ended. `reason` is a fixed phrase, never text from the message."""

    action: str  # placed | duplicate | quarantined | dropped | stopped | bounced
    reason: str
    slug: str | None = None
    member: str | None = None
    week: int | None = None
    entry_id: str | None = None


@dataclass
class _Group:
    keys: GroupKeys
    names: dict[str, str]  # email (lower-case) -> display name

    @property
    def slug(self) -> str:
        return self.keys.slug


@dataclass
class _Pending:
    """Ledger changes for one group, applied by `commit`."""

    opt_outs: dict[str, str] = field(default_factory=dict)  # email -> how
    bounces: dict[str, str] = field(default_factory=dict)  # email -> status
    notices: dict[str, dict[str, Any]] = field(default_factory=dict)  # ledger key -> record


@dataclass(frozen=True)
class NoticeReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0


# -- reading a message without trusting it ------------------------------------------------------


def _split_head(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(separator)
        if index >= 0:
            return raw[: index + len(separator)]
    return raw


def _body_bytes(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(separator)
        if index >= 0:
            return raw[index + len(separator) :]
    return b""


def parse_headers(raw: bytes) -> Message:
    """The top-level header block only: cheap and safe even for a huge or broken message."""
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(_split_head(raw))


def header_text(message: Message, name: str) -> str:
    """All values of a header, decoded (RFC 2047), joined; '' if absent or unreadable."""
    values = message.get_all(name) or []
    decoded = []
    for value in values:
        try:
            decoded.append(str(email.header.make_header(email.header.decode_header(str(value)))))
        except Exception:  # noqa: BLE001 - a hostile header must not stop the ingester
            decoded.append(str(value))
    return " ".join(decoded).replace("\x00", "")


def addresses(message: Message, name: str) -> list[str]:
    try:
        pairs = email.utils.getaddresses([header_text(message, name)])
    except Exception:  # noqa: BLE001
        return []
    return [addr.strip().lower() for _name, addr in pairs if "@" in addr]


def _decode_payload(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        return ""
    if not isinstance(payload, bytes):
        return ""
    charset = (part.get_content_charset(None) or "").strip().lower()
    if charset in ("", "us-ascii", "ascii", "unknown-8bit", "x-unknown"):
        charset = "utf-8"
    try:
        charset = codecs.lookup(charset).name
    except (LookupError, ValueError):
        charset = "utf-8"
    if charset in ("iso8859-1", "latin-1"):
        # what mail clients do: ISO-8859-1 labels are read as Windows-1252 (Outlook's dashes)
        try:
            return payload.decode("cp1252")
        except UnicodeDecodeError:
            return payload.decode("latin-1")
    try:
        return payload.decode(charset)
    except (UnicodeDecodeError, LookupError, ValueError):
        pass
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace")


@dataclass
class _Body:
    plain: str | None = None
    html: str | None = None
    attachments: int = 0


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).split(";", 1)[0].strip().lower()
    if disposition == "attachment":
        return True
    try:
        return bool(part.get_filename())
    except Exception:  # noqa: BLE001
        return False


def _walk(part: Message, body: _Body, depth: int, in_related: bool) -> None:
    if depth > MAX_MIME_DEPTH:
        return
    ctype = part.get_content_type()
    if part.is_multipart():
        payload = part.get_payload()
        if not isinstance(payload, list):
            return
        related = ctype == "multipart/related"
        for child in payload:
            if isinstance(child, Message):
                _walk(child, body, depth + 1, related or in_related)
        return
    if ctype == "message/rfc822" or _is_attachment(part):
        if not (in_related and part.get("Content-ID")):
            body.attachments += 1
        return
    if ctype == "text/plain" and body.plain is None:
        body.plain = _decode_payload(part)
    elif ctype == "text/html" and body.html is None:
        body.html = _decode_payload(part)
    elif not ctype.startswith("text/") and not (in_related and part.get("Content-ID")):
        body.attachments += 1


def parse_message(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def read_body(message: Message) -> _Body:
    """The text/plain (else text/html) the member wrote and the number of attachments."""
    body = _Body()
    _walk(message, body, 0, False)
    return body


def member_text(body: _Body) -> tuple[str, bool]:
    """(cleaned text, truncated) preferring text/plain, else HTML rendered to text."""
    if body.plain is not None and body.plain.strip():
        return clean_reply(body.plain, max_chars=MAX_TEXT_CHARS)
    if body.html is not None:
        return clean_reply(html_to_text(body.html), max_chars=MAX_TEXT_CHARS)
    return "", False


def written_at(headers: Message) -> str:
    """The Date header as UTC ISO time ('' if missing or unreadable): orders a batch's entries."""
    try:
        moment = email.utils.parsedate_to_datetime(header_text(headers, "Date").strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except (ValueError, OverflowError):
        return ""


def entry_id_for(headers: Message, raw: bytes) -> tuple[str, str]:
    """(entry id, source hash): from the Message-ID, else from From + Date + body."""
    message_id = header_text(headers, "Message-ID").strip()
    if message_id:
        digest = message_hash(message_id)
    else:
        basis = "\n".join((header_text(headers, "From"), header_text(headers, "Date")))
        digest = message_hash(basis + "\n" + _body_bytes(raw).decode("utf-8", "replace"))
    return digest, digest


# -- what kind of message is this -----------------------------------------------------------


def _content_type(headers: Message) -> str:
    try:
        return headers.get_content_type()
    except Exception:  # noqa: BLE001
        return "text/plain"


def is_delivery_report(headers: Message) -> bool:
    if _content_type(headers) != "multipart/report":
        return False
    try:
        report_type = str(headers.get_param("report-type", "") or "").lower()
    except Exception:  # noqa: BLE001
        report_type = ""
    return report_type in ("", "delivery-status")


def auto_reply_reason(headers: Message) -> str | None:
    """Why this is an automatic message (RFC 3834 and what real systems send), else None."""
    auto = header_text(headers, "Auto-Submitted").strip().lower()
    if auto and auto.split(";", 1)[0].strip() != "no":
        return "auto-submitted"
    precedence = header_text(headers, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return "bulk or list precedence"
    for name in _AUTO_HEADERS:
        if headers.get(name) is not None:
            return "auto-reply header"
    if _content_type(headers) == "multipart/report":
        return "delivery or read report"
    return_path = headers.get_all("Return-Path") or []
    if return_path and str(return_path[0]).strip() in ("<>", ""):
        return "empty return path"
    if headers.get("List-Id") is not None or headers.get("List-Post") is not None:
        return "mailing list"
    if _AUTO_SUBJECT.match(header_text(headers, "Subject")):
        return "out-of-office reply"
    return None


def sender_authentication_failed(headers: Message) -> bool:
    """True when our own receiving server recorded a DMARC failure (topmost header only)."""
    results = headers.get_all("Authentication-Results") or []
    if not results:
        return False
    return bool(re.search(r"\bdmarc\s*=\s*fail\b", str(results[0]), re.IGNORECASE))


@dataclass(frozen=True)
class _Bounce:
    permanent: bool
    recipients: tuple[str, ...]
    status: str


def read_delivery_report(raw: bytes) -> _Bounce:
    """Action/Status/Final-Recipient of a DSN (RFC 3464); permanent if any 5.x.x failure."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    permanent = False
    recipients: list[str] = []
    status = ""
    for part in _iter_parts(message, 0):
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks: list[Message] = []
        if isinstance(payload, list):
            blocks = [p for p in payload if isinstance(p, Message)]
        elif isinstance(payload, str):
            blocks = [
                email.message_from_string(chunk)
                for chunk in re.split(r"\r?\n\r?\n", payload)
                if chunk.strip()
            ]
        for block in blocks:
            action = str(block.get("Action", "")).strip().lower()
            code = str(block.get("Status", "")).strip()
            final = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
            match = _DSN_STATUS.match(code)
            if action == "failed" or (match and match.group(1) == "5"):
                permanent = True
                status = status or code[:20]
                if ";" in final:
                    recipients.append(final.split(";", 1)[1].strip().strip("<>").lower())
    return _Bounce(permanent, tuple(recipients), status)


def _iter_parts(part: Message, depth: int) -> Iterator[Message]:
    if depth > MAX_MIME_DEPTH:
        return
    yield part
    payload = part.get_payload() if part.is_multipart() else None
    if isinstance(payload, list):
        for child in payload:
            if isinstance(child, Message):
                yield from _iter_parts(child, depth + 1)


# -- the ingester -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Route:
    group: _Group
    member: str | None  # None: the token did not verify
    week: int
    unsubscribe: bool


class Ingester:
    """Places messages for every group in the data home; see the module docstring.

    `now` is the received time written into entries; `acknowledge` False disables
    acknowledgement emails (STOP confirmations still go out).
    """

    def __init__(
        self,
        home: Path,
        *,
        now: datetime,
        source: str = "stdin",
        acknowledge: bool = True,
        ledger_timeout: float | None = DEFAULT_LEDGER_TIMEOUT,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.home = home
        self.now = now.astimezone(UTC)
        self.source = source
        self.acknowledge = acknowledge
        self.ledger_timeout = ledger_timeout
        self.log = log or (lambda line: print(line, file=sys.stderr))
        self._groups: dict[str, _Group | None] = {}
        self._pending: dict[str, _Pending] = {}
        self._touched: set[str] = set()  # groups that got a notice queued in this run
        self.counts: dict[str, int] = {}

    # -- groups -------------------------------------------------------------------------------
    def _group(self, slug: str) -> _Group | None:
        if slug not in self._groups:
            self._groups[slug] = self._open_group(slug) if slug in self._slugs() else None
        return self._groups[slug]

    def _slugs(self) -> list[str]:
        if not hasattr(self, "_slug_list"):
            self._slug_list = group_slugs(self.home)
        return self._slug_list

    def _open_group(self, slug: str) -> _Group | None:
        try:
            keys = load_operations_keys(self.home, slug)
            vault = GroupVault(self.home, keys)
            try:
                names = {m["email"].lower(): m.get("name", "") for m in vault.members()}
            finally:
                vault.close()
        except VaultError as err:
            self.log(f"plg-companion: group '{slug}' cannot be opened: {err}")
            return None
        return _Group(keys, names)

    def _groups_of_member(self, sender: str) -> list[_Group]:
        found = []
        for slug in self._slugs():
            group = self._group(slug)
            if group is not None and sender in group.names:
                found.append(group)
        return found

    # -- routing ------------------------------------------------------------------------------
    def _route(self, headers: Message) -> _Route | None:
        """The first token that verifies; else the first one naming a group we have."""
        unverified: _Route | None = None
        for names in (RECIPIENT_HEADERS, THREAD_HEADERS):
            for name in names:
                for candidate in find_tokens(header_text(headers, name)):
                    parsed = parse_token(candidate)
                    if parsed is None:
                        continue
                    group = self._group(parsed.slug)
                    if group is None:
                        continue
                    member = verify_token(group.keys, parsed, list(group.names))
                    route = _Route(group, member, parsed.week, parsed.unsubscribe)
                    if member is not None:
                        return route
                    unverified = unverified or route
        return unverified

    def _route_bounce(self, raw: bytes) -> _Route | None:
        """A bounce carries our original message (or its headers): find our token there."""
        text = raw[: 4 * MAX_MESSAGE_BYTES].decode("latin-1").lower()
        for candidate in dict.fromkeys(find_tokens(text)):
            parsed = parse_token(candidate)
            if parsed is None:
                continue
            group = self._group(parsed.slug)
            if group is None:
                continue
            member = verify_token(group.keys, parsed, list(group.names))
            if member is not None:
                return _Route(group, member, parsed.week, False)
        return None

    # -- the one code path --------------------------------------------------------------------
    def receive(self, raw: bytes) -> Outcome:
        """Place one message. Raises IngestTemporaryError only when a write failed."""
        try:
            outcome = self._receive(raw)
        except (DiskWriteError, OSError) as err:
            raise IngestTemporaryError(f"could not store a message: {_safe_error(err)}") from None
        self.counts[outcome.action] = self.counts.get(outcome.action, 0) + 1
        return outcome

    def _receive(self, raw: bytes) -> Outcome:
        # one full parse serves headers and body; a huge or unparseable message gets its
        # header block read on its own, which is enough to route and quarantine it
        message: Message | None = None
        if len(raw) <= MAX_MESSAGE_BYTES:
            try:
                message = parse_message(raw)
            except Exception:  # noqa: BLE001
                message = None
        headers = message if message is not None else parse_headers(raw)
        if is_delivery_report(headers):
            return self._bounce(raw)
        auto = auto_reply_reason(headers)
        if auto is not None:
            return Outcome("dropped", auto)

        route = self._route(headers)
        sender_addresses = addresses(headers, "From")
        sender = sender_addresses[0] if len(set(sender_addresses)) == 1 else ""
        if route is None:
            groups = self._groups_of_member(sender) if sender else []
            if len(groups) == 1:
                return self._quarantine(groups[0], raw, headers, "no reply token", sender)
            return Outcome("dropped", "not addressed to any group")
        group = route.group
        if route.member is None:
            return self._quarantine(group, raw, headers, "reply token not valid", sender)
        if sender != route.member:
            return self._quarantine(group, raw, headers, "sender is not the member", sender)
        if sender_authentication_failed(headers):
            return self._quarantine(group, raw, headers, "sender authentication failed", sender)
        if route.unsubscribe:
            return self._stop(group, route, "unsubscribe address")
        if len(raw) > MAX_MESSAGE_BYTES:
            return self._quarantine(group, raw, headers, "message larger than 1 MiB", sender)

        try:
            if message is None:
                raise ValueError("unparseable")
            body = read_body(message)
            text, truncated = member_text(body)
        except RecursionError:
            return self._quarantine(group, raw, headers, "message structure unreadable", sender)
        except (DiskWriteError, OSError):
            raise
        except Exception:  # noqa: BLE001 - broken MIME must end in quarantine, not a crash
            return self._quarantine(group, raw, headers, "message could not be read", sender)

        if len(text) <= _STOP_CHECK_CHARS and is_stop_request(text):
            return self._stop(group, route, "reply")
        if not text and body.attachments == 0:
            return Outcome("dropped", "empty reply", group.slug, route.member, route.week)
        if body.attachments:
            noun = "attachment was" if body.attachments == 1 else "attachments were"
            text = f"{text}\n\n[{body.attachments} {noun} not stored.]".lstrip()

        entry_id, source_hash = entry_id_for(headers, raw)
        meta = {
            "member": route.member,
            "week": route.week,
            "received": self.now.isoformat(timespec="seconds"),
            "written": written_at(headers),
            "message_hash": source_hash,
            "attachments": body.attachments,
            "truncated": truncated,
            "source": self.source,
        }
        path = write_sealed_entry(self.home, group.keys, INBOX, entry_id, meta, text)
        action = "placed" if path is not None else "duplicate"
        if self.acknowledge:
            self._queue_notice(group, "ack", route.member, route.week, entry_id)
        return Outcome(action, "journal entry", group.slug, route.member, route.week, entry_id)

    def _quarantine(
        self, group: _Group, raw: bytes, headers: Message, reason: str, sender: str
    ) -> Outcome:
        entry_id, _ = entry_id_for(headers, raw)
        meta = {
            "reason": reason,
            "date": self.now.isoformat(timespec="seconds"),
            "sender": sender or header_text(headers, "From")[:200],
        }
        kept = raw[:MAX_QUARANTINED_BYTES].decode("utf-8", errors="replace")
        write_sealed_entry(self.home, group.keys, QUARANTINE, entry_id, meta, kept)
        return Outcome("quarantined", reason, group.slug, None, None, entry_id)

    def _stop(self, group: _Group, route: _Route, how: str) -> Outcome:
        assert route.member is not None
        pending = self._pending.setdefault(group.slug, _Pending())
        pending.opt_outs[route.member] = how
        self._queue_notice(group, "stop_confirm", route.member, 0, "")
        return Outcome("stopped", f"stop request by {how}", group.slug, route.member, route.week)

    def _bounce(self, raw: bytes) -> Outcome:
        try:
            report = read_delivery_report(raw)
        except Exception:  # noqa: BLE001
            return Outcome("dropped", "unreadable delivery report")
        if not report.permanent:
            return Outcome("dropped", "delivery delayed notice")
        route = self._route_bounce(raw)
        if route is None or route.member is None:
            return Outcome("dropped", "bounce for no member")
        if report.recipients and route.member not in report.recipients:
            return Outcome("dropped", "bounce recipient is not the member", route.group.slug)
        pending = self._pending.setdefault(route.group.slug, _Pending())
        pending.bounces[route.member] = report.status or "failed"
        return Outcome("bounced", "delivery failed", route.group.slug, route.member, route.week)

    def _queue_notice(
        self, group: _Group, kind: str, member: str, week: int, entry_id: str
    ) -> None:
        key = f"ack-{entry_id[:16]}:{week}:{member}" if kind == "ack" else f"{kind}:0:{member}"
        self._touched.add(group.slug)
        self._pending.setdefault(group.slug, _Pending()).notices[key] = {
            "member": member,
            "kind": kind,
            "week": week,
        }

    # -- the ledger ---------------------------------------------------------------------------
    def commit(self) -> None:
        """Apply queued opt-outs, bounces and notices to each group's ledger.

        Raises IngestTemporaryError when a ledger stays locked past the timeout or cannot be
        written; what was queued for that group stays queued.
        """
        for slug in list(self._pending):
            pending = self._pending[slug]
            group = self._group(slug)
            if group is None:
                del self._pending[slug]
                continue
            try:
                with Ledger.locked(self.home, group.keys, timeout=self.ledger_timeout) as ledger:
                    if _apply(ledger, pending, self.now):
                        ledger.save()
            except LedgerBusy:
                raise IngestTemporaryError(f"the ledger of group '{slug}' is busy") from None
            except (DiskWriteError, OSError) as err:
                raise IngestTemporaryError(
                    f"could not write the ledger of group '{slug}': {_safe_error(err)}"
                ) from None
            del self._pending[slug]

    # -- acknowledgements and confirmations ---------------------------------------------------
    def send_notices(
        self, email_settings: Any, smtp: Any | None, *, all_groups: bool = True
    ) -> NoticeReport:
        """Send every queued (or earlier deferred) notice once; record the result.

        `smtp` None means no SMTP server is configured: notices stay deferred. An unreachable
        server defers them too; it never fails the ingest. `all_groups` False looks only at
        the groups this run queued notices for (one message from an MTA need not open every
        group's ledger); scheduled runs retry every group's deferred notices.
        """
        from companion.send import TemporaryFailure, deliver

        total = NoticeReport()
        slugs = self._slugs() if all_groups else sorted(self._touched)
        for slug in slugs:
            group = self._group(slug)
            if group is None:
                continue
            if not _has_notice_work(self.home, group.keys):
                continue
            try:
                with Ledger.locked(self.home, group.keys, timeout=self.ledger_timeout) as ledger:
                    due, changed = _claim_notices(ledger, self.now, smtp is not None)
                    messages = []
                    for record in due:
                        message = self._build_notice(group, record, email_settings)
                        ledger.set_message(
                            record["key"],
                            state="sending",
                            message_id=str(message["Message-ID"]),
                            attempts=int(record.get("attempts", 0)) + 1,
                        )
                        messages.append(message)
                    if changed or due:
                        ledger.save()
            except LedgerBusy:
                self.log(f"plg-companion: ledger of '{slug}' busy; notices wait for the next run")
                continue
            if not due:
                continue
            # a server that accepts and then stalls must not hold an MTA's pipe forever
            limit = float(getattr(smtp, "timeout", 30.0)) * (len(messages) + 2)
            try:
                results = asyncio.run(asyncio.wait_for(deliver(smtp, messages), limit))
                outcome = {
                    record["key"]: (
                        "sent" if r.ok else ("deferred" if r.temporary else "failed"),
                        r.reply,
                    )
                    for record, r in zip(due, results, strict=True)
                }
            except TemporaryFailure as err:
                self.log(f"plg-companion: SMTP unreachable ({err}); notices deferred")
                outcome = {record["key"]: ("deferred", "server unreachable") for record in due}
            except TimeoutError:
                # some may have gone out: they stay `sending` (uncertain), never sent twice
                self.log("plg-companion: SMTP server stalled; notices left as uncertain")
                continue
            with Ledger.locked(self.home, group.keys, timeout=None) as ledger:
                for key, (state, reply) in outcome.items():
                    ledger.set_message(key, state=state, error="" if state == "sent" else reply)
                ledger.save()
            states = [state for state, _ in outcome.values()]
            total = NoticeReport(
                total.sent + states.count("sent"),
                total.failed + states.count("failed"),
                total.deferred + states.count("deferred"),
            )
        return total

    def _build_notice(self, group: _Group, record: dict[str, Any], email_settings: Any) -> Any:
        from companion.compose import build_email, first_name, render, render_subject

        member = record["member"]
        name = group.names.get(member, "")
        week = int(record.get("week") or 0)
        template = "ack" if record["kind"] == "ack" else "stop_confirm"
        context = {"first_name": first_name(name) or "there", "week": week}
        text, html = render(template, **context)
        return build_email(
            email=email_settings,
            keys=group.keys,
            to_name=name,
            to_addr=member,
            week=week,
            subject=render_subject(template, **context),
            text=text,
            html=html or None,
            date=self.now,
        )


def _apply(ledger: Ledger, pending: _Pending, now: datetime) -> bool:
    at = now.isoformat(timespec="seconds")
    changed = False
    for email_addr, how in pending.opt_outs.items():
        if not ledger.member(email_addr).get("opted_out"):
            ledger.set_member(email_addr, opted_out=True, opted_out_at=at, opted_out_by=how)
            changed = True
    for email_addr, status in pending.bounces.items():
        if not ledger.member(email_addr).get("bouncing"):
            ledger.set_member(email_addr, bouncing=True, bounced_at=at, bounce_reason=status)
            changed = True
    for key, record in pending.notices.items():
        if key in ledger.messages:
            continue  # already queued or sent once: never twice
        if record["kind"] == "ack" and not ledger.may_send_to(record["member"]):
            continue
        ledger.set_message(key, **record, state="deferred", queued_at=at, message_id="")
        changed = True
    return changed


def _has_notice_work(home: Path, keys: GroupKeys) -> bool:
    from companion.ledger import ledger_path

    return ledger_path(home, keys.slug).exists()


def _claim_notices(
    ledger: Ledger, now: datetime, can_send: bool
) -> tuple[list[dict[str, Any]], bool]:
    """(deferred notices to send now, whether stale ones were marked `skipped`)."""
    due = []
    changed = False
    for key, record in ledger.messages.items():
        if record.get("kind") not in ("ack", "stop_confirm") or record.get("state") != "deferred":
            continue
        try:
            queued = datetime.fromisoformat(record.get("queued_at", ""))
        except ValueError:
            queued = now
        if now - queued > NOTICE_RETRY_WINDOW:
            ledger.set_message(key, state="skipped", error="not sent in time")
            changed = True
        elif record["kind"] == "ack" and not ledger.may_send_to(record["member"]):
            ledger.set_message(key, state="skipped", error="member paused emails")
            changed = True
        elif can_send:
            due.append(record)
    return due, changed


def _safe_error(err: BaseException) -> str:
    if isinstance(err, OSError):
        return err.strerror or type(err).__name__
    return str(err).splitlines()[0] if str(err) else type(err).__name__
