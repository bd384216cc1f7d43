"""An encrypted TinyDB Storage: the operations layer of DESIGN.md.

File layout: MAGIC (4) | version (1) | header length (2, big-endian) | header JSON |
nonce (12) | AES-256-GCM ciphertext+tag of the whole database JSON. Everything before the
nonce is bound as associated data, so the header cannot be edited or swapped unnoticed.
A database's header carries a generation that every write raises; a file older than the
highest generation seen (see generations.py) is refused, so an old copy cannot be put back.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any, Protocol

from tinydb import TinyDB
from tinydb.storages import Storage

from plg_tui.vault.atomic import atomic_write, exclusive_lock, remove_stale_temp_files
from plg_tui.vault.crypto import DecryptError, aes_decrypt, aes_encrypt
from plg_tui.vault.errors import DamagedFile, OlderThanSeen, UnknownFormat


class GenerationRecord(Protocol):
    """The record of the highest generation seen of each file (vault/generations.py keeps it
    outside the folder a backup would restore); a Protocol here, so storage imports nothing
    that imports it."""

    path: Path

    def highest(self, label: str) -> int: ...

    def record(self, label: str, generation: int) -> None: ...


MAGIC = b"PLGV"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">4sBH")


def encode_file(key: bytes, header: dict[str, Any], payload: bytes) -> bytes:
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    prefix = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(header_bytes)) + header_bytes
    return prefix + aes_encrypt(key, payload, prefix)


def read_header(path: Path, raw: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    """(header, associated data, encrypted body); raises DamagedFile / UnknownFormat."""
    if len(raw) < _PREFIX.size:
        raise DamagedFile(path, "too short")
    magic, version, header_len = _PREFIX.unpack_from(raw)
    if magic != MAGIC:
        raise DamagedFile(path, "not a plg vault file")
    if version != FORMAT_VERSION:
        raise UnknownFormat(path, version)
    end = _PREFIX.size + header_len
    try:
        header = json.loads(raw[_PREFIX.size : end])
    except ValueError:
        raise DamagedFile(path, "unreadable header") from None
    if not isinstance(header, dict):
        raise DamagedFile(path, "unreadable header")
    return header, raw[:end], raw[end:]


def decode_file(path: Path, key: bytes, raw: bytes, group_id: str, label: str) -> bytes:
    return decode_generation(path, key, raw, group_id, label)[1]


def decode_generation(
    path: Path, key: bytes, raw: bytes, group_id: str, label: str
) -> tuple[int, bytes]:
    """(generation, plaintext); a file written before generations existed is generation 0."""
    header, associated, body = read_header(path, raw)
    if header.get("group") != group_id or header.get("file") != label:
        raise DamagedFile(path, "it belongs to another group or file")
    try:
        plaintext = aes_decrypt(key, body, associated)
    except DecryptError:
        raise DamagedFile(path) from None
    generation = header.get("generation", 0)
    if type(generation) is not int or generation < 0:
        raise DamagedFile(path, "bad generation")
    return generation, plaintext


class EncryptedStorage(Storage):
    """TinyDB storage that keeps the whole database encrypted and writes atomically.

    Deliberately no write cache: every write reaches the disk before it returns.
    A decoded copy is reused while the file's identity (inode, size, mtime) is unchanged.
    """

    def __init__(
        self,
        path: str | Path,
        key: bytes,
        group_id: str,
        label: str,
        seen: GenerationRecord | None = None,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._key = key
        self._group_id = group_id
        self._label = label
        self._seen = seen
        self._generation = 0  # the highest this object has read or written
        self._cache: tuple[tuple[int, int, int], bytes] | None = None

    def _identity(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _decode(self, raw: bytes) -> bytes:
        generation, plaintext = decode_generation(
            self.path, self._key, raw, self._group_id, self._label
        )
        seen = self._highest_seen()
        if generation < seen:
            record = self._seen.path if self._seen else self.path
            raise OlderThanSeen(self.path, generation, seen, record)
        self._generation = generation
        return plaintext

    def _highest_seen(self) -> int:
        return max(self._generation, self._seen.highest(self._label) if self._seen else 0)

    def read(self) -> dict[str, dict[str, Any]] | None:
        identity = self._identity()
        if identity is None:
            seen = self._highest_seen()
            if seen:  # deleting the file must not undo what it held either
                record = self._seen.path if self._seen else self.path
                raise OlderThanSeen(self.path, None, seen, record)
            return None
        if self._cache and self._cache[0] == identity:
            plaintext = self._cache[1]
        else:
            plaintext = self._decode(self.path.read_bytes())
            self._cache = (identity, plaintext)
        try:
            data = json.loads(plaintext)
        except ValueError:
            raise DamagedFile(self.path, "undecodable content") from None
        if not isinstance(data, dict):
            raise DamagedFile(self.path, "not a database")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        plaintext = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        with exclusive_lock(self.path):
            identity = self._identity()
            if identity is not None and not (self._cache and self._cache[0] == identity):
                # someone else wrote since we read: it must still open with our key (a re-key
                # in between) and not be older than what was seen, or we would overwrite it
                self._decode(self.path.read_bytes())
            generation = self._highest_seen() + 1
            header = {"group": self._group_id, "file": self._label, "generation": generation}
            blob = encode_file(self._key, header, plaintext)
            remove_stale_temp_files(self.path)
            atomic_write(self.path, blob)
            self._generation = generation
            if self._seen is not None:
                self._seen.record(self._label, generation)
        identity = self._identity()
        self._cache = (identity, plaintext) if identity else None

    def close(self) -> None:
        self._cache = None


def open_db(
    path: Path, key: bytes, group_id: str, label: str, seen: GenerationRecord | None = None
) -> TinyDB:
    return TinyDB(
        path, storage=EncryptedStorage, key=key, group_id=group_id, label=label, seen=seen
    )
