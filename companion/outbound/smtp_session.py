"""One SMTP connection's part of sending: connecting (TLS, login), the envelope, and the
server's replies made safe to store. The pool that reuses connections is in `smtp`."""

from __future__ import annotations

import contextlib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import aiosmtplib
from aiosmtplib.email import flatten_message

from companion.outbound.compose import WireMessage
from companion.settings import ConfigError, SmtpSettings
from plg_tui.core.safe_text import printable


class TemporaryFailure(Exception):
    """The server could not be reached (or dropped every connection); try again later."""


@dataclass
class DeliveryResult:
    message_id: str
    ok: bool
    temporary: bool
    reply: str  # the server's reply code and text, never message content
    uncertain: bool = False  # content handed over, no answer: it may have been delivered


CONNECTION_ERRORS = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def reply_text(code: int, text: str) -> str:
    # the server's text is outside text: it is stored in the ledger and printed by `status`
    return f"{code} {printable(' '.join(str(text).split()))}"[:300]


Outgoing = EmailMessage | WireMessage


def envelope(message: Outgoing) -> tuple[str, list[str]]:
    if isinstance(message, WireMessage):
        return message.sender, list(message.recipients)
    sender = parseaddr(str(message["From"]))[1]
    recipients = [addr for _name, addr in getaddresses([str(v) for v in message.get_all("To", [])])]
    return sender, recipients


def message_id_of(message: Outgoing) -> str:
    if isinstance(message, WireMessage):
        return message.message_id
    return str(message["Message-ID"]).strip()


def _tls_context(smtp: SmtpSettings) -> ssl.SSLContext | None:
    if smtp.security == "none":
        return None
    context = ssl.create_default_context(cafile=smtp.ca_file) if smtp.ca_file else None
    if context is not None and not smtp.verify_certificate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def new_client(smtp: SmtpSettings) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=smtp.host,
        port=smtp.port,
        username=smtp.username or None,
        password=smtp.password if smtp.username else None,
        timeout=smtp.timeout,
        use_tls=smtp.security == "tls",
        start_tls=smtp.security == "starttls",
        validate_certs=smtp.verify_certificate,
        tls_context=_tls_context(smtp),
    )


async def connect(smtp: SmtpSettings) -> aiosmtplib.SMTP:
    """A connected (and, if configured, authenticated) client, or TemporaryFailure/ConfigError."""
    client = new_client(smtp)
    try:
        await client.connect()
    except aiosmtplib.SMTPAuthenticationError as err:
        with contextlib.suppress(Exception):
            client.close()
        reply = reply_text(err.code, err.message)
        raise ConfigError(
            f"plg.toml [smtp] username: the server refused the login ({reply})"
        ) from None
    except ssl.SSLCertVerificationError as err:
        raise ConfigError(
            f"plg.toml [smtp] host: the server's TLS certificate is not trusted "
            f"({err.verify_message})"
        ) from None
    except aiosmtplib.SMTPNotSupported as err:
        raise ConfigError(f"plg.toml [smtp] security: {err}") from None
    except aiosmtplib.SMTPResponseException as err:
        with contextlib.suppress(Exception):
            client.close()
        if 500 <= err.code < 600:
            raise ConfigError(
                f"plg.toml [smtp] host: the server refused us ({reply_text(err.code, err.message)})"
            ) from None
        raise TemporaryFailure(
            f"SMTP server {smtp.host}:{smtp.port} is busy ({reply_text(err.code, err.message)})"
        ) from None
    except (*CONNECTION_ERRORS, ssl.SSLError) as err:
        with contextlib.suppress(Exception):
            client.close()
        raise TemporaryFailure(
            f"SMTP server {smtp.host}:{smtp.port} unreachable ({type(err).__name__}: {err})"
        ) from None
    return client


def prepare(client: aiosmtplib.SMTP, message: Outgoing) -> tuple[bytes, str]:
    sender, recipients = envelope(message)
    utf8 = not (sender + "".join(recipients)).isascii()
    if utf8 and not client.supports_extension("smtputf8"):
        raise aiosmtplib.SMTPNotSupported(
            "the recipient address needs SMTPUTF8, which the server does not offer"
        )
    if isinstance(message, WireMessage):
        return message.data, "utf-8" if utf8 else "ascii"
    eight_bit = client.supports_extension("8bitmime")
    data = flatten_message(message, utf8=utf8, cte_type="8bit" if eight_bit else "7bit")
    return data, "utf-8" if utf8 else "ascii"


async def envelope_commands(
    client: aiosmtplib.SMTP, message: Outgoing, data: bytes, encoding: str
) -> None:
    """MAIL and RCPT; a refusal here resets the envelope and leaves nothing delivered."""
    sender, recipients = envelope(message)
    options = []
    if client.supports_extension("size"):
        options.append(f"SIZE={len(data)}")
    if client.supports_extension("8bitmime"):
        options.append("BODY=8BITMIME")
    if encoding == "utf-8":
        options.append("SMTPUTF8")
    try:
        await client.mail(sender, options=options, encoding=encoding)
        refused: list[aiosmtplib.SMTPRecipientRefused] = []
        for recipient in recipients:
            try:
                await client.rcpt(recipient, encoding=encoding)
            except aiosmtplib.SMTPRecipientRefused as err:
                refused.append(err)
        if len(refused) == len(recipients):
            raise aiosmtplib.SMTPRecipientsRefused(refused)
    except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
        with contextlib.suppress(Exception):
            await client.rset()
        raise
