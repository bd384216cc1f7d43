"""`plg report`: how the programme is doing, per group and overall, without anything said."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from plg_tui.cli.common import check_out_file, write_out_file
from plg_tui.core.home import resolve_home

FORMATS = ("text", "csv", "html")
_SUFFIX_FORMATS = {".csv": "csv", ".html": "html", ".htm": "html"}


def register(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="programme report: stages, sessions, attendance, emails, journal, ratings, votes",
        description="Counts per group and for the whole programme, read with the operations "
        "key (no passphrase). Never shows what anyone said or wrote; module ratings only from "
        "3 ratings up; names only with --names.",
    )
    report.add_argument(
        "slugs", nargs="*", metavar="SLUG", help="only these groups (default: every group)"
    )
    report.add_argument(
        "--format",
        choices=FORMATS,
        help="text (a table with bar charts), csv, or html (one self-contained page); "
        "default: from --out's suffix (.csv, .html), else text",
    )
    report.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="write the report to FILE, replacing it (default: print to standard output)",
    )
    report.add_argument(
        "--names",
        action="store_true",
        help="name who was present and who facilitated (default: counts only)",
    )
    report.set_defaults(handler=cmd_report)


def chosen_format(requested: str | None, out: Path | None) -> str:
    if requested:
        return requested
    if out is not None:
        return _SUFFIX_FORMATS.get(out.suffix.lower(), "text")
    return "text"


def cmd_report(args: argparse.Namespace) -> int:
    from plg_tui.cli.report_gather import programme_report

    home = resolve_home(args.home)
    out: Path | None = args.out
    check_out_file(out, "report.html")
    kind = chosen_format(args.format, out)
    report = programme_report(home, args.slugs, names=args.names)
    if kind == "csv":
        from plg_tui.core.report_csv import render_csv

        text = render_csv(report)
    elif kind == "html":
        from plg_tui.core.report_html import render_html

        text = render_html(report)
    else:
        from plg_tui.core.report_text import render_text

        text = render_text(report)
    if out is None:
        sys.stdout.write(text)
        return 0
    write_out_file(out, text)
    print(f"wrote the {kind} report of {len(report.groups)} group(s) to {out}")
    return 0
