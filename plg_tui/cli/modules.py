"""`plg modules ...`: the learning content."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from plg_tui.cli.common import CommandError
from plg_tui.core.home import resolve_home


def register(commands: Any) -> None:
    modules = commands.add_parser("modules", help="the learning modules")
    sub = modules.add_subparsers(dest="modules_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="one module a line, its id first").set_defaults(handler=cmd_list)
    show = sub.add_parser("show", help="a module's content")
    show.add_argument("id", help="the module's id (see: plg modules list)")
    show.set_defaults(handler=cmd_show)
    check = sub.add_parser("check", help="validate module files (default: all known)")
    check.add_argument(
        "paths", nargs="*", type=Path, help="module files (default: every module plg knows)"
    )
    check.set_defaults(handler=cmd_check)


def _home(args: argparse.Namespace) -> Path | None:
    home = resolve_home(args.home)
    return home if home.exists() else None


def cmd_list(args: argparse.Namespace) -> int:
    from plg_tui.core.module_model import ModuleError
    from plg_tui.core.modules import list_modules

    try:
        modules = list_modules(_home(args))
    except ModuleError as err:
        raise CommandError(str(err)) from None
    for module in modules:
        print(f"{module.id}\t{module.title}")
    return 0


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=indent)


def cmd_show(args: argparse.Namespace) -> int:
    from plg_tui.core.module_model import ModuleError
    from plg_tui.core.modules import load_module

    try:
        m = load_module(args.id, _home(args))
    except ModuleError as err:
        raise CommandError(str(err)) from None
    print(f"{m.title}  [{m.id}]\n")
    print(_wrap(m.summary, ""))
    print("\nChallenge question for session 1:")
    print(_wrap(m.challenge_prompt))
    print("\nTechniques:")
    for t in m.techniques:
        print(f"  {t.name}")
        print(_wrap(t.why, "    "))
        for i, step in enumerate(t.steps, 1):
            print(_wrap(f"{i}. {step}", "      "))
    for label, phases in (("Session 1", m.session1), ("Session 2", m.session2)):
        print(f"\n{label} agenda (90 min):")
        for p in phases:
            print(f"  {p.minutes:>3} min  {p.name}  ({p.kind})")
    print("\nPractice month:")
    for n, week in enumerate(m.weeks, 1):
        print(f"  Week {n} tip:")
        print(_wrap(week.tip, "    "))
        print(_wrap(f"Journal: {week.prompt}", "    "))
        print(_wrap(f"Partner check-in: {week.checkin}", "    "))
    print("\nSession 2 reflection questions:")
    for q in m.reflection_questions:
        print(_wrap(f"- {q}"))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from plg_tui.core.module_checks import check_paths
    from plg_tui.core.modules import module_dirs

    paths = args.paths or module_dirs(_home(args))
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise CommandError("no such file or folder: " + ", ".join(map(str, missing)))
    problems = check_paths(list(paths))
    for problem in problems:
        print(problem)
    count = len(problems)
    if count:
        print(f"{count} problem{'s' if count != 1 else ''} found")
        return 1
    print("all modules are valid")
    return 0
