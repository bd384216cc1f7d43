"""The highest generation seen of each database of a group, so an older copy is refused.

Every database write raises the generation in the file's authenticated header. The highest
one written is kept in `keys/<slug>.seen` (encrypted under the operations key, so it cannot be
edited without it), outside the group's folder: putting back an old copy of `ledger.db`, or of
the whole group folder, does not roll this record back with it. Both writers (plg for
group.db, the companion for ledger.db) update it under its exclusive lock, re-reading inside.

The file is written after the database it describes: a crash in between leaves the record one
behind, which refuses nothing; the other order could refuse the newest file.
"""

from __future__ import annotations

import json
from pathlib import Path

from plg_tui.vault.atomic import atomic_write, exclusive_lock
from plg_tui.vault.storage import decode_file, encode_file

SEEN_LABEL = "seen"


class SeenGenerations:
    """Read and raise the highest generation seen per database label of one group."""

    def __init__(self, path: Path, key: bytes, group_id: str) -> None:
        self.path = path
        self._key = key
        self._group_id = group_id

    def all(self) -> dict[str, int]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        plain = decode_file(self.path, self._key, raw, self._group_id, SEEN_LABEL)
        data = json.loads(plain)
        return {str(k): int(v) for k, v in data.items()}

    def highest(self, label: str) -> int:
        return self.all().get(label, 0)

    def record(self, label: str, generation: int) -> None:
        with exclusive_lock(self.path):
            seen = self.all()
            if seen.get(label, 0) >= generation:
                return
            seen[label] = generation
            self.write(seen)

    def write(self, seen: dict[str, int]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        header = {"group": self._group_id, "file": SEEN_LABEL}
        atomic_write(self.path, encode_file(self._key, header, json.dumps(seen).encode()))
