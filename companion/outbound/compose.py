"""Turning what is due into email: templates, headers, the session-2 invitation.

Everything a member sees comes from Jinja2 templates in companion/outbound/templates (a plain-text
and an HTML alternative per kind, HTML autoescaped). Header values that come from data
(names, subjects) have every control and line-break character replaced before they reach
the email package, so no roster entry can add a header.
"""

from __future__ import annotations

import base64
import os
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from companion.outbound.list_headers import list_headers, thread_headers
from companion.outbound.mime_parts import calendar_part, multipart, qp_part
from companion.settings import EmailSettings
from companion.tokens import make_token, plus_address
from plg_tui.core.jinja_templates import template_environment
from plg_tui.vault.group_keys import GroupKeys

TEMPLATES_DIR = Path(__file__).parent / "templates"
SESSION_MINUTES = 90
MAX_HEADER_TEXT = 200
MAX_PREVIEW_TEXT = 140


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar"
    data: bytes | str
    params: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=256)
def _wrap(text: str, width: int = 72) -> str:
    """Plain-text paragraph wrapping; cached because every member gets the same tip."""
    return "\n".join(
        textwrap.fill(paragraph, width, break_long_words=False, break_on_hyphens=False)
        for paragraph in str(text).split("\n")
    )


@lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    env = template_environment(TEMPLATES_DIR, html=html, keep_trailing_newline=True)
    env.filters["wrap"] = _wrap
    return env


def render(template_name: str, **context: Any) -> tuple[str, str]:
    """(text, html) of `template_name` from companion/outbound/templates/<name>.txt and .html.

    With a <name>.preview.txt, its one line is `preview`: the text part's first line and the
    HTML part's hidden preheader, which mail apps show next to the subject.
    """
    try:
        preview = _environment(False).get_template(f"{template_name}.preview.txt")
    except jinja2.TemplateNotFound:
        pass
    else:
        context["preview"] = header_text(preview.render(**context), limit=MAX_PREVIEW_TEXT)
    text = _environment(False).get_template(f"{template_name}.txt").render(**context)
    try:
        html_template = _environment(True).get_template(f"{template_name}.html")
    except jinja2.TemplateNotFound:
        return text, ""
    return text, html_template.render(**context)


def render_subject(template_name: str, **context: Any) -> str:
    """One-line subject from companion/outbound/templates/<name>.subject.txt."""
    subject = _environment(False).get_template(f"{template_name}.subject.txt").render(**context)
    return header_text(subject)


def header_text(value: str, limit: int = MAX_HEADER_TEXT) -> str:
    """`value` made safe for a header: no control, line or paragraph separator characters."""
    if value.isascii() and value.isprintable():  # the common case, and cheap to check
        return " ".join(value.split())[:limit]
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value
    )
    return " ".join(cleaned.split())[:limit]


def first_name(name: str) -> str:
    words = header_text(name).split()
    return words[0] if words else ""


def _address(name: str, addr: str) -> Address:
    if not (addr.isascii() and addr.isprintable() and " " not in addr) and any(
        unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() for ch in addr
    ):
        raise ValueError("email address contains a space or control character")
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an email address")
    return Address(display_name=header_text(name), username=local, domain=domain)


def random_message_id(domain: str) -> str:
    """<128 random bits@domain>: names no group, member or week, so it can travel in any
    References header or forward; a reply that lost its token is placed by looking this up
    in the ledger."""
    return f"<{os.urandom(16).hex()}@{domain}>"


@dataclass(frozen=True)
class WireMessage:
    """A message ready for SMTP: envelope plus the exact bytes (CRLF, 7-bit clean)."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes
    message_id: str
    reply_until: date  # last day (UTC) its reply token is accepted

    def as_email(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.SMTP).parsebytes(self.data)
        return parsed


@lru_cache(maxsize=16)
def _split_from(from_addr: str) -> tuple[str, str]:
    return parseaddr(from_addr)


def _mailbox(name: str, addr: str) -> str:
    address = _address(name, addr)  # validates; refuses CR/LF and spaces in the address
    spec = address.addr_spec
    if not address.display_name:
        return spec
    if not spec.isascii():  # only deliverable with SMTPUTF8, where raw UTF-8 is the rule
        return str(Address(display_name=address.display_name, addr_spec=spec))
    return formataddr((address.display_name, spec), charset="utf-8")


def _mailbox_list(people: Sequence[tuple[str, str]]) -> str:
    # one mailbox per folded line keeps every header line short (RFC 5322 2.2.3)
    return ",\r\n ".join(_mailbox(name, addr) for name, addr in people)


@lru_cache(maxsize=16)
def _from_mailbox(name: str, addr: str) -> str:
    return _mailbox(name, addr)


def _attachment_part(attachment: Attachment) -> bytes:
    data = attachment.data.encode("utf-8") if isinstance(attachment.data, str) else attachment.data
    params = "".join(f'; {k}="{header_text(v)}"' for k, v in attachment.params.items())
    charset = '; charset="utf-8"' if isinstance(attachment.data, str) else ""
    filename = header_text(attachment.filename).replace('"', "")
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (
        f"Content-Type: {attachment.content_type}{charset}{params}\r\n"
        f'Content-Disposition: attachment; filename="{filename}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + encoded


def build_wire(
    *,
    email: EmailSettings,
    keys: GroupKeys,
    to_name: str,
    to_addr: str,
    week: int,
    reply_until: date,
    subject: str,
    text: str,
    html: str | None,
    message_id: str | None = None,
    attachments: Iterable[Attachment] = (),
    date: datetime | None = None,
    calendar: tuple[str, str] | None = None,
    reply_token: bool = True,
    in_reply_to: str = "",
    references: Iterable[str] = (),
    to_all: Sequence[tuple[str, str]] = (),
    reply_to: Sequence[tuple[str, str]] = (),
) -> WireMessage:
    """The message as bytes, written directly (the email package's header objects are slow).

    Every kind of email goes through here, so every one carries Date, Message-ID and the
    list headers (`list_headers`), and leaves with its own VERP envelope sender.
    `calendar` is (iTIP method, VCALENDAR text): it becomes the last alternative after text
    and HTML, which is where Outlook and Gmail look for an invitation to accept or decline.
    Without `reply_token` there is no Reply-To: replies go to From (the ORGANIZER).
    `in_reply_to` and `references` (<id@domain> strings) thread it under a member's email.
    `to_all` ((name, address) pairs) is the To header of one message sent to several people,
    each copy delivered to `to_addr` alone; `reply_to` replaces the token Reply-To.
    """
    token = make_token(keys, to_addr, week, reply_until)
    from_name, from_address = _split_from(email.from_addr)
    domain = from_address.rpartition("@")[2]
    message_id = header_text(message_id or "") or random_message_id(domain)
    listed = list_headers(email, keys, reply_token=token, message_id=message_id)
    thread = thread_headers(in_reply_to, references)
    subject_text = header_text(subject)
    charset = "us-ascii" if subject_text.isascii() else "utf-8"
    headers = [
        f"From: {_from_mailbox(from_name, from_address)}",
        "To: " + _mailbox_list(to_all or [(to_name, to_addr)]),
        "Subject: " + Header(subject_text, charset, header_name="Subject").encode(linesep="\r\n"),
        f"Date: {format_datetime((date or datetime.now(UTC)).astimezone(UTC))}",
        f"Message-ID: {message_id}",
        *thread,
        *(
            [f"Reply-To: {_mailbox(from_name, plus_address(email.reply_to, token))}"]
            if reply_token and not reply_to
            else []
        ),
        *([f"Reply-To: {_mailbox_list(reply_to)}"] if reply_to else []),
        "Auto-Submitted: auto-generated",
        "X-Auto-Response-Suppress: OOF, AutoReply",
        *listed.lines,
        "MIME-Version: 1.0",
    ]
    body_part = qp_part("text/plain", text)
    alternatives = [qp_part("text/html", html)] if html else []
    if calendar is not None:
        alternatives.append(calendar_part(*calendar))
    if alternatives:
        alternative_type, alternative = multipart("alternative", [body_part, *alternatives])
        body_part = f"Content-Type: {alternative_type}\r\n\r\n".encode() + alternative
    extra = [_attachment_part(a) for a in attachments]
    if extra:
        mixed_type, mixed = multipart("mixed", [body_part, *extra])
        body_part = f"Content-Type: {mixed_type}\r\n\r\n".encode() + mixed
    data = ("\r\n".join(headers) + "\r\n").encode("utf-8") + body_part
    recipient = _address("", to_addr).addr_spec
    return WireMessage(listed.envelope_sender, (recipient,), data, message_id, reply_until)


def build_email(
    *,
    email: EmailSettings,
    keys: GroupKeys,
    to_name: str,
    to_addr: str,
    week: int,
    reply_until: date,
    subject: str,
    text: str,
    html: str | None,
    message_id: str | None = None,
    attachments: Iterable[Attachment] = (),
    date: datetime | None = None,
) -> EmailMessage:
    """One message to one member, with the reply/unsubscribe tokens in its headers.

    Sets From, To, Subject, Date, Message-ID (random, on the From domain), Reply-To (token
    plus-address, valid until `reply_until`), Auto-Submitted, X-Auto-Response-Suppress and
    the list headers. For tests and tools that read a message: sending uses `build_wire`, as
    the email package would re-encode the headers.
    """
    return build_wire(
        email=email,
        keys=keys,
        to_name=to_name,
        to_addr=to_addr,
        week=week,
        reply_until=reply_until,
        subject=subject,
        text=text,
        html=html,
        message_id=message_id,
        attachments=attachments,
        date=date,
    ).as_email()
