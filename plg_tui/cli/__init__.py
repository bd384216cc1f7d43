"""`plg`: the champion's and facilitator's command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from plg_tui.cli.common import CLI_ERRORS, fail
from plg_tui.core.command_line import (
    describe_commands,
    global_options_first,
    quiet_when_reader_leaves,
)


def build_parser() -> argparse.ArgumentParser:
    from plg_tui.cli import form as form_commands
    from plg_tui.cli import groups as group_commands
    from plg_tui.cli import journal as journal_commands
    from plg_tui.cli import modules as module_commands
    from plg_tui.cli import notes as notes_commands
    from plg_tui.cli import pools as pool_commands
    from plg_tui.cli import report as report_commands
    from plg_tui.cli import session as session_commands
    from plg_tui.cli import survey as survey_commands

    parser = argparse.ArgumentParser(
        prog="plg",
        description="Peer learning groups for managers: set up groups, run sessions.",
    )
    parser.add_argument("--home", help="data home (default: $PLG_HOME, else the user data dir)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    init = commands.add_parser(
        "init",
        help="create the data home and a commented plg.toml",
        description="Create the data home (--home, else $PLG_HOME, else the user data folder) "
        "with a commented plg.toml to edit, and make its folders private. Changes nothing "
        "that is already there.",
    )
    init.set_defaults(handler=cmd_init)
    group_commands.register(commands)
    module_commands.register(commands)
    session_commands.register(commands)
    journal_commands.register(commands)
    notes_commands.register(commands)
    report_commands.register(commands)
    pool_commands.register(commands)
    survey_commands.register(commands)
    form_commands.register(commands)
    describe_commands(parser)
    return parser


def cmd_init(args: argparse.Namespace) -> int:
    from plg_tui.core.home import PRIVATE_DIR_MODE, init_home, resolve_home, tighten_home

    home = resolve_home(args.home)
    tightened = tighten_home(home)
    created = init_home(home)
    print(f"{'created' if created else 'already set up'}: {home} (settings: {home / 'plg.toml'})")
    for folder, mode in tightened:
        print(
            f"made private: {folder} (mode {mode:o} -> {PRIVATE_DIR_MODE:o}, only you can read it)"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return quiet_when_reader_leaves(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    if words == ["demo"]:
        # The command a newcomer runs first starts without every other command's parser.
        from plg_tui.cli.session import cmd_demo

        args = argparse.Namespace(command="demo", home=None, handler=cmd_demo)
    else:
        args = build_parser().parse_args(global_options_first(words))
    try:
        return int(args.handler(args) or 0)
    except CLI_ERRORS as err:
        return fail(err)
    except KeyboardInterrupt:
        print("plg: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
