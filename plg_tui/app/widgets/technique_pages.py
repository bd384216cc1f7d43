"""The module's techniques, one per page, in the phase that presents them.

It takes the focus while its phase runs, so its paging keys are in the footer; the agenda's
own keys still work through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from plg_tui.app.display import markup
from plg_tui.core.module_model import Technique


def technique_page(techniques: Sequence[Technique], page: int) -> Content:
    """Page `page` (0-based): which of how many, the name, why it works, its steps."""
    if not techniques:
        return markup("[b]Techniques[/b]: this module lists none.")
    technique = techniques[page]
    lines = [
        markup(
            "[b]Technique $n of $total · $name[/b]",
            n=page + 1,
            total=len(techniques),
            name=technique.name,
        ),
        markup("[i]Why:[/i] $why", why=technique.why),
        markup("[i]Steps:[/i]"),
    ]
    lines += [
        markup("  $n. $step", n=n, step=step) for n, step in enumerate(technique.steps, start=1)
    ]
    return Content("\n").join(lines)


class TechniquePages(Static, can_focus=True):
    DEFAULT_CSS = """
    TechniquePages {
        height: auto;
        border: heavy $primary;
        padding: 0 1;
    }
    TechniquePages:focus {
        border: heavy $accent;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "full_stop,right", "page(1)", "Next technique", key_display=".", id="techniques.next"
        ),
        Binding(
            "comma,left",
            "page(-1)",
            "Previous technique",
            key_display=",",
            id="techniques.previous",
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.techniques: tuple[Technique, ...] = ()
        self.page = 0

    def show(self, techniques: Sequence[Technique]) -> None:
        """Start at the first page when the techniques change (a phase entered anew)."""
        if tuple(techniques) != self.techniques:
            self.techniques = tuple(techniques)
            self.page = 0
        self.update(technique_page(self.techniques, self.page))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and parameters:
            step = parameters[0]
            target = self.page + step if isinstance(step, int) else self.page
            return True if 0 <= target < len(self.techniques) else None
        return True

    def action_page(self, step: int) -> None:
        target = self.page + step
        if 0 <= target < len(self.techniques):
            self.page = target
            self.update(technique_page(self.techniques, self.page))
            self.refresh_bindings()
