"""Feeding a source's messages to the ingester in chunks, committing and deleting each chunk.

Every source (IMAP, Maildir, stdin) goes through `process`: a chunk's messages are deleted
from the mailbox only after they are received (sealed) and their ledger changes committed, so
an interrupted run loses nothing, and the next run finds the entries already there and only
deletes the messages. Every handled message is deleted, whatever its outcome (see `local_sources`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from companion.inbound.ingester import Ingester
from companion.inbound.outcome import IngestTemporaryError, MessageWaits, Outcome
from plg_tui.vault.errors import KeyFileAltered

CHUNK = 100


class SourceError(Exception):
    """A source cannot be read. `temporary` True: try again later (exit 75); else fix a setting."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass
class BatchResult:
    """What a run did; messages are counted by outcome, never described by content."""

    counts: dict[str, int] = field(default_factory=dict)
    handled: int = 0
    left: int = 0  # read but left in the mailbox (a temporary failure or an internal error)
    temporary: str | None = None  # why the run stopped early, to be retried
    errors: int = 0  # messages left in place after an unexpected error

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.action] = self.counts.get(outcome.action, 0) + 1

    def summary(self) -> str:
        order = ("placed", "duplicate", "quarantined", "dropped", "stopped", "started", "bounced")
        parts = [f"{self.counts[k]} {k}" for k in order if self.counts.get(k)]
        text = f"{self.handled} message{'s' if self.handled != 1 else ''} handled"
        if parts:
            text += ": " + ", ".join(parts)
        if self.left:
            text += f"; {self.left} left for the next run"
        return text


def process(
    ingester: Ingester,
    messages: Iterable[tuple[Any, bytes]],
    delete_handled: Callable[[list[Any]], None],
    *,
    chunk: int = CHUNK,
    result: BatchResult | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Receive each (handle, raw) pair; commit and delete the handled every `chunk` messages.

    A temporary failure (disk, busy ledger) stops the run with `result.temporary` set; the
    messages of the unfinished chunk stay where they were.
    """
    result = result or BatchResult()
    done: list[Any] = []

    def flush() -> None:
        ingester.commit()
        if done:
            delete_handled(list(done))
            result.handled += len(done)
            done.clear()

    try:
        for handle, raw in messages:
            try:
                outcome = ingester.receive(raw)
            except (IngestTemporaryError, KeyFileAltered):
                result.left += 1
                raise
            except MessageWaits as err:
                ingester.log(f"plg-companion: {err}")
                result.errors += 1
                result.left += 1
                continue
            except Exception as err:  # one bad message must not stop the rest
                ingester.log(
                    f"plg-companion: a message could not be handled ({type(err).__name__}); "
                    "it stays in place for the next run"
                )
                result.errors += 1
                result.left += 1
                continue
            result.add(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            done.append(handle)
            if len(done) >= chunk:
                flush()
        flush()
    except IngestTemporaryError as err:
        result.temporary = str(err)
        result.left += len(done)
    except (SourceError, KeyFileAltered):
        # keep what was already stored and committed; the source may be gone, so deleting
        # is best effort (messages left are read again, found stored, and deleted then)
        try:
            flush()
        except (SourceError, IngestTemporaryError):
            result.left += len(done)
        raise
    return result


@contextmanager
def stop_if_temporary(result: BatchResult) -> Iterator[None]:
    """A temporary `SourceError` ends the run with `result.temporary` set; any other is raised."""
    try:
        yield
    except SourceError as err:
        if not err.temporary:
            raise
        result.temporary = str(err)


def describe(outcome: Outcome) -> str:
    """One line about an outcome: what and why, never who wrote what."""
    slug = outcome.slug or ""
    # a pool's outcomes name it "pool NAME"; a group's carry the bare slug
    where = f" ({slug})" if slug.startswith("pool ") else f" (group {slug})" if slug else ""
    week = f", week {outcome.week}" if outcome.action in ("placed", "duplicate") else ""
    return f"{outcome.action}: {outcome.reason}{week}{where}"
