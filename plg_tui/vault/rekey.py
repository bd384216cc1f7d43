"""Re-keying a group: a new X25519 key pair and a new operations key for everything at once.

Every sealed item (group.db items, inbox/ and quarantine/ entries) is opened with the old
private key and sealed to the new public key, in memory only; every file under the operations
key (group.db, ledger.db, the companion's ledger.wal, the entries' metadata, the generation
record) is encrypted again under the new one; a new keyring (new passphrase) and key file
replace the old ones. All of it is staged and committed as one step (staging.py), so a crash
at any point leaves either the old state (old passphrase) or the new one (new passphrase).

The reply-token key is carried over, so replies to emails sent before the re-key still route.
An old copy of the keyring with the old passphrase opens only what was sealed before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plg_tui.vault import crypto
from plg_tui.vault.atomic import exclusive_lock
from plg_tui.vault.crypto import DecryptError, KdfParams
from plg_tui.vault.errors import OlderThanSeen
from plg_tui.vault.generations import SEEN_LABEL, SeenGenerations
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.keyring import keyring_bytes
from plg_tui.vault.keys import DEFAULT_KDF, keyfile_bytes, unlock
from plg_tui.vault.paths import GROUP_DB, INBOX, LEDGER_DB, QUARANTINE, DataHome
from plg_tui.vault.sealed import Standing, open_companion_entry, open_session_item
from plg_tui.vault.staging import (
    IN_USE_WAIT_SECONDS,
    Staging,
    finish_pending,
    hold_in_use,
    sole_use,
)
from plg_tui.vault.storage import decode_file, decode_generation, encode_file

# The companion's hand-over log (companion/outbound/ledger.py): records of
# length (4 bytes, big-endian) | AES-GCM(operations key, JSON, "plg-ledger-wal|<group id>").


def reseal(
    old: GroupKeys, new: GroupKeys, record: dict[str, Any], folder: str | None = None
) -> dict[str, Any]:
    """The one place a sealed item moves to the new key pair; the text stays in memory.

    `folder` is None for a session item in group.db, else the entries' folder (inbox,
    quarantine). The item keeps its standing: only an item that carried a valid session tag
    gets a new one, so a re-key never makes a forged or older item look genuine (an older,
    version-1 item is sealed anew untagged and so reads as unverified from then on). An item
    that does not open with its metadata (damaged, moved, or sealed to another key while the
    key file was altered) is carried over unchanged: the group could never read it.
    """
    if folder is None:
        opened = open_session_item(old, record)
    else:
        opened = open_companion_entry(old, folder, record)
    if opened.text is None:
        return record
    sealed = new.seal(opened.context, opened.text)
    moved = {k: v for k, v in record.items() if k != "auth"}
    moved["sealed"] = crypto.b64e(sealed)
    if opened.standing is Standing.SESSION:
        moved["auth"] = crypto.b64e(new.item_tag(opened.context, sealed))
    return moved


def rekey(
    home: Path,
    slug: str,
    old_passphrase: str,
    new_passphrase: str,
    kdf: KdfParams = DEFAULT_KDF,
    *,
    wait: float = IN_USE_WAIT_SECONDS,
    step: Callable[[str], None] | None = None,
    edit_group_db: Callable[[dict[str, Any]], None] | None = None,
) -> GroupKeys:
    """Re-key the group; `step(name)` is called between steps (crash tests).

    `edit_group_db` changes group.db's tables (as TinyDB keeps them) in the same staged step,
    so a change that must not outlive the old keys (a member leaving) and the re-key are
    committed together or not at all; it raises to refuse, before anything is committed.
    """
    step = step or (lambda name: None)
    files = DataHome(home).group(slug)
    folder = files.folder
    hold_in_use(home, slug)  # then sole_use upgrades this process's own lock
    with (
        sole_use(home, slug, wait),
        exclusive_lock(files.keyring),
        exclusive_lock(files.ledger_db),
        exclusive_lock(files.group_db),
        exclusive_lock(files.seen),
    ):
        old = unlock(home, slug, old_passphrase)
        private_key, public_key = crypto.new_keypair()
        new = GroupKeys(
            slug, old.group_id, crypto.random_key(), public_key, private_key, old.reply_secret
        )
        staging = Staging(home, slug)
        staging.start()
        step("started")
        seen = SeenGenerations(files.seen, old.ops_key, old.group_id).all()
        for label in (GROUP_DB, LEDGER_DB):
            edit = edit_group_db if label == GROUP_DB else None
            _stage_database(folder / label, label, old, new, seen, staging, edit)
        step("databases staged")
        _stage_wal(files.ledger_wal, old, new, staging)
        for name in (INBOX, QUARANTINE):
            _stage_entries(files.entries(name), name, old, new, staging)
        step("entries staged")
        header = {"group": new.group_id, "file": SEEN_LABEL}
        staging.put(files.seen, encode_file(new.ops_key, header, json.dumps(seen).encode()))
        staging.put(files.key_file, keyfile_bytes(new))
        staging.put(files.keyring, keyring_bytes(new, new_passphrase, kdf))
        step("keys staged")
        staging.commit()
        step("committed")
        finish_pending(home, slug, step)
    return new


def _stage_database(
    path: Path,
    label: str,
    old: GroupKeys,
    new: GroupKeys,
    seen: dict[str, int],
    staging: Staging,
    edit: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    if not path.exists():
        return
    generation, plain = decode_generation(path, old.ops_key, path.read_bytes(), old.group_id, label)
    if generation < seen.get(label, 0):
        raise OlderThanSeen(
            path, generation, seen[label], DataHome(staging.home).group(old.slug).seen
        )
    data = json.loads(plain)
    if edit is not None:
        edit(data)
    if label == GROUP_DB:
        items = data.get("items", {})
        data["items"] = {k: reseal(old, new, doc) for k, doc in items.items()}
    seen[label] = generation + 1
    header = {"group": new.group_id, "file": label, "generation": generation + 1}
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    staging.put(path, encode_file(new.ops_key, header, payload))


def _stage_wal(path: Path, old: GroupKeys, new: GroupKeys, staging: Staging) -> None:
    if not path.exists():
        return
    raw, out, offset = path.read_bytes(), bytearray(), 0
    associated = f"plg-ledger-wal|{old.group_id}".encode()
    while offset + 4 <= len(raw):
        size = int.from_bytes(raw[offset : offset + 4], "big")
        try:
            record = crypto.aes_decrypt(
                old.ops_key, raw[offset + 4 : offset + 4 + size], associated
            )
        except DecryptError:
            break  # a torn last record, as the companion's replay treats it
        blob = crypto.aes_encrypt(new.ops_key, record, associated)
        out += len(blob).to_bytes(4, "big") + blob
        offset += 4 + size
    staging.put(path, bytes(out))


def _stage_entries(
    folder: Path, name: str, old: GroupKeys, new: GroupKeys, staging: Staging
) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.entry")):
        label = f"{name}/{path.stem}"
        meta = json.loads(decode_file(path, old.ops_key, path.read_bytes(), old.group_id, label))
        payload = json.dumps(reseal(old, new, meta, name)).encode()
        staging.put(path, encode_file(new.ops_key, {"group": new.group_id, "file": label}, payload))
