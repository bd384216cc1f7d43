"""Delivery against a real aiosmtpd server: plain, STARTTLS, implicit TLS, AUTH, 4xx, 5xx."""

from __future__ import annotations

import os
from datetime import date

import pytest

from companion.outbound.compose import build_email
from companion.outbound.smtp import SmtpPool, deliver
from companion.outbound.smtp_session import TemporaryFailure
from companion.settings import ConfigError, EmailSettings
from plg_tui.vault.group_keys import GroupKeys

from .conftest import RecordingHandler

EMAIL = EmailSettings(from_addr="Peer Learning <plg@example.org>", reply_to="journal@example.org")
KEYS = GroupKeys("team", "group-id-1", os.urandom(32), b"\x01" * 32)


def messages(count: int, prefix: str = "m"):
    return [
        build_email(
            email=EMAIL,
            keys=KEYS,
            to_name=f"Member {i}",
            to_addr=f"{prefix}{i}@example.org",
            week=1,
            reply_until=date(2027, 1, 28),
            subject=f"Week 1 for {i}",
            text=f"Hello {i}\n",
            html=f"<p>Hello {i}</p>",
        )
        for i in range(count)
    ]


async def test_plain_delivery_reuses_a_bounded_number_of_connections(smtp_server):
    batch = messages(40)
    results = await deliver(smtp_server.settings(connections=3), batch)
    assert all(r.ok and not r.temporary for r in results)
    assert [r.message_id for r in results] == [str(m["Message-ID"]) for m in batch]
    received = smtp_server.handler.messages
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(f"m{i}@example.org" for i in range(40))
    assert 1 <= len(smtp_server.handler.peers) <= 3
    assert all(r.mail_from == "plg@example.org" for r in received)


@pytest.mark.parametrize("mode", ["starttls", "tls", "auth"])
async def test_secure_variants_deliver(smtp_factory, mode):
    server = smtp_factory(mode)
    results = await deliver(server.settings(connections=2), messages(3))
    assert [r.ok for r in results] == [True, True, True]
    assert len(server.handler.messages) == 3


async def test_starttls_refuses_an_untrusted_certificate(smtp_starttls):
    with pytest.raises(ConfigError, match="certificate"):
        await deliver(smtp_starttls.settings(ca_file=None), messages(1))


async def test_wrong_password_is_a_configuration_error(smtp_auth):
    with pytest.raises(ConfigError, match=r"\[smtp\] username: the server refused the login"):
        await deliver(smtp_auth.settings(password="wrong"), messages(1))


async def test_451_then_250_is_retried_and_delivered_once(smtp_factory):
    server = smtp_factory("plain", handler=RecordingHandler(script=["451 4.3.0 try again later"]))
    [result] = await deliver(server.settings(connections=1), messages(1))
    assert result.ok
    assert server.handler.data_commands == 2
    assert len(server.handler.messages) == 1


async def test_4xx_until_retries_run_out_is_temporary(smtp_factory):
    server = smtp_factory("plain", handler=RecordingHandler(script=["452 4.3.1 full"] * 10))
    [result] = await deliver(server.settings(connections=1), messages(1), retries=2)
    assert not result.ok
    assert result.temporary
    assert not result.uncertain
    assert result.reply.startswith("452")
    assert server.handler.data_commands == 3
    assert server.handler.messages == []


async def test_550_is_failed_with_the_server_reply_and_not_retried(smtp_factory):
    server = smtp_factory("plain", handler=RecordingHandler(script=["550 5.7.1 rejected"]))
    [result] = await deliver(server.settings(connections=1), messages(1))
    assert not result.ok
    assert not result.temporary
    assert result.reply == "550 5.7.1 rejected"
    assert server.handler.data_commands == 1


async def test_recipient_refused_only_affects_that_message(smtp_factory):
    handler = RecordingHandler(reject={"m1@example.org": "550 5.1.1 no such user"})
    server = smtp_factory("plain", handler=handler)
    results = await deliver(server.settings(connections=2), messages(3))
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].reply.startswith("550 5.1.1")
    assert not results[1].temporary
    assert sorted(m.rcpt_tos[0] for m in handler.messages) == ["m0@example.org", "m2@example.org"]


async def test_unreachable_server_raises_temporary_failure(smtp_server, refused_port):
    settings = smtp_server.settings(port=refused_port, timeout=2.0)
    with pytest.raises(TemporaryFailure, match="unreachable"):
        await deliver(settings, messages(2))


async def test_pool_accepts_messages_while_running(smtp_server):
    async with SmtpPool(smtp_server.settings(connections=2)) as pool:
        first = pool.submit(messages(1, "a")[0])
        rest = await pool.send(messages(5, "b"))
        assert (await first).ok
        assert all(r.ok for r in rest)
    assert len(smtp_server.handler.messages) == 6
    assert pool.connections_opened <= 2


async def test_unicode_names_arrive_intact(smtp_server):
    message = build_email(
        email=EmailSettings("Pēer Lëarning <plg@example.org>", "journal@example.org"),
        keys=KEYS,
        to_name="Tomás Ruiz-Øster 山田",
        to_addr="tomas@example.org",
        week=2,
        reply_until=date(2027, 1, 28),
        subject="Semana 2: ¿qué tal? ✓",
        text="Hola Tomás — ¿qué tal?\n",
        html=None,
    )
    [result] = await deliver(smtp_server.settings(), [message])
    assert result.ok
    [received] = smtp_server.handler.messages
    raw_headers = received.data.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # RFC 2047 encoded words, not raw UTF-8
    parsed = received.message
    assert parsed["To"].addresses[0].display_name == "Tomás Ruiz-Øster 山田"
    assert str(parsed["Subject"]) == "Semana 2: ¿qué tal? ✓"
    assert parsed.get_content().replace("\r\n", "\n") == "Hola Tomás — ¿qué tal?\n"


async def test_a_server_answering_4xx_to_everything_does_not_hold_the_run(smtp_factory):
    server = smtp_factory("plain", handler=RecordingHandler(script=["451 4.3.0 later"] * 100))
    settings = server.settings(connections=2, retry_delays=(0.2,))
    async with SmtpPool(settings, retry_budget=0.5) as pool:
        results = await pool.send(messages(20))
    assert all(r.temporary and not r.ok for r in results)
    assert server.handler.data_commands < 20 * 4  # retries stopped once the budget was spent
