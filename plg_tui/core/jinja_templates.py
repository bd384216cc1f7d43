"""The one way plg builds a Jinja environment: strict about missing values, tidy whitespace,
and, for HTML, autoescape (outside text never becomes markup). Used by the report, the
facilitator guide and the companion's emails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2


def template_environment(
    folder: Path,
    *,
    html: bool,
    finalize: Callable[[Any], Any] | None = None,
    keep_trailing_newline: bool = False,
) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
