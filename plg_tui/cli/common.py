"""What every `plg` command shares: error reporting and passphrase options."""

from __future__ import annotations

import argparse
import sys

from plg_tui.core.groups import GroupError
from plg_tui.core.home import SettingsError
from plg_tui.core.modules import ModuleError
from plg_tui.core.passphrase import PassphraseError
from plg_tui.core.roster import RosterError
from plg_tui.vault.errors import VaultError


class CommandError(Exception):
    """A usage problem found by a command itself."""


CLI_ERRORS: tuple[type[BaseException], ...] = (
    VaultError,
    GroupError,
    RosterError,
    PassphraseError,
    SettingsError,
    CommandError,
    ModuleError,
)


def fail(err: BaseException) -> int:
    for line in str(err).splitlines() or [type(err).__name__]:
        print(f"plg: error: {line}", file=sys.stderr)
    return 1


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the group passphrase from FILE (else $PLG_PASSPHRASE, else a prompt)",
    )
