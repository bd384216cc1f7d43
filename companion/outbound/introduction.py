"""The partner introduction: one email to the pair or trio, delivered as one copy per partner.

Every partner's copy is the same message: one Message-ID, the same To (all partners) and
text; each copy goes to its own recipient at that recipient's allowed hour, and the ledger
keeps each copy at most once. Replies go to the partners (Reply-To), not to the journal.
The Message-ID is derived from the pair under the group's reply secret, so copies sent in
different runs, even after a re-key, share it without naming anyone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from companion.outbound.compose import first_name
from companion.outbound.local_time import clock, working_overlap, zone_label
from plg_tui.vault.crypto import hmac_sha256
from plg_tui.vault.group_keys import GroupKeys

# (email, display name, IANA zone) of each partner
Partner = tuple[str, str, str]


def booking_order(partners: list[Partner]) -> list[Partner]:
    """Partners by first name, alphabetically (then address): the first one books the call."""
    return sorted(partners, key=lambda p: (first_name(p[1] or p[0]).casefold(), p[0]))


def _pair_digest(keys: GroupKeys, cycle: int, emails: list[str]) -> str:
    pair = "|".join(sorted(e.lower() for e in emails))
    return hmac_sha256(keys.reply_secret, f"introduction|{cycle}|{pair}".encode()).hex()[:32]


def introduction_message_id(keys: GroupKeys, cycle: int, emails: list[str], domain: str) -> str:
    return f"<{_pair_digest(keys, cycle, emails)}@{domain}>"


def pair_ref(keys: GroupKeys, cycle: int, emails: list[str]) -> str:
    """Names one pairing in a ledger key without naming its partners: a changed pair (someone
    joined it) is a new introduction, kept once per recipient like the first."""
    return _pair_digest(keys, cycle, emails)[:12]


def names_text(names: list[str]) -> str:
    """ "Ada", "Ada and Grace", "Linus, Mei and Tomás"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _working_day_after(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def introduction_context(partners: list[Partner], sent_on: datetime) -> dict[str, Any]:
    """What the introduction says about the partners: who books, each one's local hours."""
    ordered = booking_order(partners)
    zones = [zone for _, _, zone in ordered]
    around = _working_day_after(sent_on.astimezone(ZoneInfo(zones[0])).date())
    overlap = working_overlap(zones, around)
    people = []
    for email, name, zone in ordered:
        local = ZoneInfo(zone)
        window = ""
        if overlap is not None:
            start, end = (instant.astimezone(local) for instant in overlap)
            window = f"{clock(start)}-{clock(end)}"
        people.append(
            {
                "email": email,
                "name": name or email,
                "first_name": first_name(name or email),
                "zone": zone_label(zone),
                "window": window,
            }
        )
    # With no shared working hours: what the first one's 9:00 is for everyone.
    reference = overlap[0] if overlap else datetime.combine(around, datetime.min.time())
    if overlap is None:
        reference = reference.replace(hour=9, tzinfo=ZoneInfo(zones[0]))
    same_time = [
        f"{clock(reference.astimezone(ZoneInfo(zone)))} {zone_label(zone)}"
        for zone in dict.fromkeys(zones)
    ]
    return {
        "everyone": people,
        "greeting_names": names_text([p["first_name"] for p in people]),
        "booker": people[0]["first_name"],
        "overlap": overlap is not None,
        "one_zone": len(set(zones)) == 1,
        "same_time": names_text(same_time),
    }
