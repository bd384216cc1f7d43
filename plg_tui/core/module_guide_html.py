"""The facilitator guide as one printable, self-contained HTML page.

No script, no external asset, no link: print CSS keeps each phase, technique and week on one
page with its heading, and ``paper`` fixes the page size (A4 or Letter) when asked. Every
value goes through Jinja's autoescape, so a module's text can never become markup.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import markupsafe

from plg_tui.core.jinja_templates import template_environment
from plg_tui.core.module_guide import Guide
from plg_tui.core.safe_text import printable

TEMPLATES_DIR = Path(__file__).parent / "guide_templates"


class Paper(StrEnum):
    AUTO = "auto"
    A4 = "a4"
    LETTER = "letter"


def _printable(value: object) -> object:
    # control characters and escape sequences out of module text; markup we made stays
    return value if isinstance(value, markupsafe.Markup) else printable(value)


_PAGE_SIZE = {Paper.AUTO: "", Paper.A4: "A4", Paper.LETTER: "letter"}


def render_html(guide: Guide, paper: Paper = Paper.AUTO) -> str:
    env = template_environment(TEMPLATES_DIR, html=True, finalize=_printable)
    return env.get_template("guide.html").render(guide=guide, paper=_PAGE_SIZE[paper])
