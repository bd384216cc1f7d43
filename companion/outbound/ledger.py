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
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from companion.outbound.handover_log import HandoverLog
from companion.outbound.ledger_records import LedgerMessage, LedgerRun, MemberDelivery, MessageState
from plg_tui.vault.atomic import exclusive_lock
from plg_tui.vault.generations import SeenGenerations
from plg_tui.vault.group import now_iso, seen_generations
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.paths import LEDGER_DB, DataHome
from plg_tui.vault.storage import EncryptedStorage

RecordT = TypeVar("RecordT")


@dataclass(frozen=True)
class LedgerFiles:
    """Where a ledger lives when it is not a group's: its file, hand-over log and the record
    of generations seen."""

    db: Path
    wal: Path
    seen: Path


class LedgerBusy(Exception):
    """Another companion holds the ledger longer than we may wait."""


def ledger_path(home: Path, slug: str) -> Path:
    return DataHome(home).group(slug).ledger_db


def handover_log_path(home: Path, slug: str) -> Path:
    return DataHome(home).group(slug).ledger_wal


class _Records(Mapping[str, RecordT]):
    """A read-only view of one of the ledger's tables, converting each record as it is read."""

    def __init__(self, table: dict[str, dict[str, Any]], convert: Callable[..., RecordT]) -> None:
        self._table = table
        self._convert = convert

    def __getitem__(self, key: str) -> RecordT:
        return self._convert(self._table[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


class Ledger:
    """In-memory view of a group's ledger; `save()` writes it atomically.

    messages: key -> LedgerMessage (member, kind, week, state, message_id, attempts, error...)
    members:  email -> MemberDelivery (opted out, bouncing, when and why)
    runs:     the last runs' counts, oldest first
    quarantine_dropped: messages deleted unstored because the group's quarantine was full
    """

    def __init__(
        self, storage: EncryptedStorage, writable: bool, handovers: HandoverLog | None = None
    ) -> None:
        self._storage = storage
        self._writable = writable
        self._handovers = handovers
        data = storage.read() or {}
        self._messages: dict[str, dict[str, Any]] = self._table(data, "messages", "key")
        self._members: dict[str, dict[str, Any]] = self._table(data, "members", "email")
        self._runs: list[dict[str, Any]] = list(data.get("runs", {}).values())
        self._counters: dict[str, Any] = dict(data.get("counters", {}).get("1", {}))
        self.messages: Mapping[str, LedgerMessage] = _Records(
            self._messages, LedgerMessage.from_record
        )
        self.members: Mapping[str, MemberDelivery] = _Records(
            self._members, MemberDelivery.from_record
        )
        if handovers is not None:
            for record in handovers.records():
                self._apply_logged(record)

    @staticmethod
    def _table(data: dict[str, Any], name: str, key: str) -> dict[str, dict[str, Any]]:
        return {doc[key]: dict(doc) for doc in data.get(name, {}).values()}

    @staticmethod
    def _open_storage(home: Path, keys: GroupKeys, files: LedgerFiles | None) -> EncryptedStorage:
        if files is None:
            return EncryptedStorage(
                ledger_path(home, keys.slug),
                keys.ops_key,
                keys.group_id,
                LEDGER_DB,
                seen_generations(home, keys),
            )
        seen = SeenGenerations(files.seen, keys.ops_key, keys.group_id)
        return EncryptedStorage(files.db, keys.ops_key, keys.group_id, LEDGER_DB, seen)

    @staticmethod
    def _handover_log(home: Path, keys: GroupKeys, files: LedgerFiles | None) -> HandoverLog:
        path = files.wal if files else handover_log_path(home, keys.slug)
        return HandoverLog(path, keys.ops_key, keys.group_id)

    @classmethod
    def read_only(cls, home: Path, keys: GroupKeys, files: LedgerFiles | None = None) -> Ledger:
        return cls(
            cls._open_storage(home, keys, files),
            writable=False,
            handovers=cls._handover_log(home, keys, files),
        )

    @classmethod
    @contextlib.contextmanager
    def locked(
        cls,
        home: Path,
        keys: GroupKeys,
        *,
        timeout: float | None = None,
        files: LedgerFiles | None = None,
    ) -> Iterator[Ledger]:
        """Hold the ledger's lock for the whole block; `timeout` None waits forever.

        `files` names a ledger outside a group's folder (a pool's survey ledger)."""
        path = files.db if files else ledger_path(home, keys.slug)
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
            handovers = cls._handover_log(home, keys, files)
            stack.callback(handovers.close)
            yield cls(cls._open_storage(home, keys, files), writable=True, handovers=handovers)

    def save(self) -> None:
        if not self._writable:
            raise RuntimeError("ledger opened read-only")
        data = {
            "messages": {str(i): doc for i, doc in enumerate(self._messages.values(), 1)},
            "members": {str(i): doc for i, doc in enumerate(self._members.values(), 1)},
            "runs": {str(i): doc for i, doc in enumerate(self._runs[-50:], 1)},
            "counters": {"1": self._counters} if self._counters else {},
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
        self._messages.setdefault(key, {"key": key, "attempts": 0}).update(fields)

    def set_message(self, key: str, *, at: str | None = None, **fields: Any) -> LedgerMessage:
        """Create or update a message record; `at` (ISO time) defaults to the real clock.

        In a locked ledger the change is also appended to the hand-over log at once, so it
        survives a crash of this process before the next save().
        """
        change = {**fields, "updated": at or now_iso()}
        if self._writable and self._handovers is not None:
            self._handovers.append({"key": key, **change})
        record = self._messages.setdefault(key, {"key": key, "attempts": 0})
        record.update(change)
        return LedgerMessage.from_record(record)

    def note_handover(self, key: str, *, at: str | None = None, **fields: Any) -> None:
        """`key` goes to the SMTP server now: recorded as `sending` before it does."""
        if not self._writable or self._handovers is None:
            raise RuntimeError("ledger opened read-only")
        self.set_message(key, at=at, **fields, state=MessageState.SENDING)

    def sent_message_ids(self) -> Iterator[tuple[str, LedgerMessage]]:
        """(Message-ID lower-case, record) of every message that had one: replies and bounces
        that lost their token are matched against these."""
        for record in self._messages.values():
            message_id = str(record.get("message_id") or "").strip().lower()
            if message_id and record.get("member"):
                yield message_id, LedgerMessage.from_record(record)

    # -- members, runs, counters ----------------------------------------------------------------
    def member(self, email: str) -> MemberDelivery:
        return MemberDelivery.from_record(
            self._members.get(email.lower(), {"email": email.lower()})
        )

    def set_member(self, email: str, *, at: str | None = None, **fields: Any) -> MemberDelivery:
        record = self._members.setdefault(email.lower(), {"email": email.lower()})
        record.update(fields, updated=at or now_iso())
        return MemberDelivery.from_record(record)

    def may_send_to(self, email: str) -> bool:
        return self.member(email).may_send

    @property
    def runs(self) -> list[LedgerRun]:
        return [LedgerRun.from_record(run) for run in self._runs]

    def add_run(self, run: LedgerRun) -> None:
        self._runs.append(run.as_record())

    @property
    def quarantine_dropped(self) -> int:
        return int(self._counters.get("quarantine_dropped", 0))

    @property
    def quarantine_dropped_at(self) -> str:
        return str(self._counters.get("quarantine_dropped_at", "?"))

    def count_quarantine_dropped(self, count: int, at: str) -> None:
        self._counters["quarantine_dropped"] = self.quarantine_dropped + count
        self._counters["quarantine_dropped_at"] = at

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(MessageState, 0)
        for record in self._messages.values():
            state = MessageState(record["state"])
            result[state] = result.get(state, 0) + 1
        return {str(state): count for state, count in result.items()}
