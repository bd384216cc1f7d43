"""plg.toml settings for the companion: every problem names its setting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from companion.settings import (
    ConfigError,
    load_email_settings,
    load_schedule_settings,
    load_smtp_settings,
)


def test_defaults_follow_the_security_mode():
    smtp = load_smtp_settings({"smtp": {"host": "mail.example.org"}}, env={})
    assert (smtp.security, smtp.port, smtp.connections) == ("starttls", 587, 4)
    assert load_smtp_settings({"smtp": {"host": "h", "security": "tls"}}, env={}).port == 465


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "plg.toml [smtp] host: missing"),
        ({"smtp": {"host": ""}}, "plg.toml [smtp] host: missing"),
        ({"smtp": {"host": "h", "security": "ssl"}}, "plg.toml [smtp] security: 'ssl'"),
        ({"smtp": {"host": "h", "port": 0}}, "plg.toml [smtp] port: must be between"),
        ({"smtp": {"host": "h", "port": "25"}}, "plg.toml [smtp] port: must be a whole number"),
        ({"smtp": {"host": "h", "connections": 0}}, "plg.toml [smtp] connections"),
        ({"smtp": {"host": "h", "password": "x"}}, "plg.toml [smtp] password: passwords do not"),
        ({"smtp": {"host": "h", "username": "u"}}, "plg.toml [smtp] password_file: missing"),
        ({"smtp": {"host": "h\r\nx"}}, "plg.toml [smtp] host: contains a control character"),
    ],
)
def test_bad_smtp_settings_name_the_setting(settings, message):
    with pytest.raises(ConfigError) as err:
        load_smtp_settings(settings, env={})
    assert str(err.value).startswith(message)


def test_password_from_environment_or_file(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("from-file\n")
    settings = {"smtp": {"host": "h", "username": "u", "password_file": str(secret)}}
    assert load_smtp_settings(settings, env={}).password == "from-file"
    assert load_smtp_settings(settings, env={"PLG_SMTP_PASSWORD": "env"}).password == "env"
    assert "from-file" not in repr(load_smtp_settings(settings, env={}))
    settings["smtp"]["password_file"] = str(tmp_path / "missing")
    with pytest.raises(ConfigError, match=r"\[smtp\] password_file: cannot read"):
        load_smtp_settings(settings, env={})


def test_email_settings():
    email = load_email_settings(
        {"email": {"from": "Peer Learning <plg@example.org>", "reply_to": "journal@example.org"}}
    )
    assert email.from_domain == "example.org"
    assert email.acknowledgements
    with pytest.raises(ConfigError, match=r"^plg.toml \[email\] from: missing"):
        load_email_settings({"email": {"reply_to": "j@example.org"}})
    with pytest.raises(ConfigError, match=r"\[email\] reply_to: must not contain '\+'"):
        load_email_settings({"email": {"from": "a@example.org", "reply_to": "j+x@example.org"}})
    with pytest.raises(ConfigError, match=r"\[email\] reply_to: .* is not an email address"):
        load_email_settings({"email": {"from": "a@example.org", "reply_to": "journal"}})


def test_schedule_settings():
    schedule = load_schedule_settings({"schedule": {"send_hour": 7, "grace_hours": 24}})
    assert schedule.send_hour == 7
    assert schedule.grace == timedelta(hours=24)
    with pytest.raises(ConfigError, match=r"\[schedule\] quiet_end"):
        load_schedule_settings({"schedule": {"quiet_end": 24}})


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost", "LOCALHOST"]
)
def test_plaintext_smtp_is_allowed_to_this_machine(host):
    smtp = load_smtp_settings({"smtp": {"host": host, "security": "none"}}, env={})
    assert (smtp.security, smtp.port) == ("none", 25)


@pytest.mark.parametrize(
    "host", ["mail.example.org", "10.0.0.5", "128.0.0.1", "localhost.example.org", "::2"]
)
def test_plaintext_smtp_elsewhere_needs_allow_plaintext(host):
    with pytest.raises(ConfigError) as err:
        load_smtp_settings({"smtp": {"host": host, "security": "none"}}, env={})
    message = str(err.value)
    assert message.startswith('plg.toml [smtp] security: "none" sends every email')
    assert host in message
    assert "allow_plaintext = true" in message
    assert '"starttls"' in message
    allowed = {"host": host, "security": "none", "allow_plaintext": True}
    assert load_smtp_settings({"smtp": allowed}, env={}).security == "none"
    with pytest.raises(ConfigError, match=r"\[smtp\] allow_plaintext: must be true or false"):
        load_smtp_settings({"smtp": {**allowed, "allow_plaintext": "yes"}}, env={})


def test_imap_has_no_plaintext_mode():
    from companion.inbound.imap_settings import load_imap_settings

    settings = {"imap": {"host": "imap.example.org", "security": "none", "username": "u"}}
    with pytest.raises(ConfigError, match=r"\[imap\] security: 'none' is not one of tls"):
        load_imap_settings(settings, env={"PLG_IMAP_PASSWORD": "p"})


def test_reply_days_defaults_to_30_and_is_checked():
    base = {"from": "a@example.org", "reply_to": "journal@example.org"}
    assert load_email_settings({"email": base}).reply_days == 30
    assert load_email_settings({"email": {**base, "reply_days": 45}}).reply_days == 45
    for bad in (0, 366, "30", True):
        with pytest.raises(ConfigError, match=r"^plg.toml \[email\] reply_days: must be"):
            load_email_settings({"email": {**base, "reply_days": bad}})


def test_the_settings_template_names_reply_days_and_loads():
    import tomllib

    from plg_tui.core.settings import SETTINGS_TEMPLATE

    assert "# reply_days = 30" in SETTINGS_TEMPLATE
    uncommented = "\n".join(
        line[2:] if line.startswith(("# from", "# reply_to", "# reply_days")) else line
        for line in SETTINGS_TEMPLATE.splitlines()
    )
    assert load_email_settings(tomllib.loads(uncommented)).reply_days == 30
