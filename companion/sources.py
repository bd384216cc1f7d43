"""Where replies come from: an IMAP mailbox, a Maildir, or one message on stdin.

Each source reads raw messages and hands them to the one code path (`Ingester.receive`), in
chunks; after a chunk's ledger changes are committed it marks the chunk handled (IMAP: MOVE
to the processed folder, or \\Seen where MOVE is not offered; Maildir: new/ -> cur/). Nothing
is removed or marked before its entry is written, so an interrupted run loses nothing, and the
next run finds the entries already there, so nothing is stored twice.

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

from companion.imap_settings import (
    IMAP_DEFAULT_PORTS,
    IMAP_PASSWORD_ENV,
    IMAP_SECURITY,
    ImapSettings,
    load_imap_settings,
)
from companion.imap_source import ImapMailbox, ingest_imap
from companion.ingest_batch import (
    CHUNK,
    BatchResult,
    SourceError,
    describe,
    process,
    stop_if_temporary,
)
from companion.receive import MAX_QUARANTINED_BYTES, Ingester, Outcome

__all__ = [
    "CHUNK",
    "IMAP_DEFAULT_PORTS",
    "IMAP_PASSWORD_ENV",
    "IMAP_SECURITY",
    "BatchResult",
    "ImapMailbox",
    "ImapSettings",
    "SourceError",
    "describe",
    "ingest_imap",
    "ingest_maildir",
    "ingest_stdin",
    "load_imap_settings",
    "maildir_messages",
    "mark_maildir_handled",
    "process",
    "read_stream",
]


def maildir_messages(folder: Path) -> Iterator[tuple[Path, bytes]]:
    """(path, bytes) of each message in new/, oldest name first; unreadable files skipped."""
    new = folder / "new"
    if not new.is_dir() or not (folder / "cur").is_dir():
        raise SourceError(f"{folder} is not a Maildir (it needs new/ and cur/)", temporary=False)
    for name in sorted(os.listdir(new)):
        if name.startswith("."):
            continue
        path = new / name
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


def mark_maildir_handled(paths: list[Path]) -> None:
    """new/NAME -> cur/NAME:2,S (Seen), as a mail client would."""
    for path in paths:
        name = path.name if ":2," in path.name else f"{path.name}:2,S"
        try:
            os.replace(path, path.parent.parent / "cur" / name)
        except FileNotFoundError:
            continue


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
            mark_maildir_handled,
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
