"""What every `plg` command shares: error reporting and passphrase options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from plg_tui.core.safe_text import printable
from plg_tui.errors import PlgError


class CommandError(PlgError):
    """A usage problem found by a command itself."""


# Every error meant for a person derives from PlgError; commands import their heavy
# modules lazily so that `plg demo` paints fast.
CLI_ERRORS: tuple[type[BaseException], ...] = (PlgError,)


def fail(err: BaseException) -> int:
    for line in str(err).splitlines() or [type(err).__name__]:
        print(f"plg: error: {line}", file=sys.stderr)
    return 1


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the group passphrase from FILE (default: $PLG_PASSPHRASE, else a prompt)",
    )


def add_new_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help="read the new passphrase from FILE (default: $PLG_NEW_PASSPHRASE, else a prompt)",
    )


def report_unopened(problems: Sequence[object], summary: str) -> int:
    """After what could be shown was printed: name each thing that could not be opened, then
    one summary line, on stderr; 1 if there was any, else 0."""
    if not problems:
        return 0
    sys.stdout.flush()
    for problem in problems:
        print(f"plg: error: {printable(str(problem))}", file=sys.stderr)
    print(f"plg: error: {summary}", file=sys.stderr)
    return 1


def checked_cycle(asked: int | None, current: int) -> int:
    """The cycle `--cycle N` names, or the group's current one when it names none."""
    if asked is None:
        return current
    if not 1 <= asked <= current:
        have = "only cycle 1" if current == 1 else f"cycles 1 to {current}"
        raise CommandError(f"--cycle {asked}: the group has {have} (default: the current one)")
    return asked


def check_out_file(out: Path | None, example: str) -> None:
    """Refuse an ``--out`` that cannot be a file before any work is done."""
    if out is not None and out.is_dir():
        raise CommandError(f"--out {out}: is a folder; give a file name, e.g. {example}")
    if out is not None and not out.parent.is_dir():
        raise CommandError(f"--out {out}: the folder {out.parent} does not exist")


def write_out_file(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` in one atomic step, or say why nothing was written."""
    from plg_tui.vault.atomic import atomic_write

    try:
        atomic_write(out, text.encode("utf-8"), mode=0o600)
    except OSError as err:
        why = err.strerror or err
        raise CommandError(f"--out {out}: cannot write ({why}); nothing written") from None
