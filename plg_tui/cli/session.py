"""`plg session SLUG` (run a session, screen-shared) and `plg demo` (a throwaway group)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from plg_tui.cli.common import add_passphrase_option
from plg_tui.core.passphrase import ENV_VAR, get_passphrase
from plg_tui.vocabulary import SessionKind

# The home and settings modules are imported by `plg session` only: `plg demo` paints its
# lobby sooner without them (bench/startup.py).


def register(commands: Any) -> None:
    session = commands.add_parser(
        "session",
        help="run a session in this terminal (share it in the call)",
        description=(
            "Run the group's next session: lobby, agenda, rounds, captures, close. The kind "
            "defaults to a session in progress, else the next one not held (the trust-building "
            "session only with --kind trust). The passphrase is asked inside the app unless "
            f"--passphrase-file or ${ENV_VAR} gives it."
        ),
    )
    session.add_argument("slug", help="the group (see: plg group list)")
    session.add_argument(
        "--kind",
        choices=[kind.value for kind in SessionKind],
        help="which session to run (default: one in progress, else the next not held)",
    )
    session.add_argument(
        "--resume", action="store_true", help="continue where a stopped session was"
    )
    add_passphrase_option(session)
    session.set_defaults(handler=cmd_session)

    demo = commands.add_parser(
        "demo",
        help="a complete session 1 with five fictional managers (nothing is kept)",
        description="Try the session app without a group: a full session 1 with five "
        "fictional managers, in a throwaway data home that is removed when you quit.",
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_session(args: argparse.Namespace) -> int:
    from plg_tui.core.groups import GroupError
    from plg_tui.core.home import resolve_home
    from plg_tui.core.settings import min_slot_seconds, sound_settings
    from plg_tui.vault.paths import DataHome

    home = resolve_home(args.home)
    if not DataHome(home).group(args.slug).group_db.exists():
        raise GroupError(f"no group '{args.slug}' in {home} (see: plg group list)")
    keymap = _checked_keymap(home)
    passphrase = None
    if args.passphrase_file or os.environ.get(ENV_VAR):
        passphrase = get_passphrase(args.passphrase_file)
    from plg_tui.app.app import PlgApp

    min_slot_seconds(home)  # a bad [session] setting stops here, before the terminal is taken
    sound_settings(home)  # and a bad [sound] one
    app = PlgApp(
        home,
        args.slug,
        kind=args.kind,
        passphrase=passphrase,
        resume=args.resume,
        keymap=keymap,
    )
    import signal

    # A closed terminal window ends the app through its clean-up: the group's lock goes too.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    try:
        app.run()
    finally:
        app.release_lock()
    if app.farewell:
        from plg_tui.app.display import sanitised

        print(sanitised(app.farewell))
    return app.return_code or 0


def _checked_keymap(home: Path) -> dict[str, str]:
    """plg.toml's [keys], refused when a remap takes a key another binding on a screen has."""
    from plg_tui.app.keymap_check import keymap_collisions
    from plg_tui.core.settings import load_keymap, load_settings

    keymap = load_keymap(home)
    collisions = keymap_collisions(keymap)
    if collisions:
        settings = load_settings(home)
        first = collisions[0]
        raise settings.problem(
            "keys",
            first.remapped,
            "\n".join(
                f"key {c.key!r} for {c.remapped} is already {c.other}'s on the {c.screen} screen"
                for c in collisions
            )
            + "\nchoose a key no other binding of those screens uses (see ? Help for the keys)",
        )
    return keymap


def _exit_on_signal(signum: int, _frame: object) -> None:
    # Unwinds through the app (restoring the terminal) and the demo's cleanup. Should a callback
    # swallow the SystemExit, SIGALRM's default action ends the process in 10 s rather than let
    # it spin on a terminal that is gone.
    import signal

    signal.alarm(10)
    raise SystemExit(128 + signum)


def cmd_demo(args: argparse.Namespace) -> int:
    import signal

    from plg_tui.app.app import PlgApp
    from plg_tui.core.demo import DEMO_PEOPLE, demo_home

    # A closed terminal window or a kill must still remove the throwaway data home.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    with demo_home() as demo:
        # The lobby paints from the roster first; the group is built in a worker right after.
        app = PlgApp(
            demo.home,
            demo.slug,
            kind="1",
            open_keys=lambda: demo.build().keys,
            roster_preview=DEMO_PEOPLE,
        )
        app.run()
    return app.return_code or 0
