"""Finding the modules a `plg modules` command names: the data home's own, then bundled."""

from __future__ import annotations

import argparse
from pathlib import Path

from plg_tui.cli.common import CommandError
from plg_tui.core.home import resolve_home
from plg_tui.core.module_model import TRUST_ID, Module, TrustSession


def home_or_none(args: argparse.Namespace) -> Path | None:
    home = resolve_home(args.home)
    return home if home.exists() else None


def load_item(module_id: str, home: Path | None) -> Module | TrustSession:
    """The module with this id, or the trust session; a clear error naming the known ids."""
    from plg_tui.core.module_model import ModuleError
    from plg_tui.core.modules import load_module, load_trust_session

    try:
        if module_id == TRUST_ID:
            return load_trust_session(home)
        return load_module(module_id, home)
    except ModuleError as err:
        raise CommandError(str(err)) from None
