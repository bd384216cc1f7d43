"""The MIME parts of an outgoing message, written as bytes: quoted-printable text, a base64
calendar, and the multipart container around them."""

from __future__ import annotations

import base64
import binascii
import os


def qp_part(content_type: str, text: str) -> bytes:
    body = binascii.b2a_qp(text.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode() + body


def calendar_part(method: str, ics: str) -> bytes:
    # base64 keeps the calendar's own CRLF line folding exactly as icalendar wrote it
    encoded = base64.encodebytes(ics.encode("utf-8")).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: text/calendar; charset="utf-8"; method={method}\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + encoded


def multipart(subtype: str, parts: list[bytes]) -> tuple[str, bytes]:
    # "=_" can never occur in quoted-printable or base64 content, so the boundary is safe.
    boundary = f"=_plg_{os.urandom(12).hex()}"
    # The CRLF before each delimiter belongs to the delimiter (RFC 2046), not to the part.
    delimiter = b"\r\n--" + boundary.encode()
    body = b"--" + boundary.encode() + b"\r\n"
    body += (delimiter + b"\r\n").join(parts) + delimiter + b"--\r\n"
    return f'multipart/{subtype}; boundary="{boundary}"', body
