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

    # placed | duplicate | quarantined | dropped | stopped | started | bounced | counted
    action: str
    reason: str
    slug: str | None = None
    member: str | None = None
    week: int | None = None
    entry_id: str | None = None


def safe_error(err: BaseException) -> str:
    """A write error as a fixed phrase: an OSError's strerror, else the first line."""
    if isinstance(err, OSError):
        return err.strerror or type(err).__name__
    return str(err).splitlines()[0] if str(err) else type(err).__name__
