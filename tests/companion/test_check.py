"""`plg-companion check`: each step of the mail settings tried against real servers (aiosmtpd
plain, STARTTLS with AUTH, implicit TLS; Dovecot), and what to fix when one fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from companion.cli import main as companion_main
from companion.exit_codes import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_TEMPORARY
from tests.companion.conftest import SMTP_PASSWORD, RecordingHandler, SmtpServer

if TYPE_CHECKING:
    from tests.companion.imap_server import Dovecot

pytest_plugins = ["tests.companion.conftest_imap"]

EMAIL_TOML = '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'


def check(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = companion_main(["--home", str(home), "check", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def write_toml(home: Path, *tables: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "plg.toml").write_text(EMAIL_TOML + "".join(tables), encoding="utf-8")


def password_file(tmp_path: Path, password: str = SMTP_PASSWORD) -> Path:
    path = tmp_path / "smtp-password"
    path.write_text(password + "\n")
    return path


def test_plain_relay_passes_and_sends_one_test_email(
    data_home: Path, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_toml(data_home, smtp_server.toml())
    code, out = check(data_home, capsys)
    assert code == EXIT_OK, out
    assert "ok   connect:" in out
    assert "ok   from: plg@example.org accepted as sender" in out
    assert "imap: not configured" in out
    assert smtp_server.handler.messages == []  # nothing sent without --send-test
    code, out = check(data_home, capsys, "--send-test", "champion@example.org")
    assert code == EXIT_OK, out
    assert "ok   test email: sent to champion@example.org" in out
    (message,) = smtp_server.handler.parsed()
    assert message["To"] == "champion@example.org"
    assert "plg-companion check" in str(message["Subject"])


def test_auth_over_starttls_passes_and_a_wrong_password_names_the_login(
    data_home: Path,
    smtp_factory: Callable[..., SmtpServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = smtp_factory("auth")
    write_toml(data_home, server.toml(password_file(tmp_path)))
    code, out = check(data_home, capsys, "--send-test", "champion@example.org")
    assert code == EXIT_OK, out
    assert "ok   tls: STARTTLS" in out
    assert "ok   login: logged in as plg@example.org" in out
    assert len(server.handler.messages) == 1

    write_toml(data_home, server.toml(password_file(tmp_path, "wrong-password")))
    code, out = check(data_home, capsys)
    assert code == EXIT_CONFIG
    assert "FAIL login: the server refused the login of plg@example.org (535" in out
    assert "fix: check [smtp] username and the password" in out
    assert "wrong-password" not in out


def test_a_server_that_wants_a_login_refuses_the_sender(
    data_home: Path, smtp_factory: Callable[..., SmtpServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = smtp_factory("auth")
    table = server.toml().replace('username = "plg@example.org"\n', "")
    write_toml(data_home, table)
    code, out = check(data_home, capsys)
    assert code == EXIT_CONFIG, out
    assert "FAIL from: plg@example.org not accepted (530" in out
    assert "fix: the server wants a login first" in out


@dataclass
class RefusingSender(RecordingHandler):
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        return "550 5.7.1 Sender address rejected: not owned by user"


def test_a_from_address_the_server_refuses_is_named(
    data_home: Path, smtp_factory: Callable[..., SmtpServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = smtp_factory("plain", handler=RefusingSender())
    write_toml(data_home, server.toml())
    code, out = check(data_home, capsys)
    assert code == EXIT_CONFIG
    assert "FAIL from: plg@example.org not accepted (550 5.7.1" in out
    assert "fix: set [email] from to an address this SMTP account may send as" in out


def test_unreachable_port_is_temporary_and_says_where(
    data_home: Path, capsys: pytest.CaptureFixture[str], refused_port: int
) -> None:
    port = refused_port
    write_toml(
        data_home,
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\ntimeout = 5\n',
    )
    code, out = check(data_home, capsys)
    assert code == EXIT_TEMPORARY
    assert f"FAIL connect: 127.0.0.1:{port} unreachable" in out
    assert "fix: check [smtp] host and port" in out


def test_tls_mismatches_are_named_with_the_other_setting(
    data_home: Path, smtp_factory: Callable[..., SmtpServer], capsys: pytest.CaptureFixture[str]
) -> None:
    starttls = smtp_factory("starttls")
    # implicit TLS against a port that greets in plain text and offers STARTTLS
    write_toml(data_home, starttls.toml().replace('"starttls"', '"tls"'))
    code, out = check(data_home, capsys)
    assert code == EXIT_CONFIG, out
    assert "FAIL tls:" in out
    assert 'try security = "starttls"' in out
    # STARTTLS against a plain relay that does not offer it
    plain = smtp_factory("plain")
    write_toml(data_home, plain.toml().replace('"none"', '"starttls"'))
    code, out = check(data_home, capsys)
    assert code == EXIT_CONFIG, out
    assert "FAIL tls: the server does not offer STARTTLS on this port" in out


def test_a_refused_test_recipient_exits_1(
    data_home: Path, smtp_factory: Callable[..., SmtpServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = smtp_factory("plain", handler=RecordingHandler(reject={"x@example.org": "550 no"}))
    write_toml(data_home, server.toml())
    code, out = check(data_home, capsys, "--send-test", "x@example.org")
    assert code == EXIT_FAILED
    assert "FAIL test email: to x@example.org refused (550 no)" in out


def test_bad_settings_and_bad_test_address_are_config_errors(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_home / "plg.toml").write_text("[smtp]\nhost = 'x'\n")
    code, out = check(data_home, capsys)
    assert code == EXIT_CONFIG
    assert "plg.toml [email] from: missing" in out
    code, out = check(data_home, capsys, "--send-test", "not an address")
    assert code == EXIT_CONFIG
    assert "--send-test" in out


def test_imap_login_is_checked_against_dovecot(
    data_home: Path,
    smtp_server: SmtpServer,
    dovecot: Dovecot,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    imap = (
        f'[imap]\nhost = "127.0.0.1"\nport = {dovecot.imaps_port}\nsecurity = "tls"\n'
        f'username = "{dovecot.username}"\nca_file = "{dovecot.cert}"\n'
    )
    write_toml(data_home, smtp_server.toml(), imap)
    monkeypatch.setenv("PLG_IMAP_PASSWORD", dovecot.password)
    code, out = check(data_home, capsys)
    assert code == EXIT_OK, out
    assert f"ok   imap: logged in to 127.0.0.1:{dovecot.imaps_port} as {dovecot.username}" in out
    monkeypatch.setenv("PLG_IMAP_PASSWORD", "not-the-password")
    code, out = check(data_home, capsys)
    assert code == EXIT_CONFIG, out
    assert "FAIL imap:" in out
    assert "login failed" in out
    assert "not-the-password" not in out


@dataclass
class RefusingBounceSender(RecordingHandler):
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if "+b." in address:
            return "553 5.7.1 Sender address rejected: not owned by user"
        envelope.mail_from = address
        return "250 OK"


def test_the_bounce_address_shape_is_checked_as_envelope_sender(
    data_home: Path, smtp_factory: Callable[..., SmtpServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = smtp_factory("plain")
    write_toml(data_home, server.toml())
    code, out = check(data_home, capsys)
    assert code == EXIT_OK, out
    assert "ok   bounce address: journal+b.…@example.org accepted as envelope sender" in out
    refusing = smtp_factory("plain", handler=RefusingBounceSender())
    write_toml(data_home, refusing.toml())
    code, out = check(data_home, capsys)
    assert code == EXIT_CONFIG
    assert "FAIL bounce address: journal+b.…@example.org not accepted (553 5.7.1" in out
