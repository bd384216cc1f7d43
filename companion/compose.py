"""Turning what is due into email: templates, headers, the session-2 invitation.

Everything a member sees comes from Jinja2 templates in companion/templates (a plain-text
and an HTML alternative per kind, HTML autoescaped). Header values that come from data
(names, subjects) have every control and line-break character replaced before they reach
the email package, so no roster entry can add a header.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from icalendar import Calendar, Event

from companion.settings import EmailSettings
from companion.tokens import UNSUBSCRIBE_PREFIX, make_token, plus_address
from plg_tui.vault.keys import GroupKeys

TEMPLATES_DIR = Path(__file__).parent / "templates"
SESSION_MINUTES = 90
MAX_HEADER_TEXT = 200


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar"
    data: bytes | str
    params: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render(template_name: str, **context: Any) -> tuple[str, str]:
    """(text, html) of `template_name` from companion/templates/<name>.txt and .html."""
    text = _environment(False).get_template(f"{template_name}.txt").render(**context)
    try:
        html_template = _environment(True).get_template(f"{template_name}.html")
    except jinja2.TemplateNotFound:
        return text, ""
    return text, html_template.render(**context)


def render_subject(template_name: str, **context: Any) -> str:
    """One-line subject from companion/templates/<name>.subject.txt."""
    subject = _environment(False).get_template(f"{template_name}.subject.txt").render(**context)
    return header_text(subject)


def header_text(value: str, limit: int = MAX_HEADER_TEXT) -> str:
    """`value` made safe for a header: no control, line or paragraph separator characters."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value
    )
    return " ".join(cleaned.split())[:limit]


def first_name(name: str) -> str:
    words = header_text(name).split()
    return words[0] if words else ""


def _address(name: str, addr: str) -> Address:
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() for ch in addr):
        raise ValueError("email address contains a space or control character")
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an email address")
    return Address(display_name=header_text(name), username=local, domain=domain)


def message_id_for(keys: GroupKeys, to_addr: str, week: int, domain: str, unique: str) -> str:
    """<TOKEN.UNIQUE@domain>: a reply's In-Reply-To carries the token back to us."""
    unique = "".join(ch for ch in unique.lower() if ch.isalnum())[:32] or os.urandom(8).hex()
    return f"<{make_token(keys, to_addr, week)}.{unique}@{domain}>"


def build_email(
    *,
    email: EmailSettings,
    keys: GroupKeys,
    to_name: str,
    to_addr: str,
    week: int,
    subject: str,
    text: str,
    html: str | None,
    message_id: str | None = None,
    attachments: Iterable[Attachment] = (),
    date: datetime | None = None,
) -> EmailMessage:
    """One message to one member, with the reply/unsubscribe tokens in its headers."""
    token = make_token(keys, to_addr, week)
    from_name, from_address = parseaddr(email.from_addr)
    domain = from_address.rpartition("@")[2]
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = _address(from_name, from_address)
    message["To"] = _address(to_name, to_addr)
    message["Subject"] = header_text(subject)
    message["Date"] = format_datetime((date or datetime.now(UTC)).astimezone(UTC))
    message["Message-ID"] = message_id or message_id_for(
        keys, to_addr, week, domain, os.urandom(8).hex()
    )
    message["Reply-To"] = _address(from_name, plus_address(email.reply_to, token))
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    unsubscribe = plus_address(email.reply_to, UNSUBSCRIBE_PREFIX + token)
    message["List-Unsubscribe"] = f"<mailto:{unsubscribe}?subject=STOP>"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if html:
        message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if isinstance(attachment.data, str):
            message.add_attachment(
                attachment.data,
                subtype=subtype,
                filename=attachment.filename,
                params=attachment.params,
            )
        else:
            message.add_attachment(
                attachment.data,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
                params=attachment.params,
            )
    return message


def session2_invitation(
    *,
    group_id: str,
    domain: str,
    title: str,
    start: datetime,
    call_link: str,
    stamp: datetime,
    minutes: int = SESSION_MINUTES,
) -> Attachment:
    """An .ics (METHOD:PUBLISH) for session 2; the UID is stable so an update replaces it."""
    calendar = Calendar()
    calendar.add("prodid", "-//plg//peer learning companion//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"session2-{group_id}@{domain}")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", (start + timedelta(minutes=minutes)).astimezone(UTC))
    event.add("summary", header_text(title))
    description = "Session 2 of your peer learning group."
    if call_link:
        event.add("location", call_link)
        event.add("url", call_link)
        description += f"\nJoin: {call_link}"
    event.add("description", description)
    calendar.add_component(event)
    return Attachment(
        filename="session-2.ics",
        content_type="text/calendar",
        data=calendar.to_ical().decode("utf-8"),
        params={"method": "PUBLISH"},
    )
