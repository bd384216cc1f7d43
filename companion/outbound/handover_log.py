"""The ledger's hand-over log: each message-record change, appended the moment it happens.

See `companion.outbound.ledger` for why: a SIGKILL at any point leaves exactly the messages
the server may have seen without our hearing back as `sending`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from plg_tui.vault import crypto


class HandoverLog:
    """Append-only, encrypted log of message-record changes since the last save.

    Above all it holds each hand-over to the SMTP server, written before the server sees the
    message, and each outcome as it arrives.

    Each record is `length (4 bytes) | AES-GCM(ops key)` of a small JSON object. A write is a
    single os.write on an O_APPEND descriptor, so it survives the process being killed the
    instant after; a torn last record (killed mid-write) fails authentication and is ignored.
    """

    def __init__(self, path: Path, key: bytes, group_id: str) -> None:
        self.path = path
        self._key = key
        self._associated = f"plg-ledger-wal|{group_id}".encode()
        self._fd: int | None = None

    def records(self) -> list[dict[str, Any]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        found, offset = [], 0
        while offset + 4 <= len(raw):
            size = int.from_bytes(raw[offset : offset + 4], "big")
            blob = raw[offset + 4 : offset + 4 + size]
            if len(blob) < size:
                break
            try:
                found.append(json.loads(crypto.aes_decrypt(self._key, blob, self._associated)))
            except (crypto.DecryptError, ValueError):
                break
            offset += 4 + size
        return found

    def append(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        blob = crypto.aes_encrypt(self._key, json.dumps(record).encode(), self._associated)
        os.write(self._fd, len(blob).to_bytes(4, "big") + blob)

    def clear(self) -> None:
        """Called once the ledger holding every record has been saved durably."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.fsync(self._fd)
        elif self.path.exists():
            with open(self.path, "r+b") as handle:
                handle.truncate(0)
                os.fsync(handle.fileno())

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
