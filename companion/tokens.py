"""Reply tokens: whose reply it is (group, member, week), until when, and proof we issued it.

A token is `<slug>.<week>.<member-ref>.<until>.<mac>`: lower-case and dot-separated so it
survives plus-addressing and case-folding mail systems. It travels only in the Reply-To and
List-Unsubscribe addresses, never in a Message-ID (which a reply's References and a forward
would carry on). The member reference is a keyed hash of the address (no address in the
token); `until` is the last day (UTC, days since 1970-01-01) a reply is accepted, a set time
after session 2; the MAC is an HMAC-SHA256 of (group id, member, week, until) under the
group's reply secret, truncated to 80 bits, so nobody can extend a token.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from plg_tui.vault.crypto import hmac_sha256
from plg_tui.vault.group_keys import GroupKeys

UNSUBSCRIBE_PREFIX = "stop."
# The envelope sender of every email: journal+b.<slug>.<message-ref>.<mac>@reply-domain (VERP)
BOUNCE_PREFIX = "b."
DEFAULT_REPLY_DAYS = 30
_EPOCH = date(1970, 1, 1)
_TOKEN = re.compile(
    r"^([a-z0-9][a-z0-9-]{0,47})\.(\d{1,2})\.([0-9a-f]{10})\.(\d{5,6})\.([0-9a-f]{20})$"
)
_BOUNCE = re.compile(r"b\.([a-z0-9][a-z0-9-]{0,47})\.([0-9a-f]{16})\.([0-9a-f]{20})")
_FIND = re.compile(
    r"(?:stop\.)?[a-z0-9][a-z0-9-]{0,47}\.\d{1,2}\.[0-9a-f]{10}\.\d{5,6}\.[0-9a-f]{20}"
)


@dataclass(frozen=True)
class ParsedToken:
    slug: str
    week: int
    member_ref: str
    until: date  # last day (UTC) a reply with this token is accepted
    mac: str
    unsubscribe: bool = False

    def expired(self, now: datetime) -> bool:
        return now.astimezone(UTC).date() > self.until


def reply_until(session2: datetime, reply_days: int) -> date:
    """The last day (UTC) replies to an email of the cycle whose session 2 is `session2`."""
    return (session2.astimezone(UTC) + timedelta(days=reply_days)).date()


@functools.lru_cache(maxsize=64)
def _reply_secret(keys: GroupKeys) -> bytes:
    # Derived once per group and process: a run makes thousands of tokens.
    return keys.reply_secret


def member_ref(keys: GroupKeys, email: str) -> str:
    return hmac_sha256(_reply_secret(keys), b"member|" + email.lower().encode()).hex()[:10]


def _day_number(day: date) -> str:
    return f"{(day - _EPOCH).days:05d}"


def _mac(keys: GroupKeys, email: str, week: int, until: str) -> str:
    message = f"reply|{keys.group_id}|{email.lower()}|{week}|{until}".encode()
    return hmac_sha256(_reply_secret(keys), message).hex()[:20]


def make_token(keys: GroupKeys, email: str, week: int, until: date) -> str:
    day = _day_number(until)
    return f"{keys.slug}.{week}.{member_ref(keys, email)}.{day}.{_mac(keys, email, week, day)}"


def parse_token(text: str) -> ParsedToken | None:
    text = text.strip().lower()
    unsubscribe = text.startswith(UNSUBSCRIBE_PREFIX)
    if unsubscribe:
        text = text[len(UNSUBSCRIBE_PREFIX) :]
    match = _TOKEN.match(text)
    if not match:
        return None
    slug, week, ref, day, mac = match.groups()
    try:
        until = _EPOCH + timedelta(days=int(day))
    except OverflowError:
        return None
    return ParsedToken(slug, int(week), ref, until, mac, unsubscribe)


def find_tokens(text: str) -> list[str]:
    """Every token-shaped string in a header value, in order."""
    return _FIND.findall(text.lower())


def verify_token(keys: GroupKeys, token: ParsedToken, emails: list[str]) -> str | None:
    """The member the token was issued to, or None if it is not one of ours.

    Expiry is the caller's to check (`token.expired(now)`): an expired token of ours is still
    ours, and its reply is kept in quarantine rather than dropped.
    """
    if token.slug != keys.slug:
        return None
    day = _day_number(token.until)
    for email in emails:
        if hmac.compare_digest(member_ref(keys, email), token.member_ref) and hmac.compare_digest(
            _mac(keys, email, token.week, day), token.mac
        ):
            return email.lower()
    return None


def plus_address(reply_to: str, token: str) -> str:
    """journal@example.org + token -> journal+token@example.org"""
    local, _, domain = reply_to.rpartition("@")
    return f"{local}+{token}@{domain}"


# -- bounce addresses (VERP) ----------------------------------------------------------------


@dataclass(frozen=True)
class BounceToken:
    """What a bounce address names: the group and (a hash of) the Message-ID that bounced."""

    slug: str
    message_ref: str
    mac: str


def message_ref(message_id: str) -> str:
    """A short, keyless reference to a Message-ID (it is in the email anyway)."""
    return hashlib.sha256(message_id.strip().lower().encode()).hexdigest()[:16]


def _bounce_mac(keys: GroupKeys, message_id: str) -> str:
    message = f"bounce|{keys.group_id}|{message_id.strip().lower()}".encode()
    return hmac_sha256(_reply_secret(keys), message).hex()[:20]


def bounce_token(keys: GroupKeys, message_id: str) -> str:
    """b.<slug>.<ref>.<mac>: per message, so a bounce names the message that failed even when
    the report quotes nothing of it; the MAC keeps anyone else from making one."""
    ref = message_ref(message_id)
    return f"{BOUNCE_PREFIX}{keys.slug}.{ref}.{_bounce_mac(keys, message_id)}"


def find_bounce_tokens(text: str) -> list[BounceToken]:
    return [BounceToken(*match.groups()) for match in _BOUNCE.finditer(text.lower())]


def verify_bounce_token(keys: GroupKeys, token: BounceToken, message_id: str) -> bool:
    """True when `token` is the bounce address we gave the message `message_id`."""
    return (
        token.slug == keys.slug
        and hmac.compare_digest(message_ref(message_id), token.message_ref)
        and hmac.compare_digest(_bounce_mac(keys, message_id), token.mac)
    )
