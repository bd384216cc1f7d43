"""An encrypted TinyDB Storage: the operations layer of DESIGN.md.

File layout: MAGIC (4) | version (1) | header length (2, big-endian) | header JSON |
nonce (12) | AES-256-GCM ciphertext+tag of the whole database JSON. Everything before the
nonce is bound as associated data, so the header cannot be edited or swapped unnoticed.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from plg_tui.vault.atomic import atomic_write, exclusive_lock, remove_stale_temp_files
from plg_tui.vault.crypto import DecryptError, aes_decrypt, aes_encrypt
from plg_tui.vault.errors import DamagedFile, UnknownFormat

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
    header, associated, body = read_header(path, raw)
    if header.get("group") != group_id or header.get("file") != label:
        raise DamagedFile(path, "it belongs to another group or file")
    try:
        return aes_decrypt(key, body, associated)
    except DecryptError:
        raise DamagedFile(path) from None


class EncryptedStorage(Storage):
    """TinyDB storage that keeps the whole database encrypted and writes atomically.

    Deliberately no write cache: every write reaches the disk before it returns.
    A decoded copy is reused while the file's identity (inode, size, mtime) is unchanged.
    """

    def __init__(self, path: str | Path, key: bytes, group_id: str, label: str) -> None:
        super().__init__()
        self.path = Path(path)
        self._key = key
        self._group_id = group_id
        self._label = label
        self._cache: tuple[tuple[int, int, int], bytes] | None = None

    def _identity(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def read(self) -> dict[str, dict[str, Any]] | None:
        identity = self._identity()
        if identity is None:
            return None
        if self._cache and self._cache[0] == identity:
            plaintext = self._cache[1]
        else:
            raw = self.path.read_bytes()
            plaintext = decode_file(self.path, self._key, raw, self._group_id, self._label)
            self._cache = (identity, plaintext)
        try:
            data = json.loads(plaintext)
        except ValueError:
            raise DamagedFile(self.path, "undecodable content") from None
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        plaintext = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        blob = encode_file(self._key, {"group": self._group_id, "file": self._label}, plaintext)
        with exclusive_lock(self.path):
            remove_stale_temp_files(self.path)
            atomic_write(self.path, blob)
        identity = self._identity()
        self._cache = (identity, plaintext) if identity else None

    def close(self) -> None:
        self._cache = None


def open_db(path: Path, key: bytes, group_id: str, label: str) -> TinyDB:
    return TinyDB(path, storage=EncryptedStorage, key=key, group_id=group_id, label=label)
