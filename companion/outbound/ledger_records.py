"""The ledger's records as typed values: a message's delivery, a member's, one run's counts.

The ledger file keeps plain JSON objects (so old ledgers read as before and unknown fields
survive); `Ledger` converts them to these frozen records as it hands them out, so a
misspelt field is a type error, not a silent None.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class MessageState(StrEnum):
    """Where a message is in its life. `sending` left by a crash is reported as uncertain:
    the server may have it, so it is never sent again (at most once)."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEFERRED = "deferred"
    SKIPPED = "skipped"


class PartnerCheckAnswer(StrEnum):
    """A member's answer to "have you and your partner met?": counted, never quoted."""

    MET = "met"
    NOT_YET = "not yet"


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class LedgerMessage:
    """One message the companion planned, sent, or queued as a notice."""

    # "[c<cycle>:]<kind>:<week>:<member>" for planned mail, "ack-<id>:<week>:<member>" for acks
    key: str
    state: MessageState
    member: str = ""
    kind: str = ""
    week: int | None = None
    message_id: str = ""
    attempts: int = 0
    updated: str = ""  # ISO time of the last change
    error: str = ""  # a server reply or a fixed phrase, never member text
    send_at: str = ""
    sent_at: str = ""
    queued_at: str = ""
    reply: str = ""
    reply_until: str = ""  # replies that lost their token are accepted until this day
    return_path: str = ""
    cycle: int = 1  # the group's cycle; records written before cycles existed are cycle 1
    # a notice threads under the member's email it answers: its Message-ID and References
    in_reply_to: str = ""
    references: str = ""
    answer: str = ""  # the partner check's PartnerCheckAnswer, once the member replied

    @classmethod
    def from_record(cls, raw: dict[str, Any]) -> LedgerMessage:
        week = raw.get("week")
        cycle = raw.get("cycle")
        return cls(
            key=str(raw["key"]),
            state=MessageState(raw["state"]),
            member=_text(raw, "member"),
            kind=_text(raw, "kind"),
            week=week if isinstance(week, int) and not isinstance(week, bool) else None,
            message_id=_text(raw, "message_id"),
            attempts=int(raw.get("attempts") or 0),
            updated=_text(raw, "updated"),
            error=_text(raw, "error"),
            send_at=_text(raw, "send_at"),
            sent_at=_text(raw, "sent_at"),
            queued_at=_text(raw, "queued_at"),
            reply=_text(raw, "reply"),
            reply_until=_text(raw, "reply_until"),
            return_path=_text(raw, "return_path"),
            cycle=cycle if isinstance(cycle, int) and not isinstance(cycle, bool) else 1,
            in_reply_to=_text(raw, "in_reply_to"),
            references=_text(raw, "references"),
            answer=_text(raw, "answer"),
        )

    @property
    def uncertain(self) -> bool:
        return self.state is MessageState.SENDING


@dataclass(frozen=True)
class MemberDelivery:
    """Whether a member may be emailed: opted out (STOP) or bouncing stops all but notices."""

    email: str
    opted_out: bool = False
    opted_out_at: str = ""
    opted_out_by: str = ""  # "reply" or "unsubscribe address"
    bouncing: bool = False
    bounced_at: str = ""
    bounce_reason: str = ""  # the enhanced status code of the bounce, e.g. 5.1.1
    updated: str = ""

    @classmethod
    def from_record(cls, raw: dict[str, Any]) -> MemberDelivery:
        return cls(
            email=str(raw["email"]),
            opted_out=bool(raw.get("opted_out")),
            opted_out_at=_text(raw, "opted_out_at"),
            opted_out_by=_text(raw, "opted_out_by"),
            bouncing=bool(raw.get("bouncing")),
            bounced_at=_text(raw, "bounced_at"),
            bounce_reason=_text(raw, "bounce_reason"),
            updated=_text(raw, "updated"),
        )

    @property
    def may_send(self) -> bool:
        return not self.opted_out and not self.bouncing


@dataclass(frozen=True)
class LedgerRun:
    """What one sending run did for the group."""

    at: str
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    uncertain: int = 0

    @classmethod
    def from_record(cls, raw: dict[str, Any]) -> LedgerRun:
        return cls(
            at=_text(raw, "at"),
            **{
                name: int(raw.get(name) or 0)
                for name in ("sent", "failed", "deferred", "skipped", "uncertain")
            },
        )

    def as_record(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "sent": self.sent,
            "failed": self.failed,
            "deferred": self.deferred,
            "skipped": self.skipped,
            "uncertain": self.uncertain,
        }
