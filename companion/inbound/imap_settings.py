"""The [imap] table of plg.toml: where replies are read from, and how to log in.

The password comes from the environment or a file, never from plg.toml itself, and is kept
out of `repr` so it cannot reach a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

IMAP_PASSWORD_ENV = "PLG_IMAP_PASSWORD"
IMAP_SECURITY = ("tls", "starttls")
IMAP_DEFAULT_PORTS = {"tls": 993, "starttls": 143}


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str  # "tls" | "starttls"
    username: str
    password: str
    folder: str = "INBOX"
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
    from companion.settings import ConfigError, read_password

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
    password = read_password(imap, "imap", IMAP_PASSWORD_ENV, text("password_file"), env)
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
        ca_file=text("ca_file"),
        timeout=float(timeout),
    )
