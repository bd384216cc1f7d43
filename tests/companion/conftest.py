"""Real SMTP servers for companion tests: aiosmtpd's Controller on 127.0.0.1.

Variants: plain, STARTTLS (certificate generated here with `cryptography`), implicit TLS, and
AUTH (PLAIN/LOGIN over STARTTLS). The handler records every accepted message and can be
scripted to answer 4xx/5xx. Reusable outside this folder:
`from tests.companion.conftest import start_smtp_server, SmtpServer, make_certificate`.
"""

from __future__ import annotations

import email
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from companion.settings import SmtpSettings
from tests.companion.team_month import (
    ROSTER,
    SESSION1,
    SESSION2,
    deliver_invitations,
    email_toml,
)
from tests.netutil import free_port, make_certificate

SMTP_USER = "plg@example.org"
SMTP_PASSWORD = "s3cret-Passw0rd"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    peer: Any
    at: float  # time.monotonic() when accepted

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class RecordingHandler:
    """Accepts and records mail; `script` replies (e.g. "451 4.3.0 later") are used first.

    `rcpt_script` answers RCPT TO the same way; `reject` maps a recipient to a fixed reply.
    """

    messages: list[Received] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    rcpt_script: list[str] = field(default_factory=list)
    reject: dict[str, str] = field(default_factory=dict)
    peers: set[Any] = field(default_factory=set)
    data_commands: int = 0
    delay: float = 0.0
    # seconds to wait after a message is recorded, before the 250 reply: a client killed in
    # that window has handed the message over without learning that it arrived
    delay_after: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.peers.add(session.peer)
        with self.lock:
            reply = self.reject.get(address.lower()) or (
                self.rcpt_script.pop(0) if self.rcpt_script else None
            )
        if reply and not reply.startswith("250"):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self.lock:
            self.data_commands += 1
            reply = self.script.pop(0) if self.script else "250 2.0.0 Message accepted"
            if reply.startswith("250"):
                self.messages.append(
                    Received(
                        envelope.mail_from,
                        list(envelope.rcpt_tos),
                        envelope.original_content or envelope.content,
                        session.peer,
                        time.monotonic(),
                    )
                )
        if self.delay_after:
            import asyncio

            await asyncio.sleep(self.delay_after)
        return reply

    def parsed(self) -> list[EmailMessage]:
        with self.lock:
            return [m.message for m in self.messages]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServer:
    mode: str  # plain | starttls | tls | auth
    host: str
    port: int
    handler: RecordingHandler
    controller: Controller
    cert: Path | None = None

    def settings(self, **overrides: Any) -> SmtpSettings:
        security = {"plain": "none", "starttls": "starttls", "auth": "starttls", "tls": "tls"}
        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "security": security[self.mode],
            "username": SMTP_USER if self.mode == "auth" else None,
            "password": SMTP_PASSWORD if self.mode == "auth" else None,
            "connections": 4,
            "timeout": 10.0,
            "retry_delays": (0.01, 0.02, 0.05),
            "ca_file": str(self.cert) if self.cert else None,
        }
        values.update(overrides)
        return SmtpSettings(**values)

    def toml(self, password_file: Path | None = None, **extra: Any) -> str:
        """An [smtp] table for plg.toml pointing at this server."""
        s = self.settings()
        lines = [
            "[smtp]",
            f'host = "{s.host}"',
            f"port = {s.port}",
            f'security = "{s.security}"',
            "retry_delays = [0.01, 0.02, 0.05]",
            "timeout = 10",
        ]
        if s.ca_file:
            lines.append(f'ca_file = "{s.ca_file}"')
        if s.username:
            lines.append(f'username = "{s.username}"')
        if password_file is not None:
            lines.append(f'password_file = "{password_file}"')
        for key, value in extra.items():
            lines.append(f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value!r}")
        return "\n".join(lines) + "\n"

    def stop(self) -> None:
        self.controller.stop()


def start_smtp_server(
    mode: str = "plain",
    *,
    cert_dir: Path | None = None,
    handler: RecordingHandler | None = None,
    port: int | None = None,
) -> SmtpServer:
    handler = handler or RecordingHandler()
    port = port or free_port()
    kwargs: dict[str, Any] = {"enable_SMTPUTF8": True}
    cert = key = None
    if mode != "plain":
        if cert_dir is None:
            raise ValueError("TLS modes need cert_dir")
        cert, key = make_certificate(cert_dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if mode == "tls":
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
    if mode == "auth":
        kwargs.update(authenticator=_authenticator, auth_required=True)
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs
    )
    controller.start()
    return SmtpServer(mode, "127.0.0.1", port, handler, controller, cert)


@pytest.fixture
def smtp_factory(tmp_path: Path) -> Iterator[Callable[..., SmtpServer]]:
    started: list[SmtpServer] = []

    def start(mode: str = "plain", **kwargs: Any) -> SmtpServer:
        kwargs.setdefault("cert_dir", tmp_path / f"cert-{len(started)}")
        server = start_smtp_server(mode, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def smtp_server(smtp_factory: Callable[..., SmtpServer]) -> SmtpServer:
    return smtp_factory("plain")


@pytest.fixture
def smtp_starttls(smtp_factory: Callable[..., SmtpServer]) -> SmtpServer:
    return smtp_factory("starttls")


@pytest.fixture
def smtp_auth(smtp_factory: Callable[..., SmtpServer]) -> SmtpServer:
    return smtp_factory("auth")


# ---- the five-member team of the month tests (tests/companion/team_month.py) ----


@pytest.fixture
def fresh_group_home(data_home: Path, make_group, smtp_server, tmp_path: Path):
    roster = tmp_path / "roster5.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    make_group(
        "team",
        roster=roster,
        session1=SESSION1,
        session2=SESSION2,
        call_link="https://meet.example.org/team",
    ).close()
    (data_home / "plg.toml").write_text(email_toml(smtp_server), encoding="utf-8")
    return data_home


@pytest.fixture
def group_home(fresh_group_home: Path, smtp_server):
    """The group with its session invitations already delivered (they go out on the first
    runs, before the practice month these tests follow), so each test sees only the month."""
    deliver_invitations(fresh_group_home, smtp_server)
    return fresh_group_home
