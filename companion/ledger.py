"""The companion's ledger: what was sent, when, with which Message-ID; member delivery state.

One encrypted file per group (`groups/<slug>/ledger.db`, TinyDB format, operations key),
written only by the companion and only while holding its exclusive lock, so two companions
started at the same moment cannot both send a message: the second waits for the lock and
then sees the first one's records. A message is recorded as `sending`, with its Message-ID
fixed, before it is handed to the server; a crash before `sent` leaves it `sending`, which is
never retried (at most once) and is reported as uncertain.

Rewriting the whole encrypted ledger for every message would cost a full rewrite per email,
so every change of a message record (above all `sending`, the moment a message is handed to
the server, and `sent` as the reply comes) is appended to a small encrypted log beside the
ledger (`ledger.wal`). The next open replays it; `save()` folds it into the ledger and empties
it. A SIGKILL at any point therefore leaves exactly the messages the server may have seen
without our hearing back as `sending` (uncertain), and the rest still due. The log is written,
not fsync'd, per change: it survives the process dying, and is made durable with each save.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from plg_tui.vault import crypto
from plg_tui.vault.atomic import exclusive_lock
from plg_tui.vault.group import now_iso, seen_generations
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.paths import LEDGER_DB, DataHome
from plg_tui.vault.storage import EncryptedStorage

MESSAGE_STATES = ("sending", "sent", "failed", "deferred", "skipped")


class LedgerBusy(Exception):
    """Another companion holds the ledger longer than we may wait."""


def ledger_path(home: Path, slug: str) -> Path:
    return DataHome(home).group(slug).ledger_db


def handover_log_path(home: Path, slug: str) -> Path:
    return DataHome(home).group(slug).ledger_wal


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


class Ledger:
    """In-memory view of a group's ledger; `save()` writes it atomically.

    messages: key -> {member, kind, week, state, message_id, attempts, updated, error}
    members:  email -> {opted_out, opted_out_at, bouncing, bounce_reason, ...}
    runs:     run id -> {at, sent, failed, deferred, skipped}
    counters: {quarantine_dropped, quarantine_dropped_at}: messages deleted unstored because
              the group's quarantine was full
    """

    def __init__(
        self, storage: EncryptedStorage, writable: bool, handovers: HandoverLog | None = None
    ) -> None:
        self._storage = storage
        self._writable = writable
        self._handovers = handovers
        data = storage.read() or {}
        self.messages: dict[str, dict[str, Any]] = self._table(data, "messages", "key")
        self.members: dict[str, dict[str, Any]] = self._table(data, "members", "email")
        self.runs: list[dict[str, Any]] = list(data.get("runs", {}).values())
        self.counters: dict[str, Any] = dict(data.get("counters", {}).get("1", {}))
        if handovers is not None:
            for record in handovers.records():
                self._apply_logged(record)

    @staticmethod
    def _table(data: dict[str, Any], name: str, key: str) -> dict[str, dict[str, Any]]:
        return {doc[key]: dict(doc) for doc in data.get(name, {}).values()}

    @classmethod
    def _storage(cls, home: Path, keys: GroupKeys) -> EncryptedStorage:
        return EncryptedStorage(
            ledger_path(home, keys.slug),
            keys.ops_key,
            keys.group_id,
            LEDGER_DB,
            seen_generations(home, keys),
        )

    @classmethod
    def _handover_log(cls, home: Path, keys: GroupKeys) -> HandoverLog:
        return HandoverLog(handover_log_path(home, keys.slug), keys.ops_key, keys.group_id)

    @classmethod
    def read_only(cls, home: Path, keys: GroupKeys) -> Ledger:
        return cls(
            cls._storage(home, keys), writable=False, handovers=cls._handover_log(home, keys)
        )

    @classmethod
    @contextlib.contextmanager
    def locked(
        cls, home: Path, keys: GroupKeys, *, timeout: float | None = None
    ) -> Iterator[Ledger]:
        """Hold the group's ledger lock for the whole block; `timeout` None waits forever."""
        path = ledger_path(home, keys.slug)
        deadline = None if timeout is None else time.monotonic() + timeout
        with contextlib.ExitStack() as stack:
            while True:
                try:
                    stack.enter_context(exclusive_lock(path, blocking=deadline is None))
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise LedgerBusy(f"{path} is locked by another companion") from None
                    time.sleep(0.05)
            handovers = cls._handover_log(home, keys)
            stack.callback(handovers.close)
            yield cls(cls._storage(home, keys), writable=True, handovers=handovers)

    def save(self) -> None:
        if not self._writable:
            raise RuntimeError("ledger opened read-only")
        data = {
            "messages": {str(i): doc for i, doc in enumerate(self.messages.values(), 1)},
            "members": {str(i): doc for i, doc in enumerate(self.members.values(), 1)},
            "runs": {str(i): doc for i, doc in enumerate(self.runs[-50:], 1)},
            "counters": {"1": self.counters} if self.counters else {},
        }
        self._storage.write(data)
        if self._handovers is not None:
            self._handovers.clear()

    # -- message records: logged as they change, folded in by save() ----------------------------
    def _apply_logged(self, record: dict[str, Any]) -> None:
        # Replayed in order over the saved ledger: the last change of each message wins, which
        # is also what a save() that died before emptying the log had already written.
        fields = dict(record)
        key = fields.pop("key")
        self.messages.setdefault(key, {"key": key, "attempts": 0}).update(fields)

    def set_message(self, key: str, *, at: str | None = None, **fields: Any) -> dict[str, Any]:
        """Create or update a message record; `at` (ISO time) defaults to the real clock.

        In a locked ledger the change is also appended to the hand-over log at once, so it
        survives a crash of this process before the next save().
        """
        change = {**fields, "updated": at or now_iso()}
        if self._writable and self._handovers is not None:
            self._handovers.append({"key": key, **change})
        record = self.messages.setdefault(key, {"key": key, "attempts": 0})
        record.update(change)
        return record

    def note_handover(self, key: str, *, at: str | None = None, **fields: Any) -> None:
        """`key` goes to the SMTP server now: recorded as `sending` before it does."""
        if not self._writable or self._handovers is None:
            raise RuntimeError("ledger opened read-only")
        self.set_message(key, at=at, **fields, state="sending")

    def sent_message_ids(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(Message-ID lower-case, record) of every message that had one: replies and bounces
        that lost their token are matched against these."""
        for record in self.messages.values():
            message_id = str(record.get("message_id") or "").strip().lower()
            if message_id and record.get("member"):
                yield message_id, record

    def member(self, email: str) -> dict[str, Any]:
        return self.members.get(email.lower(), {"email": email.lower()})

    def set_member(self, email: str, *, at: str | None = None, **fields: Any) -> dict[str, Any]:
        record = self.members.setdefault(email.lower(), {"email": email.lower()})
        record.update(fields, updated=at or now_iso())
        return record

    def count_quarantine_dropped(self, count: int, at: str) -> None:
        self.counters["quarantine_dropped"] = (
            int(self.counters.get("quarantine_dropped", 0)) + count
        )
        self.counters["quarantine_dropped_at"] = at

    def may_send_to(self, email: str) -> bool:
        state = self.member(email)
        return not state.get("opted_out") and not state.get("bouncing")

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(MESSAGE_STATES, 0)
        for record in self.messages.values():
            result[record["state"]] = result.get(record["state"], 0) + 1
        return result
