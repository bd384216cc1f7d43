"""The group vault: one group's operations database plus its sealed items and inbox."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Document

from plg_tui.vault import crypto
from plg_tui.vault.atomic import atomic_write
from plg_tui.vault.crypto import DecryptError
from plg_tui.vault.errors import DamagedFile, VaultError
from plg_tui.vault.generations import SeenGenerations
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.paths import GROUP_DB, DataHome
from plg_tui.vault.records import (
    GROUP_INFO_FIELDS,
    Departure,
    GroupInfo,
    Member,
    Pairing,
    ParkingDecision,
    RecordError,
    SealedItem,
    cycle_of,
)
from plg_tui.vault.sealed import (
    OpenedItem,
    entry_context,
    item_context,
    open_companion_entry,
    open_session_item,
)
from plg_tui.vault.storage import decode_file, encode_file, open_db
from plg_tui.vocabulary import ParkingMark

ALL_CYCLES = 0  # `GroupVault.items(cycle=ALL_CYCLES)`: items of every cycle


def seen_generations(home: Path, keys: GroupKeys) -> SeenGenerations:
    return SeenGenerations(DataHome(home).group(keys.slug).seen, keys.ops_key, keys.group_id)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class GroupVault:
    """group.db: roster, dates, pairings, session records and sealed confidential items.

    Written by `plg` only. Sealed items need only the public key to write, and the private
    key (passphrase) to read.
    """

    def __init__(self, home: Path, keys: GroupKeys) -> None:
        self.home = home
        self.keys = keys
        self.files = DataHome(home).group(keys.slug)
        self.dir = self.files.folder
        self.db: TinyDB = self._open_db()

    def _open_db(self) -> TinyDB:
        keys = self.keys
        seen = seen_generations(self.home, keys)
        return open_db(self.files.group_db, keys.ops_key, keys.group_id, GROUP_DB, seen)

    @property
    def slug(self) -> str:
        return self.keys.slug

    @property
    def cycle(self) -> int:
        """The group's current cycle (`GroupInfo.cycle`): what is written now belongs to it."""
        return self.info().cycle

    def close(self) -> None:
        self.db.close()

    # -- the group record -------------------------------------------------------------
    def damaged(self, what: str, err: RecordError) -> DamagedFile:
        return DamagedFile(self.files.group_db, f"{what}: {err}")

    def info(self) -> GroupInfo:
        docs = self.db.table("group").all()
        if not docs:
            if not (self.files.group_db).exists():
                raise VaultError(
                    f"{self.files.group_db} is missing; restore it from a backup "
                    "(nothing was written)"
                )
            raise DamagedFile(self.files.group_db, "no group record")
        try:
            return GroupInfo.from_record(docs[0])
        except RecordError as err:
            raise self.damaged("the group record", err) from None

    def write_info(self, info: GroupInfo) -> None:
        table = self.db.table("group")
        table.truncate()
        table.insert(info.to_record())

    def update_info(self, **fields: Any) -> None:
        """Change some fields of the group record; a name GroupInfo lacks is a TypeError."""
        unknown = sorted(set(fields) - GROUP_INFO_FIELDS)
        if unknown:
            raise TypeError(f"GroupInfo has no field {', '.join(unknown)}")
        self.db.table("group").update(fields)

    def members(self) -> list[Member]:
        try:
            return [Member.from_record(m) for m in self.db.table("members").all()]
        except RecordError as err:
            raise self.damaged("a member record", err) from None

    def add_member(self, member: Member) -> None:
        self.db.table("members").insert(member.to_record())

    def departures(self) -> list[Departure]:
        """Who left the group and when, oldest first."""
        try:
            return [Departure.from_record(d) for d in self.db.table("departures").all()]
        except RecordError as err:
            raise self.damaged("a departure record", err) from None

    def set_members(self, members: list[Member]) -> None:
        table = self.db.table("members")
        table.truncate()
        table.insert_multiple([m.to_record() for m in members])

    # -- sealed confidential items ------------------------------------------------------
    def add_item(
        self, kind: str, text: str, *, member: str | None = None, session: str | None = None
    ) -> str:
        """Seal `text`, tag it as written in a session, and store it at once; returns the id."""
        item = {
            "id": uuid.uuid4().hex,
            "kind": str(kind),
            "member": member,
            "session": None if session is None else str(session),
            "created": now_iso(),
            "cycle": self.cycle,
        }
        context = item_context(self.keys.group_id, item)
        sealed = self.keys.seal(context, text)
        tag = self.keys.item_tag(context, sealed)
        self.db.table("items").insert(
            {**item, "sealed": crypto.b64e(sealed), "auth": crypto.b64e(tag)}
        )
        return str(item["id"])

    def items(
        self, kind: str | None = None, session: str | None = None, cycle: int | None = None
    ) -> list[SealedItem]:
        """Sealed items of one cycle (default: the current one; ALL_CYCLES: every cycle)."""
        wanted = self.cycle if cycle is None else cycle
        found = [SealedItem.from_record(i) for i in self.db.table("items").all()]
        return [
            i
            for i in found
            if (kind is None or i.kind == kind)
            and (session is None or i.session == session)
            and (wanted == ALL_CYCLES or i.cycle == wanted)
        ]

    def open_item(self, item: SealedItem) -> OpenedItem:
        """The item's text and how far it can be trusted; damaged or moved items never raise."""
        return open_session_item(self.keys, item.to_record())

    # -- pairings, sessions, facilitation history -----------------------------------------
    def pairings(self) -> list[Pairing]:
        try:
            return [Pairing.from_record(p) for p in self.db.table("pairings").all()]
        except RecordError as err:
            raise self.damaged("a pairing record", err) from None

    def current_pairs(self) -> list[list[str]] | None:
        """The current cycle's partners (pairs of earlier cycles are history), or None."""
        cycle = self.cycle
        records = [p for p in self.pairings() if p.cycle == cycle]
        return records[-1].groups if records else None

    def record_pairing(self, groups: list[list[str]], source: str) -> None:
        pairing = Pairing(
            created=now_iso(), groups=[list(g) for g in groups], source=source, cycle=self.cycle
        )
        self.db.table("pairings").insert(pairing.to_record())

    def _session_docs(self, kind: str, cycle: int) -> list[Document]:
        found = self.db.table("sessions").search(Query().kind == str(kind))
        return [doc for doc in found if cycle_of(doc) == cycle]

    def session_state(self, kind: str, cycle: int | None = None) -> dict[str, Any] | None:
        """The saved state of a session of a cycle (default: the current one), or None."""
        found = self._session_docs(kind, self.cycle if cycle is None else cycle)
        return dict(found[0]) if found else None

    def save_session_state(self, kind: str, state: dict[str, Any]) -> None:
        cycle = self.cycle
        record = {**state, "kind": str(kind), "cycle": cycle}
        table = self.db.table("sessions")
        ids = [doc.doc_id for doc in self._session_docs(kind, cycle)]
        if ids:
            table.update(record, doc_ids=ids)
        else:
            table.insert(record)

    def reopen(self) -> None:
        """A fresh handle on group.db, after its data was written below TinyDB's tables."""
        self.db.close()
        self.db = self._open_db()

    def facilitations(self) -> list[tuple[str, str]]:
        return [(f["at"], f["member"]) for f in self.db.table("facilitations").all()]

    def record_facilitation(self, member: str, kind: str) -> None:
        self.db.table("facilitations").insert({"at": now_iso(), "member": member, "kind": kind})

    # -- the parking lot's review: marks only, the items themselves stay sealed ------------
    def parking_decisions(self) -> dict[str, ParkingDecision]:
        """The latest mark of each reviewed parking-lot item, by item id."""
        try:
            found = [ParkingDecision.from_record(d) for d in self.db.table("parking").all()]
        except RecordError as err:
            raise self.damaged("a parking-lot mark", err) from None
        return {decision.item: decision for decision in found}

    def mark_parking(self, item_id: str, mark: ParkingMark, session: str) -> None:
        decision = ParkingDecision(item_id, ParkingMark(mark), str(session), now_iso())
        self.db.table("parking").upsert(decision.to_record(), Query().item == item_id)


# -- inbox: journal entries written by the companion, read by the group ------------------


def message_hash(message_id: str) -> str:
    return hashlib.sha256(message_id.strip().encode("utf-8", "replace")).hexdigest()


def _inbox_file(folder: Path, name: str) -> Path:
    return folder / f"{name}.entry"


def write_sealed_entry(
    home: Path, keys: GroupKeys, folder_name: str, entry_id: str, meta: dict[str, Any], text: str
) -> Path | None:
    """Seal `text` and write one entry file atomically; None if the entry already exists.

    The metadata (member, week, times, hashes) is encrypted under the operations key, the
    text is sealed to the group's public key: the companion can write it, never read it back.
    """
    folder = DataHome(home).group(keys.slug).entries(folder_name)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _inbox_file(folder, entry_id)
    if path.exists():
        return None
    sealed = keys.seal(entry_context(keys.group_id, folder_name, entry_id, meta), text)
    payload = json.dumps({**meta, "id": entry_id, "sealed": crypto.b64e(sealed)}).encode()
    label = f"{folder_name}/{entry_id}"
    atomic_write(path, encode_file(keys.ops_key, {"group": keys.group_id, "file": label}, payload))
    return path


def iter_entries(home: Path, keys: GroupKeys, folder_name: str) -> Iterator[dict[str, Any]]:
    """Entry metadata (with the sealed text still sealed), in file-name order."""
    folder = DataHome(home).group(keys.slug).entries(folder_name)
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.entry")):
        entry_id = path.stem
        raw = path.read_bytes()
        plain = decode_file(path, keys.ops_key, raw, keys.group_id, f"{folder_name}/{entry_id}")
        yield json.loads(plain)


def open_entry(keys: GroupKeys, folder_name: str, entry: dict[str, Any]) -> str:
    """The entry's text; DecryptError if it was moved to another member, week or time."""
    opened = open_companion_entry(keys, folder_name, entry)
    if opened.text is None:
        raise DecryptError("entry does not match its member, week or time")
    return opened.text
