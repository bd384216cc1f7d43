"""`plg-companion cron`: print a crontab line and a systemd timer that run the companion."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from companion.cli.common import PROG, UsageError
from companion.exit_codes import EXIT_OK
from plg_tui.core.home import resolve_home
from plg_tui.vault.paths import DataHome


def register(commands: Any) -> None:
    cron = commands.add_parser("cron", help="print a crontab line (and a systemd timer)")
    cron.add_argument(
        "--every",
        type=int,
        default=15,
        metavar="MINUTES",
        help="run every MINUTES minutes, a divisor of 60 (default: 15)",
    )
    cron.set_defaults(handler=cmd_cron)


def _program() -> list[str]:
    script = Path(sys.argv[0])
    if script.name == PROG and script.exists():
        return [str(script.resolve())]
    return [sys.executable, "-m", "companion.cli"]


def cmd_cron(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    every = args.every
    if not 1 <= every <= 60 or 60 % every:
        raise UsageError("--every: use a divisor of 60 (5, 10, 15, 20, 30, 60)")
    command = [*_program(), "--home", str(home), "run", "--quiet"]
    log = DataHome(home).companion_log
    quoted = " ".join(shlex.quote(part) for part in command)
    minute = "0" if every == 60 else f"*/{every}"
    print("# plg-companion: add this line with `crontab -e` (one line).")
    print("# It sends what is due; output (no email content) goes to the log below.")
    print("# Exit codes: 1 some messages failed, 2 settings, 75 server unreachable (retried).")
    print(f"{minute} * * * * {quoted} >> {shlex.quote(str(log))} 2>&1")
    print()
    print("# Or, with systemd (as the same user): ~/.config/systemd/user/plg-companion.service")
    print("[Unit]\nDescription=plg companion: practice-month emails\n")
    print("[Service]\nType=oneshot")
    print(f"ExecStart={quoted}")
    print()
    print("# ~/.config/systemd/user/plg-companion.timer")
    print("[Unit]\nDescription=Run the plg companion\n")
    calendar = "hourly" if every == 60 else f"*:0/{every}"
    print(f"[Timer]\nOnCalendar={calendar}\nPersistent=true\n")
    print("[Install]\nWantedBy=timers.target")
    print()
    print("# then: systemctl --user enable --now plg-companion.timer")
    return EXIT_OK
