"""Reading one inbound email without trusting it: headers, the member's text, the entry id.

Every reader here survives a hostile or broken message (undecodable headers, unknown charsets,
deep MIME nesting) by falling back to something harmless rather than raising.
"""

from __future__ import annotations

import codecs
import email
import email.header
import email.parser
import email.policy
import email.utils
import hashlib
from dataclasses import dataclass
from datetime import UTC
from email.message import Message

from companion.mailtext.clean import clean_reply
from companion.mailtext.flowed import unflow
from companion.mailtext.html_text import render_html
from plg_tui.vault.group import message_hash

MAX_MESSAGE_BYTES = 1024 * 1024
MAX_TEXT_CHARS = 20_000
MAX_MIME_DEPTH = 20
# RFC 2047 decoding (email.header) takes time quadratic in a header's encoded words; a header
# a client wrote is far shorter, and a longer one is used as it came.
MAX_DECODED_HEADER_CHARS = 8 * 1024
# An address header longer than this is not a sender's: no address is read from it (parsing
# one costs about 10 us a character).
MAX_ADDRESS_HEADER_CHARS = 4 * 1024


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
        if len(str(value)) > MAX_DECODED_HEADER_CHARS:
            decoded.append(str(value))
            continue
        try:
            decoded.append(str(email.header.make_header(email.header.decode_header(str(value)))))
        except Exception:  # a hostile header must not stop the ingester
            decoded.append(str(value))
    return " ".join(decoded).replace("\x00", "")


def addresses(message: Message, name: str) -> list[str]:
    value = header_text(message, name)
    if len(value) > MAX_ADDRESS_HEADER_CHARS:
        return []
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:
        return []
    return [addr.strip().lower() for _name, addr in pairs if "@" in addr]


def _decode_payload(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
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
    except Exception:
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
        text_format, delsp = part.get_param("format"), part.get_param("delsp")
        if isinstance(text_format, str) and text_format.lower() == "flowed":
            body.plain = unflow(body.plain, delsp=isinstance(delsp, str) and delsp.lower() == "yes")
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
        rendered, cut = render_html(body.html)
        return clean_reply(rendered, max_chars=MAX_TEXT_CHARS, cut_before=cut)
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


def entry_id_for(headers: Message, raw: bytes, *, group_id: str, member: str) -> tuple[str, str]:
    """(entry id, source hash) of a journal reply.

    The source hash identifies the message (its Message-ID, else From + Date + body); the id
    binds the group and the member to it, so a member who guesses or copies another's
    Message-ID gets an entry of their own and never pre-empts the other's.
    """
    message_id = header_text(headers, "Message-ID").strip()
    if message_id:
        source = message_hash(message_id)
    else:
        basis = "\n".join((header_text(headers, "From"), header_text(headers, "Date")))
        source = message_hash(basis + "\n" + _body_bytes(raw).decode("utf-8", "replace"))
    return _bound_id("entry", group_id, member, source), source


def quarantine_id_for(raw: bytes, *, group_id: str) -> str:
    """A quarantined item's id: the group and the exact bytes kept, so reading the same message
    again finds the item already there, and no other message can take its place."""
    return _bound_id("quarantine", group_id, "", hashlib.sha256(raw).hexdigest())


def _bound_id(kind: str, group_id: str, member: str, source: str) -> str:
    parts = ("plg", kind, group_id, member.lower(), source)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()
