"""The headers every email of the companion must carry, checked on the bytes a server received.

Used by the companion's header tests and the e2e month: `header_problems` lists what is
wrong with one delivered message (empty when nothing is).
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from companion.tokens import bounce_token, parse_token, plus_address, verify_token
from plg_tui.vault.group_keys import GroupKeys

ONE_CLICK = "List-Unsubscribe=One-Click"
_MESSAGE_ID = re.compile(r"<[0-9a-f]{32}@[a-z0-9.-]+>")


def raw_header(data: bytes, name: str) -> str:
    """A header's value exactly as sent, unfolded (no decoding)."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8")
    unfolded = re.sub(r"\r\n[ \t]", " ", head)
    prefix = name.lower() + ":"
    found = [
        line[len(prefix) :].strip()
        for line in unfolded.split("\r\n")
        if line.lower().startswith(prefix)
    ]
    return found[0] if len(found) == 1 else ""


def header_problems(
    data: bytes,
    mail_from: str,
    recipient: str,
    keys: GroupKeys,
    *,
    reply_to: str = "journal@example.org",
    unsubscribe_url: str = "",
) -> list[str]:
    problems: list[str] = []
    message = BytesParser(policy=policy.default).parsebytes(data)
    message_id = raw_header(data, "Message-ID")
    if not _MESSAGE_ID.fullmatch(message_id):
        problems.append(f"Message-ID missing or not random: {message_id!r}")
    try:
        parsedate_to_datetime(raw_header(data, "Date"))
    except (TypeError, ValueError):
        problems.append("Date missing or unreadable")
    domain = reply_to.rpartition("@")[2]
    if raw_header(data, "List-Id") != f"Peer learning group <{keys.slug}.plg.{domain}>":
        problems.append(f"List-Id: {raw_header(data, 'List-Id')!r}")
    if raw_header(data, "Precedence") != "bulk":
        problems.append(f"Precedence: {raw_header(data, 'Precedence')!r}")
    unsubscribe = raw_header(data, "List-Unsubscribe")
    if "=?" in unsubscribe:
        problems.append("List-Unsubscribe is RFC 2047-encoded")
    targets = re.findall(r"<([^<>]+)>", unsubscribe)
    mailto = [t for t in targets if t.startswith("mailto:")]
    https = [t for t in targets if t.startswith("https:")]
    if len(mailto) != 1 or not mailto[0].endswith("?subject=STOP"):
        problems.append(f"List-Unsubscribe has no mailto STOP address: {unsubscribe!r}")
    else:
        address = mailto[0][len("mailto:") : -len("?subject=STOP")]
        local, _, at_domain = address.rpartition("@")
        token = parse_token(local.partition("+")[2])
        if (
            at_domain != domain
            or token is None
            or not token.unsubscribe
            or verify_token(keys, token, [recipient]) != recipient.lower()
        ):
            problems.append(f"the STOP address is not the recipient's: {address!r}")
    post = raw_header(data, "List-Unsubscribe-Post")
    if unsubscribe_url:
        if len(https) != 1 or not https[0].startswith(unsubscribe_url + "?token=stop."):
            problems.append(f"List-Unsubscribe has no one-click https address: {unsubscribe!r}")
        if post != ONE_CLICK:
            problems.append(f"List-Unsubscribe-Post: {post!r}")
    elif https or post:
        problems.append("a one-click address without [email] unsubscribe_url")
    if message_id:
        verp = plus_address(reply_to, bounce_token(keys, message_id))
        if mail_from != verp:
            problems.append(f"envelope sender {mail_from!r} is not the VERP address {verp!r}")
    if message["To"] is None or recipient.lower() not in str(message["To"]).lower():
        problems.append("To is not the recipient")
    return problems
