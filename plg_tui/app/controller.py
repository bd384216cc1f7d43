"""The session app's link between the screens and the vault.

Screens dispatch the facilitator's keys to this controller's commands; each applies a rule of
the `SessionModel` and saves the state at once, and captures are sealed the moment they are
made. No Textual here: the Pilot tests and the screens share it, and it runs without a
terminal. A command refused by a rule raises ValueError in words a screen can show.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from plg_tui.app.capture_labels import CAPTURE_LABELS
from plg_tui.app.close_commands import CloseCommands
from plg_tui.app.group_words import GroupWords
from plg_tui.core.module_model import Technique
from plg_tui.core.session import SessionModel
from plg_tui.core.session_state import session_state
from plg_tui.vault.entries import read_journal
from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import GroupInfo, JournalEntry
from plg_tui.vocabulary import SessionKind, Stage

if TYPE_CHECKING:
    from plg_tui.core.session_recap import SessionRecap

Clock = Callable[[], float]

# A running session is checkpointed this often, so a crash loses at most this much time.
CHECKPOINT_SECONDS = 5.0


class SessionController(CloseCommands):
    def __init__(
        self,
        home: Path,
        vault: GroupVault,
        kind: str,
        model: SessionModel,
        title: str,
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
        rng: random.Random | None = None,
        resumed: bool = False,
    ) -> None:
        self.home = home
        self.vault = vault
        self.kind = kind
        self.model = model
        self.title = title
        self.clock = clock
        self.wall = wall
        self.rng = rng or random.Random()
        self.resumed = resumed
        self._last_save = clock()
        # Shown with a phase that captures this kind (the module's questions, never answers).
        self.prompts: dict[str, str] = {}
        self.techniques: tuple[Technique, ...] = ()  # the module's, shown in "The techniques"
        self.words = GroupWords(vault, kind)
        self._captured: dict[str, set[str | None]] = {}
        self._item_count = 0
        for item in vault.items(session=kind):
            self._captured.setdefault(item.kind, set()).add(item.member)
            self._item_count += 1

    # ---- reading ------------------------------------------------------------------------

    @property
    def label(self) -> str:
        return SessionKind(self.kind).label

    def info(self) -> GroupInfo:
        return self.vault.info()

    def has_saved_progress(self) -> bool:
        state = self.vault.session_state(self.kind)
        if not state:
            return False
        return state.get("stage") not in (None, Stage.DONE, Stage.LOBBY)

    def suggest_facilitator(self) -> str | None:
        from plg_tui.core.rotation import suggest_facilitator

        return suggest_facilitator(self.model.present_keys(), self.vault.facilitations())

    def captured_members(self, kind: str) -> set[str | None]:
        return set(self._captured.get(kind, set()))

    @property
    def item_count(self) -> int:
        return self._item_count

    def session_items(self) -> list[tuple[str, str | None, str]]:
        """(kind, member key, text) of this session's sealed items, opened with the group key.

        The text carries a warning when the item is not what its metadata says (moved,
        altered, or not written in a session): forged words are never shown as a member's.
        """
        return [
            (item.kind, item.member, self.vault.open_item(item).shown)
            for item in self.vault.items(session=self.kind)
        ]

    def journal_entries(self, member: str) -> tuple[list[JournalEntry], list[str]]:
        """A member's practice-journal entries, and the file names of entries that could not
        be opened (one damaged file hides nothing else); call only after the member agreed."""

        journal = read_journal(self.home, self.vault.keys, member, self.vault.cycle)
        return journal.entries, [damaged.path.name for damaged in journal.damaged]

    def recap(self) -> SessionRecap:
        """The done screen's summary: counts and times, never anyone's words."""
        from plg_tui.core.session_recap import recap_of

        return recap_of(self.model, self.vault)

    def vote_options(self) -> list[tuple[str, str]]:
        from plg_tui.core.modules import list_modules

        current = self.info().module
        return [(m.id, m.title) for m in list_modules(self.home) if m.id != current]

    def capture_member(self) -> str | None:
        """Whose item a capture in this phase is for by default (None: the whole group)."""
        return self.model.capture_member(self.captured_members(self.model.capture_kind))

    # ---- saving -------------------------------------------------------------------------

    def save(self) -> None:
        self.vault.save_session_state(self.kind, session_state(self.model))
        self._last_save = self.clock()

    def pause_and_save(self) -> None:
        """A clean quit: a running speaker timer stops where it is, so a resume loses nothing."""
        timer = self.model.round
        if timer is not None:
            timer.pause()
        self.save()

    def checkpoint_due(self) -> bool:
        return self.clock() - self._last_save >= CHECKPOINT_SECONDS

    def tick(self) -> bool:
        """The app's clock ticked: True when the speaker's time just ran out (ring the bell).
        The state is saved then, and every few seconds while the agenda runs."""
        timer = self.model.round
        if timer is not None and timer.running and timer.take_bell():
            self.save()
            return True
        if self.model.stage == "agenda" and self.checkpoint_due():
            self.save()
        return False

    def _saved(self, change: Callable[[], object]) -> None:
        change()
        self.save()

    # ---- the lobby ----------------------------------------------------------------------

    def toggle_present(self, member: str) -> None:
        self._saved(lambda: self.model.toggle_present(member))

    def toggle_agreement(self, member: str) -> None:
        self._saved(lambda: self.model.toggle_agreement(member))

    def set_facilitator(self, member: str) -> None:
        self._saved(lambda: self.model.set_facilitator(member))

    def begin(self) -> None:
        self.model.begin()
        if not self.model.facilitation_recorded and self.model.facilitator:
            self.vault.record_facilitation(self.model.facilitator, self.kind)
            self.model.facilitation_recorded = True
        self.save()

    # ---- the agenda ---------------------------------------------------------------------

    def toggle_attendance(self, member: str) -> None:
        self._saved(lambda: self.model.toggle_attendance(member))

    def toggle_timer(self) -> None:
        self._saved(self.model.toggle_timer)

    def next_speaker(self) -> None:
        self._saved(self.model.next_speaker)

    def previous_speaker(self) -> None:
        self._saved(self.model.previous_speaker)

    def skip_speaker(self) -> None:
        self._saved(self.model.skip_speaker)

    def pick_next_speaker(self, member: str) -> None:
        self._saved(lambda: self.model.pick_next_speaker(member))

    def add_speaker_minute(self) -> None:
        self._saved(self.model.add_speaker_minute)

    def remove_speaker_minute(self) -> None:
        self._saved(self.model.remove_speaker_minute)

    def shuffle_waiting(self) -> None:
        self._saved(lambda: self.model.shuffle_waiting(self.rng))

    def next_phase(self) -> None:
        self._saved(self.model.next_phase)

    def previous_phase(self) -> None:
        self._saved(self.model.previous_phase)

    def back_to_agenda(self) -> None:
        self._saved(self.model.back_to_agenda)

    def agree_recall(self, member: str) -> None:
        """`member` agreed aloud to show their session-1 words (for the rest of this session)."""
        self._saved(lambda: self.model.recall_consent.add(member))

    def capture(self, kind: str, member: str | None, text: str) -> str:
        """Seal one item into the vault now; returns its id."""
        if kind not in CAPTURE_LABELS:
            raise ValueError(f"unknown capture kind {kind!r}")
        if not text.strip():
            raise ValueError("nothing to capture")
        item_id = self.vault.add_item(kind, text.strip(), member=member, session=self.kind)
        self._captured.setdefault(kind, set()).add(member)
        self._item_count += 1
        return item_id
