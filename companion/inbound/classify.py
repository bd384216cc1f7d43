"""What kind of inbound message this is: a delivery report, an automatic reply, a spoofed sender.

Classification reads headers (and, for a delivery report, its status parts) only; it never
looks at what a member wrote.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from companion.inbound.inbound_message import MAX_MIME_DEPTH, header_text

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
_DSN_STATUS = re.compile(r"^\s*([245])\.\d{1,3}\.\d{1,3}")
# An RFC 8601 comment; nested ones are stripped one level per pass.
_AR_COMMENT = re.compile(r"\([^()]*\)")
_DMARC_RESULT = re.compile(r"(?:^|[\s;])dmarc\s*=\s*([a-z]+)", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<[^<>\s]{3,250}>")


def _content_type(headers: Message) -> str:
    try:
        return headers.get_content_type()
    except Exception:
        return "text/plain"


def is_delivery_report(headers: Message) -> bool:
    if _content_type(headers) != "multipart/report":
        return False
    try:
        report_type = str(headers.get_param("report-type", "") or "").lower()
    except Exception:
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
    """True when our own receiving server recorded a DMARC failure (RFC 8601, RFC 7489).

    Only the topmost Authentication-Results header counts: each server prepends its own, so
    the topmost is our receiving server's, and anything below may come from the sender. We
    act only on a failure (a pass grants nothing: the token or thread and the From address
    must still match), so a header the sender wrote can at worst quarantine their own
    message; that is why no configured authserv-id is needed. Comments are ignored.
    """
    results = headers.get_all("Authentication-Results") or []
    if not results:
        return False
    text = str(results[0])[:8192]
    for _ in range(8):  # nested comments: innermost first
        text, found = _AR_COMMENT.subn(" ", text)
        if not found:
            break
    _authserv_id, _, resinfo = text.partition(";")
    return any(match.group(1).lower() == "fail" for match in _DMARC_RESULT.finditer(resinfo))


@dataclass(frozen=True)
class _Bounce:
    permanent: bool
    recipients: tuple[str, ...]
    status: str
    # Message-IDs of the message that failed: from the report's copy of its headers
    # (message/rfc822 or text/rfc822-headers) and the report's own In-Reply-To
    original_ids: tuple[str, ...] = ()


def read_delivery_report(raw: bytes) -> _Bounce:
    """Action/Status/Final-Recipient of a DSN (RFC 3464); permanent if any 5.x.x failure."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    permanent = False
    recipients: list[str] = []
    status = ""
    original_ids = _MESSAGE_ID.findall(header_text(message, "In-Reply-To"))
    for part in _iter_parts(message, 0):
        original_ids += _quoted_message_ids(part)
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
                # the code only: the champion sees it in `status`, free text stays out
                status = status or (match.group(0).strip() if match else "failed")
                if ";" in final:
                    recipients.append(final.split(";", 1)[1].strip().strip("<>").lower())
    ids = tuple(dict.fromkeys(i.lower() for i in original_ids))
    return _Bounce(permanent, tuple(recipients), status, ids)


def _quoted_message_ids(part: Message) -> list[str]:
    """The Message-ID of the original message a report part carries, if it is one."""
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        payload = part.get_payload()
        quoted = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(quoted, Message):
            return []
        return _MESSAGE_ID.findall(header_text(quoted, "Message-ID"))[:1]
    if content_type == "text/rfc822-headers":
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            return []
        quoted = email.message_from_bytes(data[:65536], policy=email.policy.compat32)
        return _MESSAGE_ID.findall(header_text(quoted, "Message-ID"))[:1]
    return []


def _iter_parts(part: Message, depth: int) -> Iterator[Message]:
    if depth > MAX_MIME_DEPTH:
        return
    yield part
    payload = part.get_payload() if part.is_multipart() else None
    if isinstance(payload, list):
        for child in payload:
            if isinstance(child, Message):
                yield from _iter_parts(child, depth + 1)
