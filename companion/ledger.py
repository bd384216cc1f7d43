"""The companion's ledger: what was sent, when, with which Message-ID; member delivery state.

One encrypted file per group (`groups/<slug>/ledger.db`, TinyDB format, operations key),
written only by the companion and only while holding its exclusive lock, so two companions
started at the same moment cannot both send a message: the second waits for the lock and
then sees the first one's records. A message is recorded as `sending`, with its Message-ID
fixed, before it is handed to the server; a crash before `sent` leaves it `sending`, which is
never retried (at most once) and is reported as uncertain.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from plg_tui.vault.atomic import exclusive_lock
from plg_tui.vault.group import LEDGER_DB, group_dir, now_iso
from plg_tui.vault.keys import GroupKeys
from plg_tui.vault.storage import EncryptedStorage

MESSAGE_STATES = ("sending", "sent", "failed", "deferred", "skipped")
TABLES = ("messages", "members", "runs")


class LedgerBusy(Exception):
    """Another companion holds the ledger longer than we may wait."""


def ledger_path(home: Path, slug: str) -> Path:
    return group_dir(home, slug) / LEDGER_DB


class Ledger:
    """In-memory view of a group's ledger; `save()` writes it atomically.

    messages: key -> {member, kind, week, state, message_id, attempts, updated, error}
    members:  email -> {opted_out, opted_out_at, bouncing, bounce_reason, ...}
    runs:     run id -> {at, sent, failed, deferred, skipped}
    """

    def __init__(self, storage: EncryptedStorage, writable: bool) -> None:
        self._storage = storage
        self._writable = writable
        data = storage.read() or {}
        self.messages: dict[str, dict[str, Any]] = self._table(data, "messages", "key")
        self.members: dict[str, dict[str, Any]] = self._table(data, "members", "email")
        self.runs: list[dict[str, Any]] = list(data.get("runs", {}).values())

    @staticmethod
    def _table(data: dict[str, Any], name: str, key: str) -> dict[str, dict[str, Any]]:
        return {doc[key]: dict(doc) for doc in data.get(name, {}).values()}

    @classmethod
    def _storage(cls, home: Path, keys: GroupKeys) -> EncryptedStorage:
        return EncryptedStorage(
            ledger_path(home, keys.slug), keys.ops_key, keys.group_id, LEDGER_DB
        )

    @classmethod
    def read_only(cls, home: Path, keys: GroupKeys) -> Ledger:
        return cls(cls._storage(home, keys), writable=False)

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
            yield cls(cls._storage(home, keys), writable=True)

    def save(self) -> None:
        if not self._writable:
            raise RuntimeError("ledger opened read-only")
        data = {
            "messages": {str(i): doc for i, doc in enumerate(self.messages.values(), 1)},
            "members": {str(i): doc for i, doc in enumerate(self.members.values(), 1)},
            "runs": {str(i): doc for i, doc in enumerate(self.runs[-50:], 1)},
        }
        self._storage.write(data)

    # -- convenience -----------------------------------------------------------------------
    def set_message(self, key: str, *, at: str | None = None, **fields: Any) -> dict[str, Any]:
        """Create or update a message record; `at` (ISO time) defaults to the real clock."""
        record = self.messages.setdefault(key, {"key": key, "attempts": 0})
        record.update(fields, updated=at or now_iso())
        return record

    def member(self, email: str) -> dict[str, Any]:
        return self.members.get(email.lower(), {"email": email.lower()})

    def set_member(self, email: str, *, at: str | None = None, **fields: Any) -> dict[str, Any]:
        record = self.members.setdefault(email.lower(), {"email": email.lower()})
        record.update(fields, updated=at or now_iso())
        return record

    def may_send_to(self, email: str) -> bool:
        state = self.member(email)
        return not state.get("opted_out") and not state.get("bouncing")

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(MESSAGE_STATES, 0)
        for record in self.messages.values():
            result[record["state"]] = result.get(record["state"], 0) + 1
        return result
