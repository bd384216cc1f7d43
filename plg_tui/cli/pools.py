"""`plg pool ...`: the candidates a programme forms its groups from."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from plg_tui.cli.common import CommandError
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable


def register(commands: Any) -> None:
    pool = commands.add_parser("pool", help="candidates for groups, before any group exists")
    sub = pool.add_subparsers(dest="pool_command", metavar="ACTION", required=True)

    load = sub.add_parser(
        "import",
        help="import (or replace) a pool's candidates from a CSV",
        description="Columns as a roster's (name,email,title,level,reports_to,department,"
        "timezone) plus optional topics (module ids, most wanted first, separated by '|') and "
        "available (yes/no). reports_to may name someone outside the pool. Importing again "
        "replaces the candidates; survey answers are kept.",
    )
    load.add_argument("name", help="short name, e.g. managers-2025")
    load.add_argument("csv", type=Path, help="the pool CSV")
    load.add_argument(
        "--timezone", default="UTC", help="time zone of rows without one (default: UTC)"
    )
    load.set_defaults(handler=cmd_import)

    show = sub.add_parser("show", help="a pool's candidates and survey state")
    show.add_argument("name", help="the pool")
    show.set_defaults(handler=cmd_show)

    sub.add_parser("list", help="every pool, one a line").set_defaults(handler=cmd_list)

    purge = sub.add_parser("purge", help="destroy a pool's key and files for good")
    purge.add_argument("name", help="the pool")
    purge.add_argument("--yes", action="store_true", help="confirm; this cannot be undone")
    purge.set_defaults(handler=cmd_purge)


def cmd_import(args: argparse.Namespace) -> int:
    from plg_tui.core.pool import import_pool
    from plg_tui.core.roster_warnings import missing_column_warnings

    home = resolve_home(args.home)
    candidates = import_pool(home, args.name, args.csv, args.timezone, warn=_warn)
    header = args.csv.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    columns = [c.strip().lower() for c in header.split(delimiter)]
    known = [c for c in columns if c not in ("topics", "available")]
    for warning in missing_column_warnings(known, str(args.csv), args.timezone):
        _warn(warning)
    available = sum(c.available for c in candidates)
    print(
        f"pool '{args.name}': {len(candidates)} candidates imported ({available} available); "
        f"next: plg survey send {args.name}"
    )
    return 0


def _warn(line: str) -> None:
    print(f"plg: warning: {printable(line)}", file=sys.stderr)


def cmd_show(args: argparse.Namespace) -> int:
    from plg_tui.core.pool import load_candidates, survey_answers
    from plg_tui.vault.paths import DataHome

    home = resolve_home(args.home)
    candidates = load_candidates(DataHome(home), args.name)
    answers = survey_answers(home, args.name)
    print(f"pool      {args.name}")
    print(f"candidates {len(candidates)} ({sum(c.available for c in candidates)} available)")
    for c in candidates:
        answer = answers.get(c.email)
        survey = f"survey: {answer.state}" if answer else "survey: -"
        fields = (
            c.name,
            f"<{c.email}>",
            f"level {c.level}",
            c.department or "-",
            c.timezone,
            "available" if c.available else "unavailable",
            "topics: " + (",".join(c.topics) or "-"),
            survey,
        )
        print("  " + "  ".join(printable(f) for f in fields))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from plg_tui.core.pool import load_candidates
    from plg_tui.errors import PlgError
    from plg_tui.vault.paths import DataHome
    from plg_tui.vault.pool_store import pool_names

    home = resolve_home(args.home)
    names = pool_names(home)
    if not names:
        print(f"no pools in {home} (import one: plg pool import NAME FILE.csv)")
    for name in names:
        try:
            candidates = load_candidates(DataHome(home), name)
        except PlgError as problem:
            print(f"{name}\tcannot open: {printable(str(problem).splitlines()[0])}")
            continue
        departments = Counter(c.department for c in candidates)
        print(
            f"{name}\t{len(candidates)} candidates\t"
            f"{sum(c.available for c in candidates)} available\t"
            f"{len(departments)} departments"
        )
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from plg_tui.vault.paths import DataHome
    from plg_tui.vault.pool_store import pool_exists, purge_pool

    home = resolve_home(args.home)
    DataHome(home).pool(args.name)  # a bad name is refused, not confirmed
    if not pool_exists(home, args.name) and not DataHome(home).pool(args.name).folder.exists():
        raise CommandError(f"no pool '{args.name}' (see: plg pool list)")
    if not args.yes:
        raise CommandError(f"purge destroys pool '{args.name}' for good; add --yes to confirm")
    purge_pool(home, args.name)
    print(f"purged pool '{args.name}': key destroyed, files removed")
    return 0
