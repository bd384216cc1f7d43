"""Issue 9 item 6: whoever holds the operations key file can rewrite group.db and the inbox and
can seal to the public key, but can neither re-attribute an item nor pass off a forged one as
written in a session. Each attack is done as an attacker would: TinyDB + EncryptedStorage with
the key from keys/<slug>.key, never through plg's own write paths."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tinydb import TinyDB

from plg_tui.vault import crypto
from plg_tui.vault.crypto import DecryptError, SealContext
from plg_tui.vault.group import GroupVault, iter_entries, open_entry, write_sealed_entry
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.keys import load_operations_keys, unlock
from plg_tui.vault.paths import GROUP_DB, INBOX, QUARANTINE, DataHome
from plg_tui.vault.sealed import Standing, open_companion_entry
from plg_tui.vault.storage import EncryptedStorage, decode_file, encode_file

PASS = "correct horse battery"
ADA, GRACE = "ada@example.org", "grace@example.org"
ADA_WORDS = "I avoid telling Sam his code reviews hurt"


def attacker_db(home: Path) -> tuple[TinyDB, GroupKeys]:
    """group.db opened with nothing but the companion's key file."""
    keys = load_operations_keys(home, "team")
    path = DataHome(home).group("team").folder / GROUP_DB
    db = TinyDB(
        path, storage=EncryptedStorage, key=keys.ops_key, group_id=keys.group_id, label=GROUP_DB
    )
    return db, keys


def tamper_items(home: Path, change: Callable[[dict[str, Any]], None]) -> None:
    db, _keys = attacker_db(home)
    items = db.table("items")
    for doc in items.all():
        updated = dict(doc)
        change(updated)
        items.update(updated, doc_ids=[doc.doc_id])
    db.close()


def reopened(home: Path) -> GroupVault:
    return GroupVault(home, unlock(home, "team", PASS))


@pytest.fixture
def ada_challenge(make_group, data_home: Path) -> Path:
    vault = make_group()
    vault.add_item("challenge", ADA_WORDS, member=ADA, session="1")
    vault.close()
    return data_home


def test_a_genuine_session_item_opens_unflagged(ada_challenge: Path) -> None:
    [item] = (vault := reopened(ada_challenge)).items("challenge")
    opened = vault.open_item(item)
    assert (opened.text, opened.standing, opened.warning) == (ADA_WORDS, Standing.SESSION, None)
    assert opened.shown == ADA_WORDS
    assert crypto.b64d(item.sealed)[0] == crypto.SEAL_VERSION == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("member", GRACE),  # Ada's challenge shown as Grace's
        ("member", None),  # ... or as the whole group's
        ("kind", "commitment"),
        ("session", "2"),
        ("session", "trust"),
        ("created", "2027-01-05T10:00:00+00:00"),  # moved to another cycle
        ("id", "0" * 32),
    ],
)
def test_changed_metadata_makes_the_item_damaged_not_someone_elses_words(
    ada_challenge: Path, field: str, value: object
) -> None:
    tamper_items(ada_challenge, lambda doc: doc.__setitem__(field, value))
    vault = reopened(ada_challenge)
    [item] = vault.items()
    opened = vault.open_item(item)
    assert opened.standing == Standing.DAMAGED
    assert opened.text is None
    assert ADA_WORDS not in opened.shown
    assert "damaged or altered" in opened.shown


def test_swapping_sealed_texts_between_members_is_caught(make_group, data_home: Path) -> None:
    vault = make_group()
    vault.add_item("challenge", ADA_WORDS, member=ADA, session="1")
    vault.add_item("challenge", "Grace's own challenge", member=GRACE, session="1")
    vault.close()

    db, _keys = attacker_db(data_home)
    first, second = db.table("items").all()
    db.table("items").update({"sealed": second["sealed"]}, doc_ids=[first.doc_id])
    db.table("items").update({"sealed": first["sealed"]}, doc_ids=[second.doc_id])
    db.close()
    vault = reopened(data_home)
    assert [vault.open_item(i).standing for i in vault.items()] == [Standing.DAMAGED] * 2


def test_a_downgrade_to_seal_version_1_is_caught(ada_challenge: Path) -> None:
    def downgrade(doc: dict[str, Any]) -> None:
        blob = bytearray(crypto.b64d(doc["sealed"]))
        blob[0] = crypto.LEGACY_SEAL_VERSION
        doc["sealed"] = crypto.b64e(bytes(blob))

    tamper_items(ada_challenge, downgrade)
    vault = reopened(ada_challenge)
    assert vault.open_item(vault.items()[0]).standing == Standing.DAMAGED


def forge(home: Path, kind: str, text: str, auth: str | None, **fields: Any) -> None:
    """Insert an item sealed with only the key file's operations key and public key."""
    db, keys = attacker_db(home)
    doc = {"id": os.urandom(16).hex(), "kind": kind, "member": None, "session": "1"}
    doc |= {"created": "2026-12-01T14:30:00+00:00", **fields}
    context = SealContext(
        keys.group_id, doc["id"], kind, doc["member"], doc["session"], None, doc["created"]
    )
    sealed = crypto.seal(keys.public_key, context, text.encode())
    doc["sealed"] = crypto.b64e(sealed)
    if auth is not None:
        doc["auth"] = auth
    db.table("items").insert(doc)
    db.close()


@pytest.mark.parametrize("how", ["no tag", "random tag", "tag copied from a genuine item"])
@pytest.mark.parametrize("kind", ["challenge", "commitment", "notes", "parking", "ground_rules"])
def test_an_item_forged_with_the_key_file_opens_flagged_as_not_from_a_session(
    ada_challenge: Path, kind: str, how: str
) -> None:
    genuine = reopened(ada_challenge).items("challenge")[0]
    auth = {
        "no tag": None,
        "random tag": crypto.b64e(os.urandom(32)),
        "tag copied from a genuine item": genuine.auth,
    }[how]
    forge(ada_challenge, kind, "I resign, effective today", auth, member=ADA)
    vault = reopened(ada_challenge)
    [item] = vault.items(kind) if kind != "challenge" else vault.items(kind)[1:]
    opened = vault.open_item(item)
    assert opened.standing == Standing.UNVERIFIED
    assert opened.text == "I resign, effective today"
    assert opened.shown.endswith("[not written in a session: possibly forged]")
    # the genuine item next to it stays unflagged
    assert vault.open_item(genuine).standing == Standing.SESSION


def test_items_are_written_only_with_the_passphrase(make_group, data_home: Path) -> None:
    make_group().close()
    ops = GroupVault(data_home, load_operations_keys(data_home, "team"))
    with pytest.raises(PermissionError, match="needs the group passphrase"):
        ops.add_item("challenge", ADA_WORDS, member=ADA, session="1")
    assert ops.items() == []


# -- journal and quarantine entries: written by the companion, bound to member and week -----


def tamper_entry(
    home: Path, folder: str, change: Callable[[dict[str, Any]], None], entry_id: str = "*"
) -> None:
    keys = load_operations_keys(home, "team")
    [path] = (DataHome(home).group("team").folder / folder).glob(f"{entry_id}.entry")
    label = f"{folder}/{path.stem}"
    meta = json.loads(decode_file(path, keys.ops_key, path.read_bytes(), keys.group_id, label))
    change(meta)
    header = {"group": keys.group_id, "file": label}
    path.write_bytes(encode_file(keys.ops_key, header, json.dumps(meta).encode()))


JOURNAL_META = {"member": ADA, "week": 2, "received": "2026-12-08T18:45:00+00:00"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("member", GRACE), ("week", 3), ("week", "2"), ("received", "2026-12-15T18:45:00+00:00")],
)
def test_a_journal_entry_moved_to_another_member_or_week_fails_to_open(
    make_group, data_home: Path, field: str, value: object
) -> None:
    make_group().close()
    ops = load_operations_keys(data_home, "team")
    write_sealed_entry(data_home, ops, INBOX, "e1", dict(JOURNAL_META), "Ada's week 2 words")
    keys = unlock(data_home, "team", PASS)
    [entry] = iter_entries(data_home, keys, INBOX)
    assert open_companion_entry(keys, INBOX, entry).standing == Standing.COMPANION

    tamper_entry(data_home, INBOX, lambda meta: meta.__setitem__(field, value))
    [entry] = iter_entries(data_home, keys, INBOX)
    assert entry[field] == value
    with pytest.raises(DecryptError):
        open_entry(keys, INBOX, entry)
    opened = open_companion_entry(keys, INBOX, entry)
    assert opened.standing == Standing.DAMAGED
    assert "Ada's week 2" not in opened.shown


def test_a_quarantined_message_is_bound_to_its_sender(make_group, data_home: Path) -> None:
    make_group().close()
    ops = load_operations_keys(data_home, "team")
    meta = {"reason": "sender is not the member", "date": "2026-12-08T18:45:00+00:00"}
    write_sealed_entry(data_home, ops, QUARANTINE, "q1", {**meta, "sender": ADA}, "raw mail")
    tamper_entry(data_home, QUARANTINE, lambda m: m.__setitem__("sender", GRACE))
    keys = unlock(data_home, "team", PASS)
    [entry] = iter_entries(data_home, keys, QUARANTINE)
    assert open_companion_entry(keys, QUARANTINE, entry).standing == Standing.DAMAGED


# -- version 1 items from existing data homes: they open, marked as older ---------------------


def seal_v1(public_key: bytes, group_id: str, item_id: str, plaintext: bytes) -> bytes:
    """The version-1 seal as plg wrote it before item 6: AD = info | group | item id."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    key = HKDF(hashes.SHA256(), 32, ephemeral_public + public_key, b"plg-seal-v1").derive(shared)
    nonce = os.urandom(12)
    ad = b"|".join([b"plg-seal-v1", group_id.encode(), item_id.encode()])
    return (
        bytes([1]) + ephemeral_public + nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, ad)
    )


def test_version_1_items_and_entries_open_marked_as_older(make_group, data_home: Path) -> None:
    make_group().close()
    db, keys = attacker_db(data_home)  # a version-1 writer had no more than this either
    sealed = seal_v1(keys.public_key, keys.group_id, "old1", b"an old note")
    db.table("items").insert(
        {
            "id": "old1",
            "kind": "notes",
            "member": None,
            "session": "1",
            "created": "2026-01-01",
            "sealed": crypto.b64e(sealed),
        }
    )
    db.close()
    write_sealed_entry(data_home, keys, INBOX, "e1", dict(JOURNAL_META), "placeholder")
    old_entry = seal_v1(keys.public_key, keys.group_id, f"{INBOX}/e1", b"an old entry")
    tamper_entry(data_home, INBOX, lambda m: m.__setitem__("sealed", crypto.b64e(old_entry)))

    vault = reopened(data_home)
    opened = vault.open_item(vault.items()[0])
    assert (opened.text, opened.standing) == ("an old note", Standing.OLDER)
    assert "older format" in opened.shown
    [entry] = iter_entries(data_home, vault.keys, INBOX)
    assert open_entry(vault.keys, INBOX, entry) == "an old entry"
    assert open_companion_entry(vault.keys, INBOX, entry).standing == Standing.OLDER
