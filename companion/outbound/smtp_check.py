"""Trying the [smtp] settings one step at a time, so a champion learns which step fails and what
to change: reach the server, TLS, log in, have the From address accepted, and optionally send
one test email. Nothing of a group is read or sent."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

from companion.exit_codes import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_TEMPORARY
from companion.outbound.smtp_session import reply_text
from companion.settings import EmailSettings, SmtpSettings
from companion.tokens import BOUNCE_PREFIX, plus_address
from plg_tui.core.safe_text import printable

CHECK_TIMEOUT = 15.0  # seconds per step at most: a check answers quickly or names the step


@dataclass(frozen=True)
class CheckStep:
    """One step of a check: what was tried, how it went, and what to change when it failed."""

    name: str
    detail: str
    code: int = EXIT_OK  # an exit code of companion.exit_codes
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.code == EXIT_OK


class _Stop(Exception):
    def __init__(self, step: CheckStep) -> None:
        super().__init__(step.detail)
        self.step = step


def _client(smtp: SmtpSettings, timeout: float) -> aiosmtplib.SMTP:
    context = None
    if smtp.security != "none":
        context = ssl.create_default_context(cafile=smtp.ca_file)
        if not smtp.verify_certificate:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    return aiosmtplib.SMTP(
        hostname=smtp.host,
        port=smtp.port,
        timeout=timeout,
        use_tls=smtp.security == "tls",
        start_tls=False,  # done as its own step below
        validate_certs=smtp.verify_certificate,
        tls_context=context,
    )


def _tls_failure(smtp: SmtpSettings, err: ssl.SSLError) -> CheckStep:
    where = f"{smtp.host}:{smtp.port}"
    if isinstance(err, ssl.SSLCertVerificationError):
        return CheckStep(
            "tls",
            f"{where}: the server's certificate is not trusted ({err.verify_message})",
            EXIT_CONFIG,
            "set [smtp] ca_file to the certificate of the authority that signed it",
        )
    other = "starttls" if smtp.security == "tls" else "tls"
    return CheckStep(
        "tls",
        f"{where}: the TLS handshake failed ({printable(err.reason or err)})",
        EXIT_CONFIG,
        f'the port may expect the other kind of TLS: try security = "{other}" in [smtp] '
        f"(usually port {587 if other == 'starttls' else 465})",
    )


async def _connect(smtp: SmtpSettings, client: aiosmtplib.SMTP) -> CheckStep:
    where = f"{smtp.host}:{smtp.port}"
    try:
        greeting = await client.connect()
    except ssl.SSLError as err:
        raise _Stop(_tls_failure(smtp, err)) from None
    except aiosmtplib.SMTPConnectTimeoutError:
        fix = (
            'if the port expects TLS from the start, set security = "tls" in [smtp]; otherwise '
            "check that the server is up"
        )
        raise _Stop(
            CheckStep(
                "connect", f"{where} accepted the connection but never greeted", EXIT_TEMPORARY, fix
            )
        ) from None
    except aiosmtplib.SMTPConnectResponseError as err:
        code = EXIT_CONFIG if 500 <= err.code < 600 else EXIT_TEMPORARY
        detail = f"{where} refused us ({reply_text(err.code, err.message)})"
        raise _Stop(CheckStep("connect", detail, code, "ask the mail administrator")) from None
    except (aiosmtplib.SMTPException, OSError) as err:
        cause = err.__cause__ if isinstance(err.__cause__, OSError) else err
        if isinstance(cause, ssl.SSLError):
            raise _Stop(_tls_failure(smtp, cause)) from None
        detail = f"{where} unreachable ({printable(getattr(cause, 'strerror', None) or cause)})"
        fix = (
            "check [smtp] host and port in plg.toml, that the server runs, and that this "
            "machine may reach it (firewall, VPN)"
        )
        raise _Stop(CheckStep("connect", detail, EXIT_TEMPORARY, fix)) from None
    tls = " over TLS" if smtp.security == "tls" else ""
    return CheckStep(
        "connect", f"{where} answered{tls}: {reply_text(greeting.code, greeting.message)}"
    )


async def _starttls(smtp: SmtpSettings, client: aiosmtplib.SMTP) -> CheckStep:
    try:
        await client.starttls()
    except ssl.SSLError as err:
        raise _Stop(_tls_failure(smtp, err)) from None
    except aiosmtplib.SMTPResponseException as err:
        detail = f"STARTTLS refused ({reply_text(err.code, err.message)})"
        raise _Stop(CheckStep("tls", detail, EXIT_CONFIG, "ask the mail administrator")) from None
    except aiosmtplib.SMTPException:
        fix = (
            'use the port that offers STARTTLS (usually 587), or security = "tls" for a port that '
            'speaks TLS from the start (usually 465); "none" only for a relay on localhost'
        )
        raise _Stop(
            CheckStep("tls", "the server does not offer STARTTLS on this port", EXIT_CONFIG, fix)
        ) from None
    return CheckStep("tls", "STARTTLS: the connection is encrypted")


async def _login(smtp: SmtpSettings, client: aiosmtplib.SMTP) -> CheckStep:
    if not smtp.username:
        return CheckStep("login", "none configured (no [smtp] username): sending without login")
    try:
        await client.login(smtp.username, smtp.password or "")
    except aiosmtplib.SMTPAuthenticationError as err:
        fix = (
            "check [smtp] username and the password (password_file, or PLG_SMTP_PASSWORD); some "
            "providers need an app password"
        )
        detail = (
            f"the server refused the login of {smtp.username} ({reply_text(err.code, err.message)})"
        )
        raise _Stop(CheckStep("login", detail, EXIT_CONFIG, fix)) from None
    except aiosmtplib.SMTPException as err:
        fix = "remove username from [smtp] if the server needs no login, or use TLS (security)"
        raise _Stop(CheckStep("login", printable(err), EXIT_CONFIG, fix)) from None
    return CheckStep("login", f"logged in as {smtp.username}")


async def _sender(email: EmailSettings, client: aiosmtplib.SMTP) -> CheckStep:
    sender = email.from_address
    try:
        await client.mail(sender)
    except aiosmtplib.SMTPResponseException as err:
        reply = reply_text(err.code, err.message)
        if err.code == 530 or "auth" in err.message.lower():
            fix = "the server wants a login first: set [smtp] username and password_file"
        else:
            fix = "set [email] from to an address this SMTP account may send as"
        code = EXIT_TEMPORARY if 400 <= err.code < 500 else EXIT_CONFIG
        raise _Stop(CheckStep("from", f"{sender} not accepted ({reply})", code, fix)) from None
    return CheckStep("from", f"{sender} accepted as sender")


async def _bounce_sender(email: EmailSettings, client: aiosmtplib.SMTP) -> CheckStep:
    """Every email leaves with its own bounce address (VERP) on the reply domain as envelope
    sender: the server must take that shape too, not only [email] from."""
    sender = plus_address(email.reply_to, BOUNCE_PREFIX + "check.0000000000000000." + "0" * 20)
    shown = plus_address(email.reply_to, BOUNCE_PREFIX + "…")
    try:
        await client.rset()
        await client.mail(sender)
    except aiosmtplib.SMTPResponseException as err:
        reply = reply_text(err.code, err.message)
        fix = (
            f"let this SMTP account send with envelope senders {shown} (each email's own "
            "bounce address, so bounces reach the ingester), or change [email] reply_to"
        )
        code = EXIT_TEMPORARY if 400 <= err.code < 500 else EXIT_CONFIG
        raise _Stop(
            CheckStep("bounce address", f"{shown} not accepted ({reply})", code, fix)
        ) from None
    return CheckStep("bounce address", f"{shown} accepted as envelope sender")


def test_message(email: EmailSettings, to: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = email.from_addr
    message["To"] = to
    message["Subject"] = "plg-companion check: test email"
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("check", domain=email.from_domain or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "This is a test email from plg-companion check.\n"
        "If you read it, the programme's emails can reach this address. No reply is needed.\n"
    )
    return message


async def _send_test(email: EmailSettings, client: aiosmtplib.SMTP, to: str) -> CheckStep:
    message = test_message(email, to, datetime.now(UTC))
    try:
        await client.rcpt(to)
        reply = await client.data(message.as_bytes())
    except aiosmtplib.SMTPResponseException as err:
        code = EXIT_TEMPORARY if 400 <= err.code < 500 else EXIT_FAILED
        detail = f"to {to} refused ({reply_text(err.code, err.message)})"
        fix = "check the address; the server may not relay to other domains for this account"
        raise _Stop(CheckStep("test email", detail, code, fix)) from None
    return CheckStep("test email", f"sent to {to} ({reply_text(reply.code, reply.message)})")


async def check_smtp(
    smtp: SmtpSettings,
    email: EmailSettings,
    send_test: str | None,
    report: Callable[[CheckStep], None],
) -> int:
    """Each step in turn, reported as it ends; the exit code of the first that failed, else 0."""
    client = _client(smtp, min(smtp.timeout, CHECK_TIMEOUT))
    steps: list[Callable[[], Awaitable[CheckStep]]] = [lambda: _connect(smtp, client)]
    if smtp.security == "starttls":
        steps.append(lambda: _starttls(smtp, client))
    steps += [
        lambda: _login(smtp, client),
        lambda: _sender(email, client),
        lambda: _bounce_sender(email, client),
    ]
    if send_test:
        steps.append(lambda: _send_test(email, client, send_test))
    try:
        for step in steps:
            report(await step())
        with contextlib.suppress(aiosmtplib.SMTPException, OSError):
            if not send_test:
                await client.rset()
            await client.quit()
    except _Stop as stop:
        report(stop.step)
        return stop.step.code
    finally:
        with contextlib.suppress(Exception):
            client.close()
    return EXIT_OK
