"""Where replies come from: an IMAP mailbox, a Maildir, or one message on stdin.

Each source reads raw messages and hands them to the one code path (`Ingester.receive`), in
chunks; after a chunk's ledger changes are committed it marks the chunk handled (IMAP: MOVE
to the processed folder, or \\Seen where MOVE is not offered; Maildir: new/ -> cur/). Nothing
is removed or marked before its entry is written, so an interrupted run loses nothing, and the
next run finds the entries already there, so nothing is stored twice.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import re
import socket
import ssl
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from companion.receive import (
    MAX_QUARANTINED_BYTES,
    Ingester,
    IngestTemporaryError,
    Outcome,
)

CHUNK = 100
IMAP_PASSWORD_ENV = "PLG_IMAP_PASSWORD"
IMAP_SECURITY = ("tls", "starttls")
IMAP_DEFAULT_PORTS = {"tls": 993, "starttls": 143}


class SourceError(Exception):
    """A source cannot be read. `temporary` True: try again later (exit 75); else fix a setting."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass
class BatchResult:
    """What a run did; messages are counted by outcome, never described by content."""

    counts: dict[str, int] = field(default_factory=dict)
    handled: int = 0
    left: int = 0  # read but not marked handled (a temporary failure or an internal error)
    temporary: str | None = None  # why the run stopped early, to be retried
    errors: int = 0  # messages left in place after an unexpected error

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.action] = self.counts.get(outcome.action, 0) + 1

    def summary(self) -> str:
        order = ("placed", "duplicate", "quarantined", "dropped", "stopped", "bounced")
        parts = [f"{self.counts[k]} {k}" for k in order if self.counts.get(k)]
        text = f"{self.handled} message{'s' if self.handled != 1 else ''} handled"
        if parts:
            text += ": " + ", ".join(parts)
        if self.left:
            text += f"; {self.left} left for the next run"
        return text


def process(
    ingester: Ingester,
    messages: Iterable[tuple[Any, bytes]],
    mark_handled: Callable[[list[Any]], None],
    *,
    chunk: int = CHUNK,
    result: BatchResult | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Receive each (handle, raw) pair; commit and mark handled every `chunk` messages.

    A temporary failure (disk, busy ledger) stops the run with `result.temporary` set; the
    messages of the unfinished chunk stay where they were.
    """
    result = result or BatchResult()
    done: list[Any] = []

    def flush() -> None:
        ingester.commit()
        if done:
            mark_handled(list(done))
            result.handled += len(done)
            done.clear()

    try:
        for handle, raw in messages:
            try:
                outcome = ingester.receive(raw)
            except IngestTemporaryError:
                result.left += 1
                raise
            except Exception as err:  # noqa: BLE001 - one bad message must not stop the rest
                ingester.log(
                    f"plg-companion: a message could not be handled ({type(err).__name__}); "
                    "it stays in place for the next run"
                )
                result.errors += 1
                result.left += 1
                continue
            result.add(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            done.append(handle)
            if len(done) >= chunk:
                flush()
        flush()
    except IngestTemporaryError as err:
        result.temporary = str(err)
        result.left += len(done)
    except SourceError:
        # keep what was already stored and committed; the source may be gone, so marking
        # is best effort (unmarked messages are read again and found to be duplicates)
        try:
            flush()
        except (SourceError, IngestTemporaryError):
            result.left += len(done)
        raise
    return result


def describe(outcome: Outcome) -> str:
    """One line about an outcome: what and why, never who wrote what."""
    where = f" (group {outcome.slug})" if outcome.slug else ""
    week = f", week {outcome.week}" if outcome.action in ("placed", "duplicate") else ""
    return f"{outcome.action}: {outcome.reason}{week}{where}"


# -- Maildir -----------------------------------------------------------------------------------


def maildir_messages(folder: Path) -> Iterator[tuple[Path, bytes]]:
    """(path, bytes) of each message in new/, oldest name first; unreadable files skipped."""
    new = folder / "new"
    if not new.is_dir() or not (folder / "cur").is_dir():
        raise SourceError(f"{folder} is not a Maildir (it needs new/ and cur/)", temporary=False)
    for name in sorted(os.listdir(new)):
        if name.startswith("."):
            continue
        path = new / name
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_QUARANTINED_BYTES + 1)
        except FileNotFoundError:
            continue  # another reader took it
        except OSError as err:
            # leave it for the next run; the messages after it still get read
            print(f"plg-companion: cannot read {path}: {err.strerror or err}", file=sys.stderr)
            continue
        yield path, raw


def mark_maildir_handled(paths: list[Path]) -> None:
    """new/NAME -> cur/NAME:2,S (Seen), as a mail client would."""
    for path in paths:
        name = path.name if ":2," in path.name else f"{path.name}:2,S"
        try:
            os.replace(path, path.parent.parent / "cur" / name)
        except FileNotFoundError:
            continue


def ingest_maildir(
    ingester: Ingester,
    folder: Path,
    *,
    chunk: int = CHUNK,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    result = BatchResult()
    try:
        return process(
            ingester,
            maildir_messages(folder),
            mark_maildir_handled,
            chunk=chunk,
            result=result,
            on_outcome=on_outcome,
        )
    except SourceError as err:
        if not err.temporary:
            raise
        result.temporary = str(err)
        return result


# -- stdin ----------------------------------------------------------------------------------------


def read_stream(stream: BinaryIO, limit: int = MAX_QUARANTINED_BYTES + 1) -> bytes:
    """Up to `limit` bytes; the rest is read and discarded so the MTA's pipe never blocks."""
    kept = bytearray()
    while True:
        block = stream.read(65536)
        if not block:
            return bytes(kept)
        if len(kept) < limit:
            kept.extend(block[: limit - len(kept)])


def ingest_stdin(
    ingester: Ingester, stream: BinaryIO, *, on_outcome: Callable[[Outcome], None] | None = None
) -> BatchResult:
    return process(
        ingester, [("stdin", read_stream(stream))], lambda handles: None, on_outcome=on_outcome
    )


# -- IMAP -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str  # "tls" | "starttls"
    username: str
    password: str
    folder: str = "INBOX"
    processed_folder: str = "processed"
    ca_file: str | None = None
    timeout: float = 60.0

    def __repr__(self) -> str:  # keep the password out of tracebacks
        return (
            f"ImapSettings(host={self.host!r}, port={self.port}, security={self.security!r}, "
            f"username={self.username!r}, folder={self.folder!r})"
        )


def load_imap_settings(
    settings: Mapping[str, Any], env: Mapping[str, str] = os.environ
) -> ImapSettings | None:
    """The [imap] table, or None when it is absent or has no host (IMAP not used)."""
    from companion.settings import ConfigError

    imap = settings.get("imap")
    if imap is None:
        return None
    if not isinstance(imap, Mapping):
        raise ConfigError("plg.toml [imap]: must be a table")
    if not imap.get("host"):
        return None

    def text(key: str, default: str | None = None) -> str | None:
        value = imap.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"plg.toml [imap] {key}: must be a non-empty string")
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ConfigError(f"plg.toml [imap] {key}: contains a control character")
        return value.strip()

    security = (text("security", "tls") or "tls").lower()
    if security not in IMAP_SECURITY:
        raise ConfigError(f"plg.toml [imap] security: {security!r} is not one of tls, starttls")
    port = imap.get("port", IMAP_DEFAULT_PORTS[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError("plg.toml [imap] port: must be a whole number between 1 and 65535")
    username = text("username")
    if not username:
        raise ConfigError("plg.toml [imap] username: missing")
    if "password" in imap:
        raise ConfigError(
            "plg.toml [imap] password: passwords do not belong in plg.toml; use password_file "
            f"or the {IMAP_PASSWORD_ENV} environment variable"
        )
    password = env.get(IMAP_PASSWORD_ENV) or None
    password_file = text("password_file")
    if password is None and password_file:
        try:
            password = Path(password_file).expanduser().read_text(encoding="utf-8").strip("\r\n")
        except OSError as err:
            raise ConfigError(
                f"plg.toml [imap] password_file: cannot read {password_file} "
                f"({err.strerror or err})"
            ) from None
    if not password:
        raise ConfigError(
            f"plg.toml [imap] password_file: missing (give a password_file or set "
            f"{IMAP_PASSWORD_ENV})"
        )
    timeout = imap.get("timeout", 60)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigError("plg.toml [imap] timeout: must be a positive number of seconds")
    return ImapSettings(
        host=text("host") or "",
        port=port,
        security=security,
        username=username,
        password=password,
        folder=text("folder", "INBOX") or "INBOX",
        processed_folder=text("processed_folder", "processed") or "processed",
        ca_file=text("ca_file"),
        timeout=float(timeout),
    )


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


_IMAP_TRANSIENT = (imaplib.IMAP4.abort, OSError, EOFError, ssl.SSLError, socket.timeout)


class ImapMailbox:
    """One IMAP connection: unseen messages of a folder, and marking them handled."""

    def __init__(self, settings: ImapSettings, *, use_move: bool | None = None) -> None:
        self.settings = settings
        self._use_move = use_move
        self.conn: imaplib.IMAP4 | None = None
        self._capabilities: set[str] = set()

    def __enter__(self) -> ImapMailbox:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        s = self.settings
        where = f"IMAP server {s.host}:{s.port}"
        context = ssl.create_default_context(cafile=s.ca_file)
        try:
            if s.security == "tls":
                self.conn = imaplib.IMAP4_SSL(
                    s.host, s.port, ssl_context=context, timeout=s.timeout
                )
            else:
                self.conn = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
                self.conn.starttls(ssl_context=context)
        except ssl.SSLCertVerificationError as err:
            raise SourceError(
                f"{where}: certificate not trusted ({err.verify_message}); set [imap] ca_file",
                temporary=False,
            ) from None
        except imaplib.IMAP4.error as err:
            raise SourceError(f"{where}: {_imap_text(err)}", temporary=True) from None
        except _IMAP_TRANSIENT as err:
            raise SourceError(f"{where} unreachable: {_os_text(err)}", temporary=True) from None
        try:
            self.conn.login(s.username, s.password)
        except imaplib.IMAP4.abort as err:
            raise SourceError(f"{where}: {_imap_text(err)}", temporary=True) from None
        except imaplib.IMAP4.error as err:
            raise SourceError(
                f"{where}: login failed for {s.username} ({_imap_text(err)}); check [imap] "
                f"username and the password",
                temporary=False,
            ) from None
        except _IMAP_TRANSIENT as err:
            raise SourceError(f"{where}: {_os_text(err)}", temporary=True) from None
        self._capabilities = self._call(_capabilities)
        self._call(lambda c: self._select(c))
        self._call(lambda c: self._ensure_processed_folder(c))

    def _select(self, conn: imaplib.IMAP4) -> None:
        typ, data = conn.select(_quote(self.settings.folder))
        if typ != "OK":
            raise SourceError(
                f"IMAP folder {self.settings.folder!r} does not exist on {self.settings.host} "
                f"({_imap_text(data)}); check [imap] folder",
                temporary=False,
            )

    @property
    def moves(self) -> bool:
        if self._use_move is not None:
            return self._use_move
        return "MOVE" in self._capabilities

    def _ensure_processed_folder(self, conn: imaplib.IMAP4) -> None:
        if not self.moves:
            return
        typ, data = conn.list('""', _quote(self.settings.processed_folder))
        if typ == "OK" and any(item for item in data if item):
            return
        typ, data = conn.create(_quote(self.settings.processed_folder))
        if typ != "OK":
            raise SourceError(
                f"cannot create IMAP folder {self.settings.processed_folder!r}: {_imap_text(data)}",
                temporary=False,
            )
        conn.subscribe(_quote(self.settings.processed_folder))

    def _call(self, action: Callable[[imaplib.IMAP4], Any]) -> Any:
        assert self.conn is not None
        try:
            return action(self.conn)
        except SourceError:
            raise
        except imaplib.IMAP4.abort as err:
            raise SourceError(
                f"IMAP connection to {self.settings.host} lost: {_imap_text(err)}", temporary=True
            ) from None
        except imaplib.IMAP4.error as err:
            raise SourceError(
                f"IMAP server {self.settings.host} refused a command: {_imap_text(err)}",
                temporary=True,
            ) from None
        except _IMAP_TRANSIENT as err:
            raise SourceError(
                f"IMAP connection to {self.settings.host} lost: {_os_text(err)}", temporary=True
            ) from None

    def unseen(self) -> list[bytes]:
        typ, data = self._call(lambda c: c.uid("SEARCH", None, "UNSEEN"))
        if typ != "OK":
            raise SourceError(f"IMAP search failed: {_imap_text(data)}", temporary=True)
        return [uid for uid in (data[0] or b"").split() if uid.isdigit()]

    def fetch(self, uid: bytes) -> bytes | None:
        """The message (at most the quarantine limit of it), without setting \\Seen."""
        span = f"BODY.PEEK[]<0.{MAX_QUARANTINED_BYTES + 1}>"
        typ, data = self._call(lambda c: c.uid("FETCH", uid, f"({span})"))
        if typ != "OK":
            raise SourceError(f"IMAP fetch failed: {_imap_text(data)}", temporary=True)
        for item in data:
            if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
                return item[1]
        return None  # expunged by someone else meanwhile

    def messages(self) -> Iterator[tuple[bytes, bytes]]:
        for uid in self.unseen():
            raw = self.fetch(uid)
            if raw is not None:
                yield uid, raw

    def mark_handled(self, uids: list[bytes]) -> None:
        if not uids:
            return
        uid_set = b",".join(uids).decode()
        if self.moves:
            typ, data = self._call(
                lambda c: c.uid("MOVE", uid_set, _quote(self.settings.processed_folder))
            )
        else:
            typ, data = self._call(lambda c: c.uid("STORE", uid_set, "+FLAGS", "(\\Seen)"))
        if typ != "OK":
            raise SourceError(f"IMAP could not mark messages: {_imap_text(data)}", temporary=True)

    def close(self) -> None:
        if self.conn is None:
            return
        conn, self.conn = self.conn, None
        try:
            if conn.state == "SELECTED":
                conn.close()
            conn.logout()
        except Exception:  # noqa: BLE001 - already gone; nothing depends on a clean goodbye
            with contextlib.suppress(Exception):
                conn.shutdown()


def ingest_imap(
    ingester: Ingester,
    settings: ImapSettings,
    *,
    chunk: int = 50,
    use_move: bool | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Read the folder's unseen messages; a lost connection ends the run as temporary."""
    result = BatchResult()
    mailbox = ImapMailbox(settings, use_move=use_move)
    try:
        mailbox.open()
        process(
            ingester,
            mailbox.messages(),
            mailbox.mark_handled,
            chunk=chunk,
            result=result,
            on_outcome=on_outcome,
        )
    except SourceError as err:
        if not err.temporary:
            raise
        result.temporary = str(err)
    finally:
        mailbox.close()
    return result


def _capabilities(conn: imaplib.IMAP4) -> set[str]:
    """The capabilities after login (servers announce more then than before)."""
    typ, data = conn.capability()
    if typ != "OK" or not data or not isinstance(data[0], bytes):
        return {c.upper() for c in conn.capabilities}
    return {c.upper() for c in data[0].decode("ascii", "replace").split()}


def _imap_text(value: object) -> str:
    if isinstance(value, list):
        value = b" ".join(v for v in value if isinstance(v, bytes))
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text[:200] or "no reason given"


def _os_text(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__
