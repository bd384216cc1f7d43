"""Reusable pieces for end-to-end programme tests.

- `ProgrammeClock`: the programme's "now", stepped hour by hour and handed to
  `plg-companion run --now`.
- `StampingHandler` / `RestartableSmtp`: a real aiosmtpd server that records the programme time
  each message arrived at, can be taken down and brought back on the same port, and can hold
  each accepted message for a while before answering 250 (so a kill lands mid-batch).
- `MailClient`: members' mail programs. It builds Gmail-, Outlook- and Apple-Mail-shaped replies
  (In-Reply-To/References, the quoted original, localized header blocks) from the messages the
  SMTP server actually received, plus out-of-office replies and forgeries, and appends them to
  the Dovecot INBOX the companion reads.
- `find_markers`: every file under the given roots, searched for marker strings.
- `run_companion`: one in-process `plg-companion run --now ISO` (the program's own `main`).
- `enospc_under`: os.write fails with ENOSPC for files under a folder (disk-full simulation).

Servers come from tests/companion (imported, not copied).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import io
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.companion.conftest import RecordingHandler, SmtpServer, free_port, start_smtp_server

# -- the programme clock ---------------------------------------------------------------------


class ProgrammeClock:
    """The programme's wall clock (UTC), moved by the test, never by the machine."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be aware")
        self.now = start.astimezone(UTC)

    def iso(self) -> str:
        return self.now.isoformat(timespec="seconds")

    def advance(self, hours: float = 1) -> datetime:
        self.now += timedelta(hours=hours)
        return self.now

    def hours_until(self, end: datetime) -> Iterator[datetime]:
        """Each whole hour from now (inclusive) to `end` (exclusive), moving the clock."""
        while self.now < end:
            yield self.now
            self.advance(1)

    def local(self, zone: str) -> datetime:
        return self.now.astimezone(ZoneInfo(zone))


# -- SMTP that goes down and comes back -------------------------------------------------------


@dataclass
class Arrival:
    """One message the SMTP server accepted, with the programme time it arrived at."""

    at: datetime  # programme time (UTC)
    recipients: list[str]
    data: bytes
    mail_from: str = ""  # the envelope sender (MAIL FROM)

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.data)  # type: ignore[return-value]

    @property
    def recipient(self) -> str:
        return self.recipients[0].lower()


@dataclass
class StampingHandler(RecordingHandler):
    """RecordingHandler that stamps each accepted message with the programme time and can
    wait `hold_after_accept` seconds after recording a message before answering 250 (a client
    killed in that second never learns the message arrived: it is "uncertain")."""

    clock: ProgrammeClock | None = None
    arrivals: list[Arrival] = field(default_factory=list)
    hold_after_accept: float = 0.0

    async def handle_DATA(self, server, session, envelope):
        before = len(self.messages)
        reply = await super().handle_DATA(server, session, envelope)
        with self.lock:
            for received in self.messages[before:]:
                at = self.clock.now if self.clock is not None else datetime.now(UTC)
                self.arrivals.append(
                    Arrival(
                        at,
                        [r.lower() for r in received.rcpt_tos],
                        received.data,
                        received.mail_from,
                    )
                )
        if self.hold_after_accept:
            await asyncio.sleep(self.hold_after_accept)
        return reply

    def to(self, email: str) -> list[Arrival]:
        with self.lock:
            return [a for a in self.arrivals if a.recipient == email.lower()]

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


class RestartableSmtp:
    """A plain SMTP server on a fixed 127.0.0.1 port that can be stopped and started again;
    what it received survives in the one handler."""

    def __init__(self, handler: StampingHandler | None = None, port: int | None = None) -> None:
        self.handler = handler or StampingHandler()
        self.port = port or free_port()
        self.server: SmtpServer | None = None
        self.up()

    @property
    def is_up(self) -> bool:
        return self.server is not None

    def up(self) -> None:
        if self.server is None:
            self.server = start_smtp_server("plain", handler=self.handler, port=self.port)

    def down(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def toml(self, connections: int = 1) -> str:
        return (
            "[smtp]\n"
            'host = "127.0.0.1"\n'
            f"port = {self.port}\n"
            'security = "none"\n'
            f"connections = {connections}\n"
            "retry_delays = [0.01]\n"
            "timeout = 5\n"
        )


# -- members' mail clients -----------------------------------------------------------------------

STYLES = ("gmail", "outlook", "apple")

_DE_DAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")
_DE_DAYS_LONG = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_DE_MONTHS = (
    "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez.",
)  # fmt: skip
_DE_MONTHS_LONG = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
    "Oktober", "November", "Dezember",
)  # fmt: skip


def plain_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip("\n").splitlines())


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Member:
    name: str
    email: str
    timezone: str
    style: str = "gmail"  # gmail | outlook | apple
    language: str = "en"  # en | de


@dataclass
class SentReply:
    member: str
    week: int | None
    text: str  # what the member wrote (the journal entry expected, when genuine)
    raw: bytes
    kind: str  # genuine | stop | out-of-office | forged | reply-all | partner-check


class MailClient:
    """Writes members' replies to the messages they actually received and delivers them to
    the mailbox the companion reads (Dovecot's INBOX)."""

    def __init__(self, deliver) -> None:  # deliver: Callable[[bytes], None]
        self._deliver = deliver
        self.sent: list[SentReply] = []

    # the parts every client sets
    def _headers(
        self,
        member: Member,
        original: EmailMessage,
        at: datetime,
        *,
        sender: str | None = None,
        subject_prefix: str = "Re: ",
    ) -> EmailMessage:
        reply = EmailMessage(policy=policy.SMTP)
        reply["From"] = f"{member.name} <{sender or member.email}>"
        reply["To"] = str(original["Reply-To"] or original["From"])
        reply["Subject"] = subject_prefix + str(original["Subject"])
        reply["Date"] = format_datetime(at.astimezone(ZoneInfo(member.timezone)))
        domain = (sender or member.email).rpartition("@")[2]
        reply["Message-ID"] = f"<{uuid.uuid4().hex}@{domain}>"
        original_id = str(original["Message-ID"])
        reply["In-Reply-To"] = original_id
        refs = str(original["References"] or "")
        reply["References"] = f"{refs} {original_id}".strip()
        reply["Authentication-Results"] = (
            f"mx.example.org; dkim=pass header.d={domain}; spf=pass; "
            f"dmarc=pass header.from={domain}"
        )
        reply["MIME-Version"] = "1.0"
        return reply

    def _attribution(self, member: Member, original: EmailMessage) -> str:
        sent = original["Date"].datetime.astimezone(ZoneInfo(member.timezone))
        sender = str(original["From"])
        if member.style == "apple":
            if member.language == "de":
                return f"Am {sent:%d.%m.%Y} um {sent:%H:%M} schrieb {sender}:"
            return f"On {sent.day} {sent:%b %Y}, at {sent:%H:%M}, {sender} wrote:"
        if member.language == "de":
            return (
                f"Am {_DE_DAYS[sent.weekday()]}, {sent.day}. {_DE_MONTHS[sent.month - 1]} "
                f"{sent.year} um {sent:%H:%M} Uhr schrieb {sender}:"
            )
        hour = sent.strftime("%I").lstrip("0")
        return (
            f"On {sent:%a}, {sent:%b} {sent.day}, {sent.year} at {hour}:{sent:%M}\u202f{sent:%p} "
            f"{sender} wrote:"
        )

    def _outlook_block(self, member: Member, original: EmailMessage) -> str:
        sent = original["Date"].datetime.astimezone(ZoneInfo(member.timezone))
        if member.language == "de":
            when = (
                f"{_DE_DAYS_LONG[sent.weekday()]}, {sent.day}. {_DE_MONTHS_LONG[sent.month - 1]} "
                f"{sent.year} {sent:%H:%M}"
            )
            labels = ("Von", "Gesendet", "An", "Betreff")
        else:
            when = f"{sent:%A, %B} {sent.day}, {sent.year} {sent:%I:%M %p}"
            labels = ("From", "Sent", "To", "Subject")
        values = (str(original["From"]), when, str(original["To"]), str(original["Subject"]))
        lines = ["_" * 32] + [
            f"{label}: {value}" for label, value in zip(labels, values, strict=True)
        ]
        return "\n".join(lines)

    def compose(
        self, member: Member, original: EmailMessage, text: str, at: datetime, **kw
    ) -> bytes:
        """A reply as `member`'s client builds it; `text` is what they typed above the quote."""
        quoted_original = plain_body(original)
        if member.style == "outlook":
            prefix = "AW: " if member.language == "de" else "RE: "
            reply = self._headers(member, original, at, subject_prefix=prefix, **kw)
            reply["Thread-Index"] = "AdtY" + uuid.uuid4().hex[:20]
            reply["X-Mailer"] = "Microsoft Outlook 16.0"
            body = f"{text}\n\n{self._outlook_block(member, original)}\n\n{quoted_original}"
            reply.set_content(body.replace("\n", "\r\n"), cte="quoted-printable")
        elif member.style == "apple":
            reply = self._headers(member, original, at, **kw)
            reply["X-Mailer"] = "iPhone Mail (22B91)"
            footer = (
                "Von meinem iPhone gesendet" if member.language == "de" else "Sent from my iPhone"
            )
            body = (
                f"{text}\n\n{footer}\n\n> {self._attribution(member, original)}\n>\n"
                f"{_quoted(quoted_original)}\n"
            )
            reply.set_content(body, cte="quoted-printable")
        else:  # gmail: text and HTML alternatives, the quote in a gmail_quote div
            reply = self._headers(member, original, at, **kw)
            attribution = self._attribution(member, original)
            body = f"{text}\n\n{attribution}\n\n{_quoted(quoted_original)}\n"
            reply.set_content(body, cte="quoted-printable")
            paragraphs = "".join(f"<div>{_html_escape(p)}</div>" for p in text.split("\n"))
            html = (
                f'<div dir="ltr">{paragraphs}</div><br><div class="gmail_quote">'
                f'<div dir="ltr" class="gmail_attr">{_html_escape(attribution)}<br></div>'
                f'<blockquote class="gmail_quote">{_html_escape(quoted_original)}</blockquote>'
                "</div>"
            )
            reply.add_alternative(html, subtype="html", cte="quoted-printable")
        return reply.as_bytes()

    def reply(
        self,
        member: Member,
        original: EmailMessage,
        text: str,
        at: datetime,
        week: int | None,
        kind: str = "genuine",
    ) -> SentReply:
        raw = self.compose(member, original, text, at)
        return self._send(SentReply(member.email, week, text, raw, kind))

    def reply_all(
        self, member: Member, original: EmailMessage, text: str, at: datetime
    ) -> SentReply:
        """Reply all from a client that keeps the original sender as well (Outlook does):
        the partners in To, our From in Cc, so a copy reaches the companion's mailbox."""
        reply = BytesParser(policy=policy.SMTP).parsebytes(self.compose(member, original, text, at))
        reply["Cc"] = str(original["From"])
        return self._send(SentReply(member.email, None, text, reply.as_bytes(), "reply-all"))

    def out_of_office(
        self, member: Member, original: EmailMessage, text: str, at: datetime
    ) -> SentReply:
        """Exchange's automatic reply: Auto-Submitted, "Automatic reply:" subject, no quote."""
        reply = self._headers(member, original, at, subject_prefix="Automatic reply: ")
        reply["Auto-Submitted"] = "auto-replied"
        reply["X-Auto-Response-Suppress"] = "All"
        reply.set_content(text)
        week = None
        return self._send(SentReply(member.email, week, text, reply.as_bytes(), "out-of-office"))

    def forged(
        self, member: Member, original: EmailMessage, text: str, at: datetime, sender: str
    ) -> SentReply:
        """Someone else answers the member's email (forwarded to them) as if it were theirs."""
        raw = self.compose(member, original, text, at, sender=sender)
        return self._send(SentReply(member.email, None, text, raw, "forged"))

    def _send(self, reply: SentReply) -> SentReply:
        self._deliver(reply.raw)
        self.sent.append(reply)
        return reply


# -- confidentiality scanner -------------------------------------------------------------------


def find_markers(markers: Sequence[str], *roots: Path) -> list[tuple[Path, str]]:
    """(file, marker) for every marker readable in any file under `roots` (UTF-8, UTF-16,
    JSON-escaped and case-folded forms)."""
    forms: list[tuple[str, bytes]] = []
    for marker in markers:
        variants = {
            marker.encode("utf-8"),
            marker.lower().encode("utf-8"),
            marker.encode("utf-16-le"),
            marker.encode("unicode_escape"),
        }
        forms.extend((marker, v) for v in variants if v)
    found: list[tuple[Path, str]] = []
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder) / name
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                lowered = data.lower()
                for marker, form in forms:
                    if form in data or form.lower() in lowered:
                        found.append((path, marker))
                        break
    return found


# -- running the companion in-process ---------------------------------------------------------


@dataclass
class CompanionRun:
    code: int
    out: str
    err: str


def run_companion(home: Path, now: datetime, *args: str) -> CompanionRun:
    """`plg-companion --home HOME run --now ISO ARGS` through the program's own main()."""
    from companion.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--home", str(home), "run", "--now", now.isoformat(), *args])
    return CompanionRun(code, out.getvalue(), err.getvalue())


# -- disk full -------------------------------------------------------------------------------------


@contextlib.contextmanager
def enospc_under(folder: Path) -> Iterator[list[str]]:
    """Every os.write to a file under `folder` fails with ENOSPC; yields the paths refused."""
    real_write = os.write
    root = str(Path(folder).resolve())
    refused: list[str] = []

    def write(fd: int, data) -> int:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if target.startswith(root + os.sep):
            refused.append(target)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    os.write = write
    try:
        yield refused
    finally:
        os.write = real_write


def address_of(header_value: str) -> str:
    return parseaddr(header_value)[1].lower()
