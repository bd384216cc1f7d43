"""Following a session another app runs: its saved state, re-read every few seconds, and no key
that changes anything (for a co-facilitator's second terminal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from plg_tui.app.display import markup, plain

RELOAD_SECONDS = 2.0


Clock = Callable[[], float]


def session_view(home: Path, slug: str, clock: Clock, wall: Clock) -> Content:
    """What the holder last saved: stage, phase, speaker and queue (names only, never words)."""
    from plg_tui.app.screens.agenda import phase_title
    from plg_tui.app.session_loader import open_session, sessions_in_progress
    from plg_tui.core.agenda import format_mmss
    from plg_tui.core.groups import open_for_operations

    vault = open_for_operations(home, slug)
    try:
        kinds = sessions_in_progress(vault)
    finally:
        vault.close()
    if not kinds:
        return plain("No session of this group is in progress.")
    controller = open_session(home, vault.keys, kinds[0], resume=True, clock=clock, wall=wall)
    try:
        model = controller.model
        lines = [
            markup(
                "[b]$label[/b] · $title · $stage",
                label=controller.label,
                title=controller.title,
                stage=model.stage,
            )
        ]
        if model.stage == "agenda":
            lines.append(phase_title(model))
            timer = model.round
            if timer is not None and timer.current is not None:
                lines.append(
                    plain(
                        f"Speaking: {model.name_of(timer.current.member)}, "
                        f"{format_mmss(timer.remaining())} left when last saved"
                    )
                )
                waiting = ", ".join(model.name_of(k) for k in timer.waiting_members())
                lines.append(plain(f"Waiting: {waiting or 'nobody'}"))
        present = ", ".join(model.name_of(k) for k in model.present_keys())
        lines.append(plain(f"Present: {present}"))
    finally:
        controller.vault.close()
    return Content("\n").join(lines)


class ReadOnlyScreen(Screen[None]):
    DEFAULT_CSS = """
    ReadOnlyScreen #read-only-banner { background: $warning; color: $text; padding: 0 1; }
    ReadOnlyScreen #read-only-view { padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.quit", "Quit", id="read_only.quit"),
    ]

    def __init__(self, home: Path, slug: str, holder: str, clock: Clock, wall: Clock) -> None:
        super().__init__()
        self.home = home
        self.slug = slug
        self.holder = holder
        self.clock = clock
        self.wall = wall

    def compose(self) -> ComposeResult:
        yield Static(
            plain(f"READ-ONLY VIEW · nothing pressed here changes the session. {self.holder}"),
            id="read-only-banner",
        )
        yield Static("", id="read-only-view")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(RELOAD_SECONDS, self.reload)

    def reload(self) -> None:
        from plg_tui.errors import PlgError

        try:
            view = session_view(self.home, self.slug, self.clock, self.wall)
        except (PlgError, ValueError, OSError) as error:
            view = plain(f"The session could not be read just now: {error}")
        self.query_one("#read-only-view", Static).update(view)
