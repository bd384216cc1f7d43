"""Replies from an IMAP mailbox: a reconnecting mailbox and the ingest run.

Every message of the folder is fetched without setting \\Seen; once a chunk is committed
its messages are flagged \\Deleted and expunged (UID EXPUNGE of exactly those where the
server offers UIDPLUS). A lost connection ends the run as temporary; nothing is deleted that
was not stored.

Without UIDPLUS only a plain EXPUNGE exists, and it also removes every other message of the
folder that someone flagged \\Deleted without expunging it yet. The folder is plg's own (the
Reply-To mailbox), so such a message was already on its way out; a server without UIDPLUS
(RFC 4315, offered by Dovecot, Exchange, Gmail, Cyrus) is rare today.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Callable, Iterator
from typing import Any

from companion.inbound.imap_settings import ImapSettings
from companion.inbound.ingest_batch import BatchResult, SourceError, process, stop_if_temporary
from companion.inbound.ingester import Ingester
from companion.inbound.outcome import Outcome
from companion.inbound.quarantine import MAX_QUARANTINED_BYTES


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


_IMAP_TRANSIENT = (imaplib.IMAP4.abort, OSError, EOFError, ssl.SSLError, socket.timeout)


class ImapMailbox:
    """One IMAP connection: the messages of a folder, and deleting them once handled.

    `use_uidplus` None follows the server's capabilities; False forces a plain EXPUNGE.
    """

    def __init__(self, settings: ImapSettings, *, use_uidplus: bool | None = None) -> None:
        self.settings = settings
        self._use_uidplus = use_uidplus
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

    def _select(self, conn: imaplib.IMAP4) -> None:
        typ, data = conn.select(_quote(self.settings.folder))
        if typ != "OK":
            raise SourceError(
                f"IMAP folder {self.settings.folder!r} does not exist on {self.settings.host} "
                f"({_imap_text(data)}); check [imap] folder",
                temporary=False,
            )

    @property
    def uidplus(self) -> bool:
        if self._use_uidplus is not None:
            return self._use_uidplus
        return "UIDPLUS" in self._capabilities

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

    def waiting(self) -> list[bytes]:
        """Every message of the folder: read or not (someone may have opened the mailbox), and
        flagged \\Deleted or not (a run may have died before its expunge)."""
        typ, data = self._call(lambda c: c.uid("SEARCH", "ALL"))
        if typ != "OK":
            raise SourceError(f"IMAP search failed: {_imap_text(data)}", temporary=True)
        return [uid for uid in (data[0] or b"").split() if uid.isdigit()]

    def fetch(self, uid: bytes) -> bytes | None:
        """The message (at most the quarantine limit of it), without setting \\Seen."""
        span = f"BODY.PEEK[]<0.{MAX_QUARANTINED_BYTES + 1}>"
        typ, data = self._call(lambda c: c.uid("FETCH", uid.decode("ascii"), f"({span})"))
        if typ != "OK":
            raise SourceError(f"IMAP fetch failed: {_imap_text(data)}", temporary=True)
        for item in data:
            if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
                return item[1]
        return None  # expunged by someone else meanwhile

    def messages(self) -> Iterator[tuple[bytes, bytes]]:
        for uid in self.waiting():
            raw = self.fetch(uid)
            if raw is not None:
                yield uid, raw

    def delete(self, uids: list[bytes]) -> None:
        """Flag the messages \\Deleted and expunge them (see the module docstring)."""
        if not uids:
            return
        uid_set = b",".join(uids).decode()
        typ, data = self._call(lambda c: c.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Deleted)"))
        if typ != "OK":
            raise SourceError(f"IMAP could not delete messages: {_imap_text(data)}", temporary=True)
        if self.uidplus:
            typ, data = self._call(lambda c: c.uid("EXPUNGE", uid_set))
        else:
            typ, data = self._call(lambda c: c.expunge())
        if typ != "OK":
            raise SourceError(
                f"IMAP could not expunge messages: {_imap_text(data)}", temporary=True
            )

    def close(self) -> None:
        if self.conn is None:
            return
        conn, self.conn = self.conn, None
        try:
            # LOGOUT without CLOSE: CLOSE would expunge messages others flagged \\Deleted
            conn.logout()
        except Exception:  # already gone; nothing depends on a clean goodbye
            with contextlib.suppress(Exception):
                conn.shutdown()


def ingest_imap(
    ingester: Ingester,
    settings: ImapSettings,
    *,
    chunk: int = 50,
    use_uidplus: bool | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Read the folder's messages, delete the handled; a lost connection ends the run as
    temporary."""
    result = BatchResult()
    mailbox = ImapMailbox(settings, use_uidplus=use_uidplus)
    try:
        with stop_if_temporary(result):
            mailbox.open()
            process(
                ingester,
                mailbox.messages(),
                mailbox.delete,
                chunk=chunk,
                result=result,
                on_outcome=on_outcome,
            )
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
