"""The companion's settings from plg.toml: SMTP, sender addresses, schedule.

Every problem is a ConfigError whose message names the setting (e.g. "plg.toml [smtp] host:
missing"), so a champion reading cron mail knows which line to fix. Secrets never live in
plg.toml: the SMTP password comes from PLG_SMTP_PASSWORD or a password_file.
"""

from __future__ import annotations

import functools
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from companion.outbound.schedule import ScheduleSettings
from companion.tokens import DEFAULT_REPLY_DAYS
from plg_tui.core.settings import SettingsError

SECURITY_MODES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
PASSWORD_ENV = "PLG_SMTP_PASSWORD"
DEFAULT_RETRY_DELAYS = (2.0, 10.0, 30.0)


class ConfigError(SettingsError):
    """A setting of a typed section is missing or wrong; the CLI exits 2 with this message."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "starttls" | "tls" | "none"
    username: str | None
    password: str | None
    connections: int = 4
    timeout: float = 30.0
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS  # seconds before each 4xx retry
    # Only for servers with a self-signed certificate inside a private network.
    verify_certificate: bool = True
    ca_file: str | None = None

    def __repr__(self) -> str:  # keep the password out of tracebacks and logs
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, "
            f"username={self.username!r}, connections={self.connections})"
        )


@dataclass(frozen=True)
class EmailSettings:
    from_addr: str  # e.g. "Peer Learning <plg@example.org>"
    reply_to: str  # e.g. "journal@example.org"
    acknowledgements: bool = True
    # replies are accepted until this many days after session 2; later ones are quarantined
    reply_days: int = DEFAULT_REPLY_DAYS
    # an https address that unsubscribes with one click (RFC 8058); "" offers mailto only
    unsubscribe_url: str = ""

    @property
    def from_address(self) -> str:
        """The bare address of from_addr (envelope sender)."""
        return _bare_address(self.from_addr)

    @property
    def from_domain(self) -> str:
        return self.from_address.rpartition("@")[2]


@functools.lru_cache(maxsize=16)
def _bare_address(value: str) -> str:
    return parseaddr(value)[1]


def _where(section: str, key: str) -> str:
    return f"plg.toml [{section}] {key}"


def section_of(settings: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = settings.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"plg.toml [{name}]: must be a table")
    return value


def _string(section: Mapping[str, Any], name: str, key: str, *, required: bool) -> str | None:
    value = section.get(key)
    if value is None or value == "":
        if required:
            raise ConfigError(f"{_where(name, key)}: missing")
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{_where(name, key)}: must be a string")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ConfigError(f"{_where(name, key)}: contains a control character")
    return value.strip()


def int_setting(
    section: Mapping[str, Any], name: str, key: str, default: int, lo: int, hi: int
) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{_where(name, key)}: must be a whole number")
    if not lo <= value <= hi:
        raise ConfigError(f"{_where(name, key)}: must be between {lo} and {hi}, not {value}")
    return value


def _bool(section: Mapping[str, Any], name: str, key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{_where(name, key)}: must be true or false")
    return value


def read_password(
    table: Mapping[str, Any],
    section: str,
    env_var: str,
    password_file: str | None,
    env: Mapping[str, str],
) -> str | None:
    """A server password from `env_var`, else from `password_file`; never from plg.toml."""
    if "password" in table:
        raise ConfigError(
            f"{_where(section, 'password')}: passwords do not belong in plg.toml; "
            f"use password_file or the {env_var} environment variable"
        )
    password = env.get(env_var) or None
    if password is None and password_file:
        try:
            password = Path(password_file).expanduser().read_text(encoding="utf-8").strip("\r\n")
        except OSError as err:
            raise ConfigError(
                f"{_where(section, 'password_file')}: cannot read {password_file} "
                f"({err.strerror or err})"
            ) from None
    return password


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1, read from the name alone (no DNS lookup to fool)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def load_smtp_settings(
    settings: Mapping[str, Any], env: Mapping[str, str] = os.environ
) -> SmtpSettings:
    smtp = section_of(settings, "smtp")
    host = _string(smtp, "smtp", "host", required=True)
    assert host is not None
    security = (_string(smtp, "smtp", "security", required=False) or "starttls").lower()
    if security not in SECURITY_MODES:
        raise ConfigError(
            f"{_where('smtp', 'security')}: {security!r} is not one of {', '.join(SECURITY_MODES)}"
        )
    allow_plaintext = _bool(smtp, "smtp", "allow_plaintext", False)
    if security == "none" and not allow_plaintext and not is_loopback(host):
        raise ConfigError(
            f'{_where("smtp", "security")}: "none" sends every email, with members\' names '
            f"and addresses and the SMTP password, unencrypted to {host}; use "
            '"starttls" or "tls", or, only for a relay on a network you trust, add '
            "allow_plaintext = true to [smtp]"
        )
    port = int_setting(smtp, "smtp", "port", DEFAULT_PORTS[security], 1, 65535)
    username = _string(smtp, "smtp", "username", required=False)
    password = read_password(
        smtp, "smtp", PASSWORD_ENV, _string(smtp, "smtp", "password_file", required=False), env
    )
    if username and not password:
        raise ConfigError(
            f"{_where('smtp', 'password_file')}: missing (username is set; give a password_file "
            f"or set {PASSWORD_ENV})"
        )
    connections = int_setting(smtp, "smtp", "connections", 4, 1, 64)
    timeout = smtp.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigError(f"{_where('smtp', 'timeout')}: must be a positive number of seconds")
    delays = smtp.get("retry_delays", list(DEFAULT_RETRY_DELAYS))
    if not isinstance(delays, list) or not all(
        isinstance(d, int | float) and not isinstance(d, bool) and 0 <= d <= 600 for d in delays
    ):
        raise ConfigError(
            f"{_where('smtp', 'retry_delays')}: must be a list of seconds, e.g. [2, 10, 30]"
        )
    ca_file = _string(smtp, "smtp", "ca_file", required=False)
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        username=username,
        password=password,
        connections=connections,
        timeout=float(timeout),
        retry_delays=tuple(float(d) for d in delays),
        verify_certificate=_bool(smtp, "smtp", "verify_certificate", True),
        ca_file=ca_file,
    )


def _check_address(value: str, where: str, *, display_name_allowed: bool) -> str:
    name, address = parseaddr(value)
    if not address or "@" not in address or address.startswith("@") or address.endswith("@"):
        raise ConfigError(f"{where}: {value!r} is not an email address")
    if name and not display_name_allowed:
        raise ConfigError(f"{where}: give only the address, e.g. journal@example.org")
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError) as err:
        raise ConfigError(f"{where}: {value!r} is not an email address ({err})") from None
    return value


def load_email_settings(settings: Mapping[str, Any]) -> EmailSettings:
    email = section_of(settings, "email")
    from_addr = _string(email, "email", "from", required=True)
    reply_to = _string(email, "email", "reply_to", required=True)
    assert from_addr is not None
    assert reply_to is not None
    _check_address(from_addr, _where("email", "from"), display_name_allowed=True)
    _check_address(reply_to, _where("email", "reply_to"), display_name_allowed=False)
    if "+" in reply_to.partition("@")[0]:
        raise ConfigError(
            f"{_where('email', 'reply_to')}: must not contain '+' (tokens are added after it)"
        )
    return EmailSettings(
        from_addr=from_addr,
        reply_to=parseaddr(reply_to)[1],
        acknowledgements=_bool(email, "email", "acknowledgements", True),
        reply_days=int_setting(email, "email", "reply_days", DEFAULT_REPLY_DAYS, 1, 365),
        unsubscribe_url=_unsubscribe_url(email),
    )


def _unsubscribe_url(email: Mapping[str, Any]) -> str:
    """[email] unsubscribe_url: https only (RFC 8058 one-click), no spaces, quotes or <>."""
    where = _where("email", "unsubscribe_url")
    url = _string(email, "email", "unsubscribe_url", required=False) or ""
    if not url:
        return ""
    parsed = urlsplit(url)
    if parsed.scheme.lower() != "https" or not parsed.hostname:
        raise ConfigError(
            f"{where}: {url!r} must be an https:// address, e.g. "
            '"https://plg.example.org/unsubscribe" (one-click unsubscribe needs https)'
        )
    if len(url) > 300 or not url.isascii() or any(ch in url for ch in ' <>"\\,') or parsed.fragment:
        raise ConfigError(
            f"{where}: {url[:300]!r} must be a plain https address (at most 300 characters) "
            "without spaces, quotes, commas, <, > or a #fragment"
        )
    return url


def load_schedule_settings(settings: Mapping[str, Any]) -> ScheduleSettings:
    schedule = section_of(settings, "schedule")
    grace_hours = schedule.get("grace_hours", 48)
    if (
        isinstance(grace_hours, bool)
        or not isinstance(grace_hours, int | float)
        or not (0 < grace_hours <= 24 * 14)
    ):
        raise ConfigError(f"{_where('schedule', 'grace_hours')}: must be between 1 and 336 hours")
    return ScheduleSettings(
        send_hour=int_setting(schedule, "schedule", "send_hour", 9, 0, 23),
        send_minute=int_setting(schedule, "schedule", "send_minute", 0, 0, 59),
        quiet_start=int_setting(schedule, "schedule", "quiet_start", 20, 0, 23),
        quiet_end=int_setting(schedule, "schedule", "quiet_end", 8, 0, 23),
        grace=timedelta(hours=grace_hours),
        reminder_days_before=int_setting(schedule, "schedule", "reminder_days_before", 1, 0, 10),
    )
