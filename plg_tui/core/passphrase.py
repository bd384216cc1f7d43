"""Where a group passphrase comes from: a file, the environment, or a prompt; never argv."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from plg_tui.errors import PlgError

MIN_LENGTH = 10
ENV_VAR = "PLG_PASSPHRASE"
NEW_ENV_VAR = "PLG_NEW_PASSPHRASE"


class PassphraseError(PlgError):
    """No usable passphrase; the message says how to give one."""


def _from_file(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise PassphraseError(f"cannot read passphrase file {path}: {err.strerror}") from None
    return text.rstrip("\r\n")


def check_new(passphrase: str) -> str:
    if not passphrase:
        raise PassphraseError("the passphrase is empty; choose one of at least 10 characters")
    if len(passphrase) < MIN_LENGTH:
        raise PassphraseError(
            f"the passphrase has {len(passphrase)} characters; use at least {MIN_LENGTH}"
        )
    from plg_tui.core.passphrase_strength import weakness

    problem = weakness(passphrase)
    if problem is not None:
        raise PassphraseError(problem)
    return passphrase


def get_passphrase(
    file: str | None,
    *,
    new: bool = False,
    env_var: str = ENV_VAR,
    prompt: str = "Group passphrase: ",
) -> str:
    """Read a passphrase; for a new one, ask twice and enforce the minimum length."""
    if file:
        value = _from_file(file)
    elif os.environ.get(env_var):
        value = os.environ[env_var]
    elif sys.stdin.isatty():
        value = getpass.getpass(prompt)
        if new:
            check_new(value)
            again = getpass.getpass("Repeat the passphrase: ")
            if again != value:
                raise PassphraseError("the two passphrases differ; nothing was changed")
    else:
        raise PassphraseError(
            f"no passphrase: give --passphrase-file FILE or set {env_var} (no terminal to ask on)"
        )
    if new:
        return check_new(value)
    if not value:
        raise PassphraseError("the passphrase is empty")
    return value
