"""`plg form --create`: the formed groups created as `plg group create` would, all or none."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from plg_tui.cli.common import CommandError


def add_create_options(form: Any) -> None:
    form.add_argument(
        "--create",
        action="store_true",
        help="also create the groups (NAME-g01, ...; needs --out and --session1-window); all "
        "or none",
    )
    form.add_argument(
        "--session1-window",
        metavar="YYYY-MM-DD",
        help="with --create: the day of every group's session 1 (session 2 four weeks later), "
        "at the earliest time inside all members' working hours (default: none; required "
        "with --create)",
    )
    form.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="with --create: one passphrase a line, one line per group in output order "
        "(default: $PLG_PASSPHRASE, else a prompt per group)",
    )


def check_create_options(args: argparse.Namespace) -> None:
    if not args.create:
        if args.session1_window or args.passphrase_file:
            raise CommandError("--session1-window and --passphrase-file go with --create")
        return
    missing = [flag for flag, value in (("--out DIR", args.out), ("--session1-window DAY",
               args.session1_window)) if not value]  # fmt: skip
    if missing:
        raise CommandError(f"--create needs {' and '.join(missing)}")
    if args.explain:
        raise CommandError("--create and --explain do not go together")
    from plg_tui.core.formation.create import parse_day

    parse_day(args.session1_window)  # a mistyped day is said before the solver runs


def prepare_creation(args: argparse.Namespace, home: Path, result: Any) -> tuple[Any, list[str]]:
    """The planned groups and their passphrases, every check done before anything is made."""
    from plg_tui.core.formation.create import parse_day, plan

    day = parse_day(args.session1_window)
    planned = plan(home, args.name, result.problem, result.formation, args.out, day)
    if not planned:
        raise CommandError("no group was formed, so none can be created")
    return planned, _passphrases(args.passphrase_file, [p.spec.slug for p in planned])


def _passphrases(file: str | None, slugs: list[str]) -> list[str]:
    from plg_tui.core.passphrase import PassphraseError, check_new, get_passphrase

    if not file:
        return [get_passphrase(None, new=True, prompt=f"Passphrase for {s}: ") for s in slugs]
    try:
        lines = Path(file).read_text(encoding="utf-8").rstrip("\r\n").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise CommandError(f"--passphrase-file {file}: cannot read it ({err})") from None
    if len(lines) != len(slugs):
        raise CommandError(
            f"--passphrase-file {file}: {len(lines)} lines for {len(slugs)} groups; give one "
            "passphrase a line, in output order"
        )
    for number, line in enumerate(lines, 1):
        try:
            check_new(line)
        except PassphraseError as err:
            raise CommandError(f"--passphrase-file {file}, line {number}: {err}") from None
    return lines


def create_groups(home: Path, planned: Any, passphrases: list[str]) -> None:
    from plg_tui.core.formation.create import create_all

    create_all(home, planned, passphrases, warn=lambda line: print(f"warning: {line}"))
    for group in planned:
        spec = group.spec
        print(
            f"created group '{spec.slug}' ({group.size} members, {spec.module_id}): session 1 "
            f"{spec.session1}, session 2 {spec.session2} ({spec.timezone})"
        )
    print("Keep each passphrase safe: without it nothing said in that group can be read.")
