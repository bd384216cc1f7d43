"""`plg-companion`: the cron-run process that emails members what is due in the practice month
and files their replies.

Exit codes (for cron wrappers): 0 all good, 1 some messages failed, 2 configuration error
(the setting is named), 75 temporary failure (server unreachable, try again later).
Each command family is one module here; this one builds the parser and maps errors to codes.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from companion.cli import check, cron, ingest, members, preview, sending, status, unsubscribe
from companion.cli.common import PROG, UsageError, print_error
from companion.exit_codes import EXIT_CONFIG, EXIT_FAILED, EXIT_TEMPORARY
from companion.settings import ConfigError
from plg_tui.core.command_line import (
    describe_commands,
    global_options_first,
    quiet_when_reader_leaves,
)
from plg_tui.core.groups import GroupError
from plg_tui.core.module_model import ModuleError
from plg_tui.core.settings import SettingsError
from plg_tui.vault.errors import VaultError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Emails each member what is due in the practice month (run it from cron).",
    )
    parser.add_argument("--home", help="data home (default: $PLG_HOME, else the user data dir)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sending.register(commands)
    preview.register(commands)
    status.register(commands)
    cron.register(commands)
    ingest.register(commands)
    members.register(commands)
    unsubscribe.register(commands)
    check.register(commands)
    describe_commands(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return quiet_when_reader_leaves(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    words = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(global_options_first(words))
    try:
        return int(args.handler(args) or 0)
    except (ConfigError, SettingsError) as err:
        return print_error(str(err), EXIT_CONFIG)
    except UsageError as err:
        return print_error(str(err), EXIT_CONFIG)
    except (GroupError, VaultError, ModuleError) as err:
        return print_error(str(err), EXIT_FAILED)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise  # the reader left: quiet_when_reader_leaves ends quietly
    except OSError as err:
        if os.environ.get("PLG_DEBUG"):
            raise
        where = f"{err.filename}: " if err.filename else ""
        return print_error(f"{where}{err.strerror or err}", EXIT_TEMPORARY)
