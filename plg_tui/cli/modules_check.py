"""`plg modules check [FILE ...] [--stats]`: the schema, then what a careful editor checks."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from plg_tui.cli.common import CommandError


def register_check(sub: Any) -> None:
    check = sub.add_parser(
        "check",
        help="validate module files: schema, lengths, readability, filler, copies "
        "(default: every module plg knows)",
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="module files or folders, each checked and compared with the whole library "
        "(default: every module plg knows)",
    )
    check.add_argument(
        "--stats",
        action="store_true",
        help="also print each module's word counts and the module whose scripts are most "
        "alike (default: problems only)",
    )
    check.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from plg_tui.cli.module_items import home_or_none
    from plg_tui.core.module_checks import check_paths, loaded_modules
    from plg_tui.core.modules import module_dirs

    home = home_or_none(args)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise CommandError("no such file or folder: " + ", ".join(map(str, missing)))
    library_paths = module_dirs(home)
    paths = list(args.paths) or library_paths
    problems = check_paths(paths)
    checked = loaded_modules(paths)
    if not problems:
        from plg_tui.core.library_checks import check_library

        library = loaded_modules(library_paths)
        report = check_library(checked, library)
        problems = report.problems
        if args.stats:
            _print_stats(checked, library)
    for problem in problems:
        print(problem)
    count = len(problems)
    if count:
        print(f"{count} problem{'s' if count != 1 else ''} found")
        return 1
    print(f"all {len(checked)} modules are valid")
    return 0


def _print_stats(checked: list[Any], library: list[Any]) -> None:
    from plg_tui.core.module_quality import prose_fields
    from plg_tui.core.script_skeleton import closest_scripts

    merged = {module.id: module for module in library}
    merged.update({module.id: module for module in checked})
    closest: dict[str, tuple[float, str]] = {}
    for match in closest_scripts(merged.values()):
        first, second = match.first.split(" ")[0], match.second.split(" ")[0]
        for mine, other in ((first, second), (second, first)):
            closest.setdefault(mine, (match.score, other))
    print(f"{'module':<32} {'words':>6} {'scripts':>7} {'tips':>5}  closest (scripts alike)")
    for module in sorted(checked, key=lambda m: m.id):
        counts: dict[str, int] = {}
        for _, key, text in prose_fields(module):
            counts[key] = counts.get(key, 0) + len(text.split())
        score, other = closest.get(module.id, (0.0, "-"))
        print(
            f"{module.id:<32} {sum(counts.values()):>6} {counts.get('script', 0):>7} "
            f"{counts.get('weeks.tip', 0):>5}  {other} ({score:.0%})"
        )
