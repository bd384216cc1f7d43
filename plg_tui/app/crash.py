"""The crash report of the session app: where it happened, never the values it was holding.

Textual's own report shows every frame's local variables. One may hold what a member said or
the passphrase, and the report lands in a screen-shared terminal, its scrollback and whatever
log stderr goes to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.traceback import Traceback


def redacted_traceback(error: BaseException) -> Traceback:
    """The frames and the error (whose message names no member's words, by the house rules),
    without a single local variable."""
    # Imported here, as Textual does: syntax highlighting is heavy and only a crash needs it.
    import rich
    from rich.traceback import Traceback

    return Traceback.from_exception(
        type(error), error, error.__traceback__, show_locals=False, width=None, suppress=[rich]
    )
