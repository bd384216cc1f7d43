"""Where replies come from: an IMAP mailbox, a Maildir, or one message on stdin.

Each source reads raw messages and hands them to the one code path (`Ingester.receive`), in
chunks; after a chunk's entries are sealed and its ledger changes committed, it DELETES the
chunk's messages (IMAP: \\Deleted and expunge; Maildir: unlink). A member's reply left in
the mailbox would be plaintext for whoever runs the mail server or the cron host, and out of
reach of `plg group purge`. Nothing is deleted before its entry is written, so an
interrupted run loses nothing, and the next run finds the entries already there (nothing is
stored or acknowledged twice) and deletes the messages then.

Every handled message is deleted, not only journal entries: quarantined ones once sealed, and
those dropped or acted on (auto-replies, bounces, STOP, strangers' mail, quarantine full).
They too can hold a member's words (an out-of-office text, a quoted prompt, a bounce carrying
our email), and the mailbox exists only for plg. What stays is only what could not be handled
now (a disk or ledger failure, a group whose keys cannot be read, an unexpected error): it is
read again next run.

The chunked hand-over shared by all sources is in `ingest_batch`, IMAP in `imap_source`
(settings in `imap_settings`);
Maildir and stdin are here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from companion.inbound.ingest_batch import (
    CHUNK,
    BatchResult,
    SourceError,
    process,
    stop_if_temporary,
)
from companion.inbound.ingester import Ingester
from companion.inbound.outcome import Outcome
from companion.inbound.quarantine import MAX_QUARANTINED_BYTES


def maildir_messages(folder: Path) -> Iterator[tuple[Path, bytes]]:
    """(path, bytes) of each message in new/, then cur/ (a mail client that opened the Maildir
    moves messages there), oldest name first; unreadable files skipped."""
    new = folder / "new"
    if not new.is_dir() or not (folder / "cur").is_dir():
        raise SourceError(f"{folder} is not a Maildir (it needs new/ and cur/)", temporary=False)
    paths = [sub / name for sub in (new, folder / "cur") for name in sorted(os.listdir(sub))]
    for path in paths:
        if path.name.startswith(".") or path.is_symlink():
            continue  # a link is no delivered message: never read (nor delete) what it points at
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_QUARANTINED_BYTES + 1)
        except FileNotFoundError:
            continue  # another reader took it
        except OSError as err:
            # leave it for the next run; the messages after it still get read
            print(f"plg-companion: cannot read {path}: {err.strerror or err}", file=sys.stderr)
            continue
        yield path, raw


def delete_maildir_messages(paths: list[Path]) -> None:
    """Unlink each message, then fsync its folder so the deletion survives a power cut."""
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue  # another reader took it
        except OSError as err:
            raise SourceError(
                f"cannot delete {path} after storing it: {err.strerror or err}", temporary=True
            ) from None
    for folder in {path.parent for path in paths}:
        try:
            descriptor = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(descriptor)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def ingest_maildir(
    ingester: Ingester,
    folder: Path,
    *,
    chunk: int = CHUNK,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    result = BatchResult()
    with stop_if_temporary(result):
        process(
            ingester,
            maildir_messages(folder),
            delete_maildir_messages,
            chunk=chunk,
            result=result,
            on_outcome=on_outcome,
        )
    return result


# -- stdin ----------------------------------------------------------------------------------------


def read_stream(stream: BinaryIO, limit: int = MAX_QUARANTINED_BYTES + 1) -> bytes:
    """Up to `limit` bytes; the rest is read and discarded so the MTA's pipe never blocks."""
    kept = bytearray()
    while True:
        block = stream.read(65536)
        if not block:
            return bytes(kept)
        if len(kept) < limit:
            kept.extend(block[: limit - len(kept)])


def ingest_stdin(
    ingester: Ingester, stream: BinaryIO, *, on_outcome: Callable[[Outcome], None] | None = None
) -> BatchResult:
    return process(
        ingester, [("stdin", read_stream(stream))], lambda handles: None, on_outcome=on_outcome
    )
