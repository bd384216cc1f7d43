"""`plg-companion preview POOL --member EMAIL --kind survey`: a pool candidate's survey email,
rendered as it is sent (before `plg survey send`, with the topics it would ask about)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from companion.cli.common import UsageError, parse_now
from companion.outbound.compose import WireMessage, random_message_id
from companion.outbound.outbound_settings import OutboundSettings
from companion.outbound.survey_mail import survey_message
from companion.outbound.survey_send import read_ledger, survey_key
from plg_tui.core.home import resolve_home
from plg_tui.core.modules import list_modules
from plg_tui.core.pool import pool_candidates
from plg_tui.core.survey import DEFAULT_OPEN_DAYS, SurveySettings, survey_settings
from plg_tui.vault.pool_store import pool_keys


def survey_preview(args: argparse.Namespace, outbound: OutboundSettings) -> WireMessage:
    home = resolve_home(args.home)
    name = args.slug
    now = parse_now(args.now) if args.now else datetime.now(UTC)
    member = args.member.strip().lower()
    candidate = next((c for c in pool_candidates(home, name) if c.email == member), None)
    if candidate is None:
        raise UsageError(f"--member {args.member}: not a candidate of pool {name}")
    modules = {m.id: m for m in list_modules(home)}
    settings = survey_settings(home, name) or SurveySettings(
        tuple(modules), now.date() + timedelta(days=DEFAULT_OPEN_DAYS)
    )
    record = read_ledger(home, name).messages.get(survey_key(args.kind, member))
    message_id = (record and record.message_id) or random_message_id(outbound.email.from_domain)
    return survey_message(
        kind=args.kind,
        candidate=candidate,
        keys=pool_keys(home, name),
        email=outbound.email,
        settings=settings,
        modules=modules,
        message_id=message_id,
        now=now,
    )
