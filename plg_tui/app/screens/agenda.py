"""The agenda runner: session clock on top, phases on the left, the facilitator's script and,
in round phases, the speaker with a large countdown and the queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from plg_tui.app.capture_labels import CAPTURE_LABELS
from plg_tui.app.display import markup, plain
from plg_tui.app.screens.base import SessionScreen
from plg_tui.app.widgets.capture_checklist import CaptureChecklist
from plg_tui.app.widgets.phase_list import PhaseList
from plg_tui.app.widgets.presenter_view import PresenterView
from plg_tui.app.widgets.session1_recall import SessionOneRecall
from plg_tui.app.widgets.session_clock import SessionClock
from plg_tui.app.widgets.speaker_panel import SpeakerPanel
from plg_tui.app.widgets.speaker_queue import SpeakerQueue
from plg_tui.app.widgets.technique_pages import TechniquePages
from plg_tui.core.agenda import format_mmss
from plg_tui.core.recall import recall_needs_consent
from plg_tui.core.session import SessionModel
from plg_tui.vocabulary import CaptureKind

ROUND_ACTIONS = frozenset(
    {"toggle_timer", "next_speaker", "plus_minute", "minus_minute", "skip", "shuffle"}
)


def phase_title(model: SessionModel) -> Content:
    """'2/6  Our feedback challenges · 15 min · 12:40 left' (or '1:05 over'), kind, captures."""
    phase = model.phase
    number = f"{model.phase_index + 1}/{len(model.phases)}"
    left = model.agenda.phase_remaining()
    timing = f"{format_mmss(left)} left" if left >= 0 else f"{format_mmss(-left)} OVER"
    captures = f" · captures {phase.captures.replace('_', ' ')}" if phase.captures else ""
    return markup(
        "[b]$number  $name[/b] · $minutes min · [b]$timing[/b] · $kind$captures",
        number=number,
        name=phase.name,
        minutes=phase.minutes,
        timing=timing,
        kind=phase.kind,
        captures=captures,
    )


class AgendaScreen(SessionScreen):
    _zone = ""  # the group's time zone, for the projected end
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_timer", "Start/Pause", id="round.toggle"),
        Binding("n", "next_speaker", "Next", id="round.next"),
        Binding("p", "previous_speaker", "Previous speaker", id="round.previous", show=False),
        Binding("plus,equals_sign", "plus_minute", "+1 min", key_display="+", id="round.plus"),
        Binding("minus", "minus_minute", "−1 min", key_display="-", id="round.minus", show=False),
        Binding("s", "skip", "Skip", id="round.skip"),
        Binding("o", "shuffle", "Shuffle order", id="round.shuffle", show=False),
        Binding("g", "pick_next", "You go next", id="agenda.pick_next", show=False),
        Binding("c", "capture", "Capture", id="agenda.capture"),
        Binding("j", "journal", "Journal", id="agenda.journal"),
        Binding("v", "recall", "Show session 1", id="agenda.recall"),
        Binding(
            "right_square_bracket",
            "next_phase",
            "Next phase",
            key_display="]",
            id="agenda.next_phase",
        ),
        Binding(
            "left_square_bracket",
            "previous_phase",
            "Previous phase",
            key_display="[",
            id="agenda.previous_phase",
            show=False,
        ),
        Binding("l", "lobby", "Attendance", id="agenda.attendance", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield SessionClock(id="session-clock")
        with Horizontal(id="agenda-body"):
            yield PhaseList(id="phase-list")
            with Vertical(id="centre"):
                yield Static("", id="phase-title")
                with Horizontal(id="round-box"):
                    yield SpeakerPanel(id="speaker")
                    yield SpeakerQueue(id="queue")
                yield SessionOneRecall(id="recall")
                with VerticalScroll(id="script-box"):
                    yield Static("", id="script")
                yield TechniquePages(id="techniques")
                yield CaptureChecklist(id="checklist")
        yield PresenterView(covers=("session-clock", "agenda-body"), id="presenter")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._zone = self.controller.timezone  # read once: the clock bar is drawn every tick
        self.refresh_phase()

    # ---- drawing --------------------------------------------------------------------------

    def refresh_phase(self) -> None:
        """Redraw what changes with the phase (called on every phase change)."""
        model = self.controller.model
        phase = model.phase
        script = plain(phase.script)
        prompt = self.controller.prompts.get(phase.captures or "")
        if prompt:  # first: the group reads it (at 80x24 below the script it was scrolled off)
            script = markup("[b]On screen for everyone:[/b]\n$prompt\n\n", prompt=prompt) + script
        self.query_one("#script", Static).update(script)
        self.query_one("#round-box").display = phase.kind == "round"
        self.query_one(CaptureChecklist).display = phase.kind == "capture"
        pages = self.query_one(TechniquePages)
        pages.display = phase.presents_techniques
        if phase.presents_techniques:
            pages.show(self.controller.techniques)
            pages.focus()
        self.set_class(phase.kind == "round", "-round")
        if phase.kind != "round":  # presenter mode is for a round: it ends with it
            self.query_one(PresenterView).present(False)
        self.refresh_bindings()
        self.tick()

    def tick(self) -> None:
        controller = self.controller
        model = controller.model
        presenter = self.query_one(PresenterView)
        if presenter.presenting:  # the agenda beneath is redrawn when presenter mode ends
            presenter.show(model)
            return
        self.query_one("#phase-title", Static).update(phase_title(model))
        self.query_one(SessionClock).show(
            model, f"{controller.label} · {controller.title}", controller.wall, self._zone
        )
        self.query_one(PhaseList).show(model)
        timer = model.round
        if timer is not None:
            self.query_one(SpeakerPanel).show(model, timer)
            self.query_one(SpeakerQueue).show(model, timer)
        self.query_one(SessionOneRecall).follow(model, controller.words)
        if model.phase.kind == "capture":
            kind = model.capture_kind
            self.query_one(CaptureChecklist).show(
                model, CAPTURE_LABELS[CaptureKind(kind)], controller.captured_members(kind)
            )

    def changed(self) -> None:
        self.refresh_keys()
        self.tick()

    # ---- which keys apply -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        controller = self.host.controller
        if controller is None:
            return True
        model = controller.model
        if action in ROUND_ACTIONS:
            return model.round_open
        if action == "pick_next":
            return bool(model.waiting_speakers)
        if action == "previous_speaker":
            return model.has_previous_speaker
        if action == "previous_phase":
            return model.has_previous_phase
        if action == "journal":
            return model.journal_available
        if action == "recall":
            return recall_needs_consent(model)
        return True

    # ---- round keys -------------------------------------------------------------------------

    def action_toggle_timer(self) -> None:
        self.controller.toggle_timer()
        self.changed()

    def action_next_speaker(self) -> None:
        self.controller.next_speaker()
        self.changed()

    def action_previous_speaker(self) -> None:
        self.controller.previous_speaker()
        self.changed()

    def action_plus_minute(self) -> None:
        self.controller.add_speaker_minute()
        self.changed()

    def action_minus_minute(self) -> None:
        self.controller.remove_speaker_minute()
        self.changed()

    def action_skip(self) -> None:
        self.controller.skip_speaker()
        self.changed()

    def action_pick_next(self) -> None:
        from plg_tui.app.screens.pick_speaker import PickSpeakerScreen

        model = self.controller.model

        def picked(member: str | None) -> None:
            if member is not None and member in model.waiting_speakers:
                self.controller.pick_next_speaker(member)
                self.notify(f"{model.name_of(member)} goes next.")
            self.changed()

        waiting = [(key, model.name_of(key)) for key in model.waiting_speakers]
        self.app.push_screen(PickSpeakerScreen(waiting), picked)

    def action_shuffle(self) -> None:
        self.controller.shuffle_waiting()
        self.notify("The order of those still waiting was shuffled.")
        self.changed()

    # ---- phases and other screens -------------------------------------------------------------

    def action_next_phase(self) -> None:
        self._leave_round(self._next_phase)

    def action_previous_phase(self) -> None:
        self._leave_round(self._previous_phase)

    def _leave_round(self, leave: Callable[[], None]) -> None:
        """Leave at once, unless members of this round have not spoken yet: then ask."""
        from plg_tui.app.screens.confirm import ConfirmScreen

        model = self.controller.model
        timer = model.round
        waiting = timer.not_yet_spoken() if timer is not None else []
        if not waiting:
            leave()
            return
        names = ", ".join(model.name_of(key) for key in waiting)

        def answered(sure: bool | None) -> None:
            if sure:
                leave()

        self.app.push_screen(
            ConfirmScreen("Leave this round?", f"Not heard yet: {names}."), answered
        )

    def _next_phase(self) -> None:
        self.controller.next_phase()
        if self.controller.model.stage == "close":
            self.host.show_close()
        else:
            self.refresh_phase()

    def _previous_phase(self) -> None:
        self.controller.previous_phase()
        self.refresh_phase()

    def action_capture(self) -> None:
        from plg_tui.app.screens.capture import CaptureScreen

        controller = self.controller
        screen = CaptureScreen(controller.model.capture_kind, controller.capture_member())
        self.app.push_screen(screen, lambda _: self.tick())

    def action_journal(self) -> None:
        from plg_tui.app.screens.confirm import ConfirmScreen
        from plg_tui.app.screens.journal import JournalScreen

        member = self.controller.model.current_speaker
        if member is None:
            return
        name = self.controller.model.name_of(member)

        def answered(show: bool | None) -> None:
            if show:
                self.app.push_screen(JournalScreen(member, name))

        self.app.push_screen(
            ConfirmScreen(
                f"Show {name}'s journal on the shared screen?",
                "Only if they say yes, aloud. Everyone in the call will see it.",
            ),
            answered,
        )

    def action_recall(self) -> None:
        from plg_tui.app.screens.recall_consent import ask_recall_consent

        ask_recall_consent(self, self.changed)

    def action_lobby(self) -> None:
        from plg_tui.app.screens.attendance import AttendanceScreen

        self.app.push_screen(AttendanceScreen(), lambda _: self.refresh_phase())
