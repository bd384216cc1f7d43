"""The headers every email of the companion carries, whatever its kind, built in one place.

`List-Id` and `Precedence: bulk` tell mail systems (and auto-responders) that this is list
mail; `List-Unsubscribe` offers the member's own STOP address (mailto) and, when
`[email] unsubscribe_url` is set, an https one-click address with `List-Unsubscribe-Post`
(RFC 8058); the envelope sender is a per-message VERP address on the reply domain, so a
bounce comes back to the ingester naming the very message that failed. `Date` and
`Message-ID` are written by `compose.build_wire` beside these.

Values are written as they go on the wire (ASCII, folded at the commas), never through the
email package, which would RFC 2047-encode a long List-Unsubscribe into something no mail
client can use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from companion.settings import EmailSettings
from companion.tokens import UNSUBSCRIBE_PREFIX, bounce_token, plus_address
from plg_tui.vault.group_keys import GroupKeys

ONE_CLICK = "List-Unsubscribe=One-Click"
# a References header keeps the last few ids of a thread: enough to thread, bounded in size
MAX_REFERENCES = 10
_MESSAGE_ID = re.compile(r"<[!-;=?-~]{3,250}>")  # printable ASCII, no <, > or space


@dataclass(frozen=True)
class ListHeaders:
    """The list headers of one message, and its envelope sender."""

    lines: tuple[str, ...]  # complete header lines, without CRLF
    envelope_sender: str  # MAIL FROM, and so the Return-Path the recipient's server writes


def list_id(email: EmailSettings, keys: GroupKeys) -> str:
    """<slug.plg.reply-domain>: one list per group (RFC 2919)."""
    domain = email.reply_to.rpartition("@")[2].lower()
    return f"<{keys.slug}.plg.{domain}>"


def one_click_url(email: EmailSettings, token: str) -> str:
    """The https unsubscribe address carrying the member's STOP token; "" when not set up."""
    if not email.unsubscribe_url:
        return ""
    joiner = "&" if "?" in email.unsubscribe_url else "?"
    return f"{email.unsubscribe_url}{joiner}token={quote(UNSUBSCRIBE_PREFIX + token)}"


def list_headers(
    email: EmailSettings, keys: GroupKeys, *, reply_token: str, message_id: str
) -> ListHeaders:
    """The list headers of the message `message_id` to the member holding `reply_token`."""
    stop_address = plus_address(email.reply_to, UNSUBSCRIBE_PREFIX + reply_token)
    targets = [f"<mailto:{stop_address}?subject=STOP>"]
    url = one_click_url(email, reply_token)
    if url:
        targets.append(f"<{url}>")
    lines = [
        f"List-Id: Peer learning group {list_id(email, keys)}",
        "Precedence: bulk",
        "List-Unsubscribe: " + ",\r\n ".join(targets),
    ]
    if url:
        lines.append(f"List-Unsubscribe-Post: {ONE_CLICK}")
    sender = plus_address(email.reply_to, bounce_token(keys, message_id))
    return ListHeaders(tuple(lines), sender)


def thread_headers(in_reply_to: str, references: Iterable[str]) -> list[str]:
    """In-Reply-To and References lines; ids not <id@domain>-shaped (ASCII) are left out."""
    ids = [i for i in (*references, in_reply_to) if _MESSAGE_ID.fullmatch(i)]
    ids = list(dict.fromkeys(ids))[-MAX_REFERENCES:]
    lines = [f"In-Reply-To: {in_reply_to}"] if _MESSAGE_ID.fullmatch(in_reply_to) else []
    if ids:
        lines.append("References: " + "\r\n ".join(ids))
    return lines
