"""What sending needs from plg.toml: the [email], [schedule] and [smtp] settings together."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from companion.companion_limits import lock_timeout
from companion.outbound.schedule import ScheduleSettings
from companion.settings import (
    EmailSettings,
    SmtpSettings,
    load_email_settings,
    load_schedule_settings,
    load_smtp_settings,
)


@dataclass(frozen=True)
class OutboundSettings:
    email: EmailSettings
    schedule: ScheduleSettings
    smtp: SmtpSettings | None  # None only for dry runs and previews
    lock_timeout: float = 600.0


def load_outbound_settings(
    settings: Mapping[str, Any], *, need_smtp: bool = True, env: Mapping[str, str] | None = None
) -> OutboundSettings:
    smtp = load_smtp_settings(settings, os.environ if env is None else env) if need_smtp else None
    return OutboundSettings(
        email=load_email_settings(settings),
        schedule=load_schedule_settings(settings),
        smtp=smtp,
        lock_timeout=lock_timeout(settings),
    )
