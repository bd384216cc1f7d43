"""Reply tokens: which group, member and week a reply belongs to, and proof we issued it.

A token is `<slug>.<week>.<member-ref>.<mac>`: lower-case and dot-separated so it survives
plus-addressing, case-folding mail systems and Message-IDs. The member reference is a keyed
hash of the address (no address in the token); the MAC is an HMAC-SHA256 of
(group id, member, week) under the group's reply secret, truncated to 80 bits.
"""

from __future__ import annotations

import functools
import hmac
import re
from dataclasses import dataclass

from plg_tui.vault.crypto import hmac_sha256
from plg_tui.vault.keys import GroupKeys

UNSUBSCRIBE_PREFIX = "stop."
_TOKEN = re.compile(r"^([a-z0-9][a-z0-9-]{0,47})\.(\d{1,2})\.([0-9a-f]{10})\.([0-9a-f]{20})$")
_FIND = re.compile(r"(?:stop\.)?[a-z0-9][a-z0-9-]{0,47}\.\d{1,2}\.[0-9a-f]{10}\.[0-9a-f]{20}")


@dataclass(frozen=True)
class ParsedToken:
    slug: str
    week: int
    member_ref: str
    mac: str
    unsubscribe: bool = False


@functools.lru_cache(maxsize=64)
def _reply_secret(keys: GroupKeys) -> bytes:
    # Derived once per group and process: a run makes thousands of tokens.
    return keys.reply_secret


def member_ref(keys: GroupKeys, email: str) -> str:
    return hmac_sha256(_reply_secret(keys), b"member|" + email.lower().encode()).hex()[:10]


def _mac(keys: GroupKeys, email: str, week: int) -> str:
    message = f"reply|{keys.group_id}|{email.lower()}|{week}".encode()
    return hmac_sha256(_reply_secret(keys), message).hex()[:20]


def make_token(keys: GroupKeys, email: str, week: int) -> str:
    return f"{keys.slug}.{week}.{member_ref(keys, email)}.{_mac(keys, email, week)}"


def parse_token(text: str) -> ParsedToken | None:
    text = text.strip().lower()
    unsubscribe = text.startswith(UNSUBSCRIBE_PREFIX)
    if unsubscribe:
        text = text[len(UNSUBSCRIBE_PREFIX) :]
    match = _TOKEN.match(text)
    if not match:
        return None
    slug, week, ref, mac = match.groups()
    return ParsedToken(slug, int(week), ref, mac, unsubscribe)


def find_tokens(text: str) -> list[str]:
    """Every token-shaped string in a header value, in order."""
    return _FIND.findall(text.lower())


def verify_token(keys: GroupKeys, token: ParsedToken, emails: list[str]) -> str | None:
    """The member the token was issued to, or None if it is not one of ours."""
    if token.slug != keys.slug:
        return None
    for email in emails:
        if hmac.compare_digest(member_ref(keys, email), token.member_ref) and hmac.compare_digest(
            _mac(keys, email, token.week), token.mac
        ):
            return email.lower()
    return None


def plus_address(reply_to: str, token: str) -> str:
    """journal@example.org + token -> journal+token@example.org"""
    local, _, domain = reply_to.rpartition("@")
    return f"{local}+{token}@{domain}"
