"""What became of one inbound message, and the two ways a message stays in the mailbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from companion.outbound.ledger import LedgerBusy
from plg_tui.vault.errors import DiskWriteError


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


@contextmanager
def written_or_retried(ledger: str, what: str) -> Iterator[None]:
    """Writing `what` (the `ledger` lock guards it): a busy lock or a refused write becomes
    IngestTemporaryError, so the MTA or the next run retries and nothing is lost."""
    try:
        yield
    except LedgerBusy:
        raise IngestTemporaryError(f"the {ledger} is busy") from None
    except (DiskWriteError, OSError) as err:
        raise IngestTemporaryError(f"could not write {what}: {safe_error(err)}") from None
