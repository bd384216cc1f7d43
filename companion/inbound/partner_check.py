"""Replies that are no journal entry: to the partner introduction, and to the partner check.

A reply to the introduction that reaches us (someone answered all) belongs to the partners,
who are in its To and Reply-To already: it is not stored, and the sender gets a short hint
once. A reply to the midway "have you and your partner met?" is counted as yes or not yet;
its words are not kept. One that reads as neither is quarantined (sealed), never filed.
"""

from __future__ import annotations

import re

from companion.inbound.notices import PendingChanges
from companion.inbound.outcome import Outcome
from companion.inbound.routing import Route
from companion.outbound.ledger_records import PartnerCheckAnswer

PARTNER_CHECK_UNCLEAR = "answer to the partner check not understood"
INTRODUCTION_HINT = "intro_hint"
# the answer is the first words of the reply, in English or German
_NOT_YET = re.compile(
    r"(not yet|noch nicht|not really|nope|nein|nee|no|nö|leider nicht|still not)\b"
)
_MET = re.compile(r"(yes|yeah|yep|yup|ja|jep|jo|jawohl|we did|we have|haben wir|done)\b")
_LEAD = re.compile(r"^[\s\W_]+")


def partner_check_answer(text: str) -> PartnerCheckAnswer | None:
    """ "Yes!", "ja, letzte Woche" -> met; "no", "Not yet.", "noch nicht" -> not yet."""
    start = _LEAD.sub("", text[:200]).casefold()
    if _NOT_YET.match(start):
        return PartnerCheckAnswer.NOT_YET
    if _MET.match(start):
        return PartnerCheckAnswer.MET
    return None


def answer_outcome(route: Route, text: str, pending: PendingChanges) -> Outcome | None:
    """What a reply to a message that is no journal prompt becomes; None: quarantine it."""
    assert route.member is not None
    slug = route.group.slug
    if route.answers == "pairing":
        key = f"{INTRODUCTION_HINT}:0:{route.member}"  # one hint per member, however many
        pending.notices[key] = {"member": route.member, "kind": INTRODUCTION_HINT, "week": 0}
        return Outcome("dropped", "reply to the partner introduction", slug, route.member)
    answer = partner_check_answer(text)
    if answer is None:
        return None
    pending.partner_checks[route.member] = answer
    return Outcome("counted", "partner check answer", slug, route.member)
