"""What became of one inbound message, and the two ways a message stays in the mailbox."""

from __future__ import annotations

from dataclasses import dataclass


class IngestTemporaryError(Exception):
    """Try again later (the ledger is busy, the disk refused a write); nothing was lost."""


class MessageWaits(Exception):
    """This message may belong to a group that cannot be opened now (its key file or roster
    is unreadable): it stays in the mailbox, unread by anyone, until the group is repaired.
    The message is a fixed phrase naming the group(s), never text from the message."""


@dataclass(frozen=True)
class Outcome:
    """Where one message ended. `reason` is a fixed phrase, never text from the message."""

    action: str  # placed | duplicate | quarantined | dropped | stopped | started | bounced
    reason: str
    slug: str | None = None
    member: str | None = None
    week: int | None = None
    entry_id: str | None = None
