"""plg.toml's [companion] section: how long a run waits for a ledger, and how much a group's
quarantine takes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from companion.settings import int_setting, section_of


def lock_timeout(settings: Mapping[str, Any]) -> float:
    """How long a run waits for another companion holding a group's ledger (seconds)."""
    companion = section_of(settings, "companion")
    return float(int_setting(companion, "companion", "lock_timeout", 600, 1, 86400))


@dataclass(frozen=True)
class QuarantineLimits:
    """How much a group's quarantine/ may hold, and take in one run; beyond, messages that
    cannot be placed are deleted unstored and counted (anyone who knows a group's Reply-To
    can send to it, and each quarantined message may be up to 2 MiB)."""

    max_items: int = 100
    max_bytes: int = 50 * 1024 * 1024
    max_per_run: int = 20


def load_quarantine_limits(settings: Mapping[str, Any]) -> QuarantineLimits:
    companion = section_of(settings, "companion")
    return QuarantineLimits(
        max_items=int_setting(companion, "companion", "quarantine_max_items", 100, 0, 100_000),
        max_bytes=int_setting(companion, "companion", "quarantine_max_mib", 50, 0, 100_000)
        * 1024
        * 1024,
        max_per_run=int_setting(companion, "companion", "quarantine_max_per_run", 20, 0, 100_000),
    )
