"""Append one record to a vault holding 2,000 records, against plain TinyDB JSONStorage.

Both run in this process on the same disk; prints each median, the ratio (target: at most
2x, KDF excluded) and the time to unlock a group (the Argon2id KDF, 64 MiB, t=3, p=4).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from plg_tui.vault import crypto
from plg_tui.vault.keys import create_group_keys, unlock
from plg_tui.vault.storage import open_db

RECORDS = 2000
APPENDS = 200


def record(i: int) -> dict:
    return {
        "member": f"member{i}@example.org",
        "kind": "weekly",
        "week": i % 4 + 1,
        "state": "sent",
        "message_id": f"<{i:08d}.token@example.org>",
        "updated": "2026-11-23T09:00:00+00:00",
    }


def time_appends(db: TinyDB) -> float:
    db.insert_multiple(record(i) for i in range(RECORDS))
    timings = []
    for i in range(APPENDS):
        start = time.perf_counter()
        db.insert(record(RECORDS + i))
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        plain = time_appends(TinyDB(base / "plain.json", storage=JSONStorage))
        key = crypto.random_key()
        encrypted = time_appends(open_db(base / "vault.db", key, "bench", "vault.db"))
        create_group_keys(base, "bench", "benchmark passphrase")
        start = time.perf_counter()
        unlock(base, "bench", "benchmark passphrase")
        unlock_seconds = time.perf_counter() - start
    ratio = encrypted / plain
    print(f"append to {RECORDS} records, median of {APPENDS}:")
    print(f"  TinyDB JSONStorage      {plain * 1000:8.2f} ms")
    print(f"  plg EncryptedStorage    {encrypted * 1000:8.2f} ms  (AES-256-GCM, fsync, atomic)")
    print(f"  ratio                   {ratio:8.2f}x  (target <= 2x)")
    print(f"unlock (Argon2id 64 MiB, t=3, p=4): {unlock_seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
