"""`plg form NAME`: groups from a pool, formed by CP-SAT under the programme's rules."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plg_tui.cli.common import CommandError
from plg_tui.cli.form_create import (
    add_create_options,
    check_create_options,
    create_groups,
    prepare_creation,
)
from plg_tui.cli.survey_status import bounced_emails
from plg_tui.core.home import resolve_home
from plg_tui.core.safe_text import printable


def register(commands: Any) -> None:
    form = commands.add_parser(
        "form",
        help="form groups from a pool (CP-SAT; pip install 'plg[formation]')",
        description="Assign a pool's available candidates to groups of --min to --max, each "
        "studying one module: no one in another's reporting line, levels at most "
        "--level-spread apart, a common window of --min-overlap hours inside everyone's "
        "--hours on a January and a July date. Places as many as possible, then gives people "
        "the modules they wished for most and mixes departments.",
    )
    form.add_argument("name", help="the pool (see: plg pool list)")
    form.add_argument("--min", type=int, default=4, help="smallest group (default: 4, >= 3)")
    form.add_argument("--max", type=int, default=6, help="largest group (default: 6, <= 6)")
    form.add_argument(
        "--modules",
        metavar="ID,ID,...",
        help="modules groups may study (default: those anyone wished for)",
    )
    form.add_argument(
        "--groups", type=int, metavar="N", help="form at most N groups (default: as many as fit)"
    )
    form.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="about this long on an idle 2-core machine (default: 10); it fixes the solver's "
        "effort (0.3 CP-SAT deterministic seconds per second), so the same seed gives the same "
        "groups on any machine; a busy one takes longer. Most pools are proven optimal sooner",
    )
    form.add_argument("--seed", type=int, default=1, help="same seed, same groups (default: 1)")
    form.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write gNN-<module>.csv rosters and groups.md (default: none)",
    )
    form.add_argument(
        "--explain",
        metavar="EMAIL-OR-NAME",
        help="why this person is where they are (default: the summary)",
    )
    form.add_argument("--level-spread", type=int, default=1, help="levels apart (default: 1)")
    form.add_argument(
        "--hours",
        default="09:00-18:00",
        metavar="HH:MM-HH:MM",
        help="working hours in each member's own zone (default: 09:00-18:00)",
    )
    form.add_argument(
        "--min-overlap",
        type=float,
        default=2.0,
        metavar="HOURS",
        help="common window every group needs (default: 2)",
    )
    form.add_argument(
        "--separate-shared-manager",
        action="store_true",
        help="never put two reports of the same manager together",
    )
    add_create_options(form)
    form.set_defaults(handler=cmd_form)


def cmd_form(args: argparse.Namespace) -> int:
    from plg_tui.core.formation.explain import explain
    from plg_tui.core.formation.former import choose_modules, form
    from plg_tui.core.formation.output import summary, write_outputs
    from plg_tui.core.formation.rules import FormRules, parse_hours
    from plg_tui.core.modules import list_modules
    from plg_tui.core.pool import load_candidates
    from plg_tui.vault.paths import DataHome

    check_create_options(args)
    home = resolve_home(args.home)
    start, end = parse_hours(args.hours)
    rules = FormRules(
        min_size=args.min,
        max_size=args.max,
        level_spread=args.level_spread,
        day_start=start,
        day_end=end,
        min_overlap_minutes=round(args.min_overlap * 60),
        separate_shared_manager=args.separate_shared_manager,
        max_groups=args.groups,
        year=datetime.now(UTC).year + 1,
    )
    pool = load_candidates(DataHome(home), args.name)
    if not pool:
        raise CommandError(f"pool '{args.name}' has no candidates (plg pool import ...)")
    asked = [m.strip() for m in (args.modules or "").split(",") if m.strip()]
    modules = choose_modules(pool, asked, [m.id for m in list_modules(home)])
    result = form(pool, rules, modules, args.time_limit, args.seed)
    if args.explain:
        person = _find(result.problem.people, args.explain)
        if person is None:
            out = [c for c in result.problem.unavailable if _matches(c, args.explain)]
            if not out:
                raise CommandError(
                    f"--explain {printable(args.explain)!r}: no candidate with that email or name"
                )
            print(
                printable(
                    f"{out[0].name} <{out[0].email}>: not available (declined or marked "
                    "unavailable), so not placed"
                )
            )
            return 0
        for line in explain(result.problem, result.formation.groups, person, result.unplaced):
            print(printable(line))
        return 0
    creation = prepare_creation(args, home, result) if args.create else None
    bounced = bounced_emails(home, args.name)
    for line in summary(result.problem, result.formation, result.unplaced, bounced):
        print(line)
    if args.out:
        written = write_outputs(
            args.out, result.problem, result.formation, result.unplaced, bounced
        )
        print(f"wrote {len(written)} files to {printable(args.out)}")
    if creation is not None:
        create_groups(home, *creation)
    return 0


def _matches(candidate: Any, wanted: str) -> bool:
    key = wanted.strip().casefold()
    return bool(key) and key in (candidate.email.casefold(), candidate.name.casefold())


def _find(people: Any, wanted: str) -> int | None:
    found = [i for i, c in enumerate(people) if _matches(c, wanted)]
    if len(found) > 1:
        raise CommandError(
            f"--explain {printable(wanted)!r}: {len(found)} candidates have that name; give "
            "the email"
        )
    return found[0] if found else None
