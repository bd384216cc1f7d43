"""`plg modules guide ID`: the facilitator guide as text, Markdown or printable HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from plg_tui.cli.common import check_out_file, write_out_file
from plg_tui.core.safe_text import printable_lines

FORMATS = ("text", "markdown", "html")
_SUFFIX_FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def register_guide(sub: Any) -> None:
    guide = sub.add_parser(
        "guide", help="a module as a facilitator reads it before the call, ready to print"
    )
    guide.add_argument("id", help="the module's id (see: plg modules list), or trust-building")
    guide.add_argument(
        "--format",
        choices=FORMATS,
        help="text, markdown, or html (one printable page); default: from --out's suffix "
        "(.md, .html), else text",
    )
    guide.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="write the guide to FILE, replacing it (default: print to standard output)",
    )
    guide.add_argument(
        "--paper",
        choices=("auto", "a4", "letter"),
        default="auto",
        help="page size the HTML prints on (default: auto, the printer's paper)",
    )
    guide.set_defaults(handler=cmd_guide)


def cmd_guide(args: argparse.Namespace) -> int:
    from plg_tui.cli.module_items import home_or_none, load_item
    from plg_tui.core.module_guide import guide_for

    out: Path | None = args.out
    check_out_file(out, "guide.html")
    kind = args.format or (_SUFFIX_FORMATS.get(out.suffix.lower(), "text") if out else "text")
    guide = guide_for(load_item(args.id, home_or_none(args)))
    if kind == "html":
        from plg_tui.core.module_guide_html import Paper, render_html

        text = render_html(guide, Paper(args.paper))
    elif kind == "markdown":
        from plg_tui.core.module_guide import render_markdown

        text = render_markdown(guide)
    else:
        from plg_tui.core.module_guide import render_text

        text = render_text(guide)
    if out is None:
        sys.stdout.write(printable_lines(text))  # a champion's own module may hold escapes
        return 0
    write_out_file(out, text)
    print(f"wrote the {kind} guide to {guide.id} to {out}")
    return 0
