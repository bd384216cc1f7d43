"""Hostile and malformed messages never crash the ingester, and never cost a good message
that arrives after them in the same Maildir batch."""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.inbound.local_sources import ingest_maildir
from companion.inbound.outcome import Outcome
from plg_tui.vault.group import message_hash

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound

pytest_plugins = ["tests.companion.conftest_imap"]

ADA = "ada@example.org"
_serial = itertools.count()

CHARSETS = ["utf-8", "us-ascii", "iso-8859-1", "utf-16", "x-no-such-charset", "", "utf-7", "gb2312"]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"]
CONTENT_TYPES = [
    "text/plain",
    "text/html",
    "multipart/mixed",
    "multipart/alternative",
    "multipart/report; report-type=delivery-status",
    "message/rfc822",
    "message/delivery-status",
    "application/octet-stream",
    "text/",
    "/",
    "multipart/mixed; boundary=",
]
junk_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
junk_bytes = st.binary(max_size=400)


@st.composite
def header_lines(draw, token: str) -> bytes:
    lines = []
    routed = draw(st.booleans())
    if routed:
        lines.append(f"To: journal+{token}@example.org")
        lines.append(f"From: {draw(st.sampled_from([ADA, 'Ada <ADA@example.org>', '', '<>']))}")
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from(["Subject", "From", "To", "References", "X-Junk", "Date"]))
        value = draw(
            st.one_of(
                junk_text,
                st.just("=?utf-8?b?####?="),
                st.just("=?x-unknown?q?abc?="),
                st.just("=?utf-8?q?" + "=FF" * 50 + "?="),
                st.just("x" * 70_000),
                st.just("<" * 500),
            )
        )
        lines.append(f"{name}: {value}")
    head = "\n".join(lines).encode("utf-8", "surrogateescape")
    if draw(st.booleans()):
        head += b"\nX-Nul: a\x00b\x00"
    if draw(st.booleans()):
        head += b"\n" + b"X-Many: y\n" * draw(st.integers(1, 3000))
    return head


@st.composite
def mime_body(draw, depth: int = 0) -> bytes:
    ctype = draw(st.sampled_from(CONTENT_TYPES))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    head = f"Content-Type: {ctype}; charset={charset}\nContent-Transfer-Encoding: {encoding}\n"
    if ctype.startswith("multipart") and depth < 3:
        boundary = draw(st.sampled_from(["b1", "b2", "", "--", "b1\x00"]))
        head = f'Content-Type: {ctype}; boundary="{boundary}"\n'
        parts = [draw(mime_body(depth + 1)) for _ in range(draw(st.integers(0, 3)))]
        closing = draw(st.sampled_from([f"--{boundary}--\n", "", f"--{boundary}"]))
        body = "".join(f"--{boundary}\n" for _ in parts).encode()
        body = b"".join(f"--{boundary}\n".encode() + p + b"\n" for p in parts) + closing.encode()
        return head.encode() + b"\n" + body
    return (
        head.encode("utf-8", "replace")
        + b"\n"
        + draw(st.one_of(junk_bytes, junk_text.map(str.encode)))
    )


def deep_nesting(levels: int) -> bytes:
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="n%d"\n\n--n%d\n' % (i, i) for i in range(levels)
    )
    return head + b"Content-Type: text/plain\n\nbottom\n"


@st.composite
def hostile_message(draw, token: str) -> bytes:
    kind = draw(st.sampled_from(["bytes", "mime", "deep", "huge"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    head = draw(header_lines(token))
    if kind == "deep":
        return head + b"\nMIME-Version: 1.0\n" + deep_nesting(draw(st.integers(20, 400)))
    if kind == "huge":
        return head + b"\n\n" + b"A" * (1024 * 1024 + draw(st.integers(1, 1000)))
    return head + b"\nMIME-Version: 1.0\n" + draw(mime_body())


def good_reply(inbound: Inbound) -> tuple[bytes, str]:
    serial = next(_serial)
    message_id = f"<good-{serial}-{os.getpid()}@mail.example.com>"
    raw = inbound.render("gmail_reply.eml").replace(
        b"<CAHx3kq5B1vP0oTm9bq2+ZfW8xQ@mail.gmail.com>", message_id.encode()
    )
    return raw, message_hash(message_id)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_bad_messages_never_cost_the_good_ones_after_them(inbound: Inbound, data) -> None:
    token = inbound.token()
    bad = [data.draw(hostile_message(token)) for _ in range(data.draw(st.integers(1, 4)))]
    (good1, hash1), (good2, hash2) = good_reply(inbound), good_reply(inbound)
    batch = [*bad[:2], good1, *bad[2:], good2]
    with tempfile.TemporaryDirectory() as folder:
        maildir = inbound.make_maildir(Path(folder))
        for index, raw in enumerate(batch):
            inbound.deliver(maildir, raw, f"{index:03d}.msg")
        result = ingest_maildir(inbound.ingester(), maildir, chunk=2)
        assert result.errors == 0
        assert result.temporary is None
        assert result.handled == len(batch)
        assert os.listdir(maildir / "new") == []
    stored = {entry["message_hash"] for entry in inbound.entries()}
    assert {hash1, hash2} <= stored


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=2000))
def test_any_bytes_end_in_an_outcome(inbound: Inbound, raw: bytes) -> None:
    token = inbound.token().encode()
    for candidate in (
        raw,
        b"To: journal+" + token + b"@example.org\nFrom: " + ADA.encode() + b"\n" + raw,
    ):
        outcome = inbound.ingester().receive(candidate)
        assert isinstance(outcome, Outcome)
        assert outcome.action in {
            "placed",
            "duplicate",
            "quarantined",
            "dropped",
            "stopped",
            "bounced",
        }
