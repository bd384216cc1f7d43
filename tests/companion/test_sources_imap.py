"""IMAP against a real Dovecot: TLS and STARTTLS, UID EXPUNGE or plain EXPUNGE, login failure,
a missing folder, and a connection cut in the middle of a fetch (nothing lost, nothing
duplicated). Deleting after a crash: test_delete_after_ingest."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from companion.inbound.imap_settings import ImapSettings, load_imap_settings
from companion.inbound.imap_source import ImapMailbox, ingest_imap
from companion.inbound.ingest_batch import SourceError
from companion.settings import ConfigError
from tests.companion.imap_server import CuttingProxy

if TYPE_CHECKING:
    from tests.companion.conftest_imap import Inbound
    from tests.companion.imap_server import Dovecot

pytest_plugins = ["tests.companion.conftest_imap"]


def settings_for(server: Dovecot, **overrides) -> ImapSettings:
    values = {
        "host": "127.0.0.1",
        "port": server.imaps_port,
        "security": "tls",
        "username": server.username,
        "password": server.password,
        "ca_file": str(server.cert),
        "timeout": 10.0,
    }
    values.update(overrides)
    return ImapSettings(**values)


def test_replies_are_read_placed_and_deleted(inbound: Inbound, dovecot: Dovecot) -> None:
    for name in ("gmail_reply.eml", "exchange_out_of_office.eml", "iphone_reply.eml"):
        dovecot.append(inbound.render(name, crlf=True))
    dovecot.append(inbound.render("gmail_reply.eml", token=inbound.forged_token(), crlf=True))
    result = ingest_imap(inbound.ingester(), settings_for(dovecot))
    assert result.counts == {"placed": 2, "dropped": 1, "quarantined": 1}
    assert (result.handled, result.temporary) == (4, None)
    assert dovecot.uids("INBOX") == []
    assert dovecot.uids("processed") == []  # no copy kept anywhere on the server
    assert sorted(inbound.texts())[0].startswith("I finally had the conversation with Sam")
    # the next run finds nothing
    assert ingest_imap(inbound.ingester(), settings_for(dovecot)).handled == 0


def test_starttls_works_too(inbound: Inbound, dovecot: Dovecot) -> None:
    dovecot.append(inbound.render("thunderbird_signature.eml", crlf=True))
    settings = settings_for(dovecot, port=dovecot.imap_port, security="starttls")
    assert ingest_imap(inbound.ingester(), settings).counts == {"placed": 1}


def test_without_uidplus_a_plain_expunge_deletes_them(inbound: Inbound, dovecot: Dovecot) -> None:
    dovecot.append(inbound.render("gmail_reply.eml", crlf=True))
    dovecot.append(inbound.render("iphone_reply.eml", crlf=True))
    result = ingest_imap(inbound.ingester(), settings_for(dovecot), use_uidplus=False)
    assert result.counts == {"placed": 2}
    assert dovecot.uids("INBOX") == []
    assert ingest_imap(inbound.ingester(), settings_for(dovecot), use_uidplus=False).handled == 0
    assert len(inbound.entries()) == 2


def test_a_wrong_password_is_a_clear_configuration_error(
    inbound: Inbound, dovecot: Dovecot
) -> None:
    dovecot.append(inbound.render("gmail_reply.eml", crlf=True))
    with pytest.raises(SourceError, match="login failed for journal") as caught:
        ingest_imap(inbound.ingester(), settings_for(dovecot, password="wrong-password"))
    assert caught.value.temporary is False
    assert "wrong-password" not in str(caught.value)
    assert len(dovecot.uids("INBOX", "UNSEEN")) == 1


def test_a_folder_that_does_not_exist_is_named(inbound: Inbound, dovecot: Dovecot) -> None:
    with pytest.raises(SourceError, match="'Journal' does not exist") as caught:
        ingest_imap(inbound.ingester(), settings_for(dovecot, folder="Journal"))
    assert caught.value.temporary is False


def test_another_folder_can_be_read(inbound: Inbound, dovecot: Dovecot) -> None:
    dovecot.create_folder("Journal")
    dovecot.append(inbound.render("gmail_reply.eml", crlf=True), folder="Journal")
    result = ingest_imap(inbound.ingester(), settings_for(dovecot, folder="Journal"))
    assert result.counts == {"placed": 1}
    assert dovecot.uids("Journal") == []


def test_an_untrusted_certificate_is_refused(inbound: Inbound, dovecot: Dovecot) -> None:
    with pytest.raises(SourceError, match="certificate not trusted"):
        ingest_imap(inbound.ingester(), settings_for(dovecot, ca_file=None))


def test_a_server_that_is_down_is_temporary(inbound: Inbound, refused_port: int) -> None:
    nobody_listens = ImapSettings("127.0.0.1", refused_port, "tls", "journal", "pw", timeout=3.0)
    result = ingest_imap(inbound.ingester(), nobody_listens)
    assert result.temporary
    assert "unreachable" in result.temporary


def _padded(raw: bytes, index: int) -> bytes:
    """A longer reply with its own Message-ID, so a cut lands inside a message."""
    paragraph = b"I tried the technique again today and wrote down what happened. " * 60
    return raw.replace(b"CAHx3kq5B1vP0oTm9bq2", b"pad%03d" % index).replace(
        b"Next time I want to pause longer after asking.",
        b"Next time I want to pause longer after asking.\r\n\r\n" + paragraph,
    )


@pytest.mark.parametrize("fraction", [0.35, 0.6, 0.85])
def test_a_connection_cut_mid_fetch_loses_nothing_and_duplicates_nothing(
    inbound: Inbound, dovecot: Dovecot, fraction: float
) -> None:
    base = inbound.render("gmail_reply.eml", crlf=True)
    for index in range(6):
        dovecot.append(_padded(base, index))
    # how many bytes a full read takes, without handling anything
    counter = CuttingProxy(dovecot.imaps_port)
    with ImapMailbox(settings_for(dovecot, port=counter.port)) as mailbox:
        assert len(list(mailbox.messages())) == 6
    counter.close()
    cutter = CuttingProxy(dovecot.imaps_port, cut_after=int(counter.bytes_from_server * fraction))
    try:
        through_cutter = settings_for(dovecot, port=cutter.port, timeout=3.0)
        cut = ingest_imap(inbound.ingester(), through_cutter, chunk=2)
    finally:
        cutter.close()
    assert cut.temporary
    assert "lost" in cut.temporary
    assert cut.handled < 6
    # stored before the cut (some perhaps not yet deleted) or still waiting: none lost
    assert len(dovecot.uids("INBOX")) >= 6 - cut.handled
    again = ingest_imap(inbound.ingester(), settings_for(dovecot))
    assert again.temporary is None
    assert dovecot.uids("INBOX") == []
    entries = inbound.entries()
    assert len(entries) == 6
    assert len({e["message_hash"] for e in entries}) == 6


def test_imap_settings_from_plg_toml(tmp_path) -> None:
    password_file = tmp_path / "imap-password"
    password_file.write_text("from-file\n")
    table = {
        "imap": {
            "host": "imap.example.org",
            "username": "journal@example.org",
            "password_file": str(password_file),
        }
    }
    loaded = load_imap_settings(table, env={})
    assert (loaded.port, loaded.security, loaded.folder, loaded.password) == (
        993,
        "tls",
        "INBOX",
        "from-file",
    )
    assert "from-file" not in repr(loaded)
    from_env = load_imap_settings(table, env={"PLG_IMAP_PASSWORD": "from-env"})
    assert from_env.password == "from-env"
    starttls = {"imap": {**table["imap"], "security": "starttls"}}
    assert load_imap_settings(starttls, env={}).port == 143
    assert load_imap_settings({}, env={}) is None
    with pytest.raises(ConfigError, match=r"\[imap\] password: passwords do not belong"):
        load_imap_settings({"imap": {**table["imap"], "password": "x"}}, env={})
    with pytest.raises(ConfigError, match=r"\[imap\] security"):
        load_imap_settings({"imap": {**table["imap"], "security": "ssl3"}}, env={})
    no_password = {"imap": {"host": "h", "username": "u"}}
    with pytest.raises(ConfigError, match="PLG_IMAP_PASSWORD"):
        load_imap_settings(no_password, env={})
    assert dataclasses.replace(loaded, folder="Journal").folder == "Journal"


def test_companion_run_ingests_from_imap_and_status_shows_a_bounce(
    inbound: Inbound, dovecot: Dovecot, smtp_server, monkeypatch, capsys
) -> None:
    from companion.cli import main as companion_main

    dovecot.append(inbound.render("gmail_reply.eml", crlf=True))
    dovecot.append(inbound.render("postfix_bounce.eml", member="grace@example.org", crlf=True))
    inbound.record_sent("grace@example.org")  # the bounce quotes our email to Grace
    (inbound.home / "plg.toml").write_text(
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'
        + smtp_server.toml()
        + f'[imap]\nhost = "127.0.0.1"\nport = {dovecot.imaps_port}\nsecurity = "tls"\n'
        f'username = "{dovecot.username}"\nca_file = "{dovecot.cert}"\n'
    )
    monkeypatch.setenv("PLG_IMAP_PASSWORD", dovecot.password)
    code = companion_main(["--home", str(inbound.home), "run", "--now", "2026-12-08T18:45+00:00"])
    assert code == 0, capsys.readouterr().err
    assert "2 messages handled: 1 placed, 1 bounced" in capsys.readouterr().out
    assert len(inbound.entries()) == 1
    acks = [m for m in smtp_server.handler.parsed() if "Saved:" in str(m["Subject"])]
    assert [a["To"].addresses[0].addr_spec for a in acks] == ["ada@example.org"]
    assert companion_main(["--home", str(inbound.home), "status", "team"]) == 0
    assert "bouncing: grace@example.org (5.1.1)" in capsys.readouterr().out
