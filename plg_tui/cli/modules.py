"""`plg modules ...`: the learning content: list, show, check and the facilitator guide."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from plg_tui.cli.common import CommandError
from plg_tui.cli.module_items import home_or_none, load_item
from plg_tui.core.module_model import TRUST_ID, TrustSession
from plg_tui.core.safe_text import printable


def register(commands: Any) -> None:
    from plg_tui.cli.modules_check import register_check
    from plg_tui.cli.modules_guide import register_guide

    modules = commands.add_parser("modules", help="the learning modules")
    sub = modules.add_subparsers(dest="modules_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="one module a line, its id first").set_defaults(handler=cmd_list)
    show = sub.add_parser("show", help="a module's content, with every phase's script")
    show.add_argument(
        "id", help=f"the module's id (see: plg modules list), or {TRUST_ID} for the trust session"
    )
    show.set_defaults(handler=cmd_show)
    register_check(sub)
    register_guide(sub)


def cmd_list(args: argparse.Namespace) -> int:
    from plg_tui.core.module_model import ModuleError
    from plg_tui.core.modules import list_modules

    try:
        modules = list_modules(home_or_none(args))
    except ModuleError as err:
        raise CommandError(str(err)) from None
    for module in modules:
        print(f"{module.id}\t{printable(module.title)}")
    return 0


def _wrap(text: str, indent: str = "  ") -> str:
    # a champion's own module file may hold escape sequences: never sent to the terminal
    return textwrap.fill(printable(text), width=88, initial_indent=indent, subsequent_indent=indent)


def _show_agenda(label: str, phases: tuple[Any, ...]) -> None:
    print(f"\n{label} agenda ({sum(p.minutes for p in phases)} min):")
    for p in phases:
        print(f"  {p.minutes:>3} min  {printable(p.name)}  ({p.kind})")
        print(_wrap(p.script, "           "))


def cmd_show(args: argparse.Namespace) -> int:
    m = load_item(args.id, home_or_none(args))
    print(f"{printable(m.title)}  [{m.id}]\n")
    print(_wrap(m.summary, ""))
    if isinstance(m, TrustSession):
        _show_agenda("Trust-building session", m.phases)
        return 0
    print("\nChallenge question for session 1:")
    print(_wrap(m.challenge_prompt))
    print("\nTechniques:")
    for t in m.techniques:
        print(f"  {printable(t.name)}")
        print(_wrap(t.why, "    "))
        for i, step in enumerate(t.steps, 1):
            print(_wrap(f"{i}. {step}", "      "))
        if t.source:
            print(_wrap(f"Source: {t.source}", "    "))
    _show_agenda("Session 1", m.session1)
    _show_agenda("Session 2", m.session2)
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
