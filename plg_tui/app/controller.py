"""The session app's link between the screens and the vault.

Screens change the `SessionModel` through this controller, which saves the state at once and
seals whatever a member said. No Textual here: the controller is what the Pilot tests and the
screens share, and it can be driven without a terminal.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from plg_tui.core.groups import default_kind
from plg_tui.core.modules import Phase
from plg_tui.core.session import Person, SessionModel
from plg_tui.vault.entries import read_journal
from plg_tui.vault.group import GroupVault
from plg_tui.vault.group_keys import GroupKeys
from plg_tui.vault.records import GroupInfo, JournalEntry
from plg_tui.vocabulary import CaptureKind, SessionKind, Stage

Clock = Callable[[], float]

# What each capture kind is called where the app offers it, in the order it offers them.
CAPTURE_LABELS: dict[CaptureKind, str] = {
    CaptureKind.CHALLENGE: "Challenge",
    CaptureKind.COMMITMENT: "Commitment (what I will practise)",
    CaptureKind.REFLECTION: "Reflection",
    CaptureKind.GROUND_RULES: "Ground rule",
    CaptureKind.NOTES: "Facilitator's notes",
    CaptureKind.PARKING: "Parking lot (off-topic, for later)",
}
# How a sealed item is named in a confirmation ("Sealed the commitment for Ada").
CAPTURE_NOUNS: dict[CaptureKind, str] = {
    CaptureKind.CHALLENGE: "challenge",
    CaptureKind.COMMITMENT: "commitment",
    CaptureKind.REFLECTION: "reflection",
    CaptureKind.GROUND_RULES: "ground rule",
    CaptureKind.NOTES: "note",
    CaptureKind.PARKING: "parking-lot item",
}
# A running session is checkpointed this often, so a crash loses at most this much time.
CHECKPOINT_SECONDS = 5.0


class SessionController:
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
        self._captured: dict[str, set[str | None]] = {}
        self._item_count = 0
        for item in vault.items(session=kind):
            self._captured.setdefault(item.kind, set()).add(item.member)
            self._item_count += 1

    # ---- opening ------------------------------------------------------------------------

    @staticmethod
    def in_progress(vault: GroupVault) -> list[str]:
        found: list[str] = []
        for kind in SessionKind:
            state = vault.session_state(kind)
            if state and state.get("stage") not in (None, Stage.DONE):
                found.append(kind)
        return found

    @staticmethod
    def resolve_kind(vault: GroupVault, kind: str | None) -> str:
        if kind:
            return kind
        chosen = default_kind(vault.info(), SessionController.in_progress(vault))
        if chosen is None:
            raise ValueError("both sessions of this group were held; name one with --kind")
        return chosen

    @classmethod
    def open(
        cls,
        home: Path,
        keys: GroupKeys,
        kind: str | None,
        *,
        resume: bool,
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
        rng: random.Random | None = None,
    ) -> SessionController:
        """Open the unlocked group; resume its saved state for this kind when asked to."""
        vault = GroupVault(home, keys)
        kind = cls.resolve_kind(vault, kind)
        info = vault.info()
        phases, title, prompts = cls._phases(home, info, kind)
        people = [Person(m.email, m.name) for m in vault.members()]
        state = vault.session_state(kind) if resume else None
        if state is not None:
            model = SessionModel.from_state(kind, phases, people, state, clock, wall)
        else:
            model = SessionModel(kind, phases, people, clock, wall)
        controller = cls(
            home, vault, kind, model, title, clock, wall, rng, resumed=state is not None
        )
        controller.prompts = prompts
        if state is None:
            controller.model.facilitator = controller.suggest_facilitator()
        return controller

    @staticmethod
    def _phases(
        home: Path, info: GroupInfo, kind: str
    ) -> tuple[tuple[Phase, ...], str, dict[str, str]]:
        """The agenda, its title, and the prompts shown with capture phases (by capture kind)."""
        from plg_tui.core.modules import load_module, load_trust_session

        if kind == "trust":
            trust = load_trust_session(home)
            return trust.phases, trust.title, {}
        module = load_module(info.module, home)
        prompts = {
            "challenge": module.challenge_prompt,
            "reflection": "\n".join(f"• {q}" for q in module.reflection_questions),
        }
        return module.agenda(kind), module.title, prompts

    # ---- reading ------------------------------------------------------------------------

    @property
    def label(self) -> str:
        return SessionKind(self.kind).label

    def info(self) -> GroupInfo:
        return self.vault.info()

    def has_saved_progress(self) -> bool:
        state = self.vault.session_state(self.kind)
        return bool(state) and state.get("stage") not in (None, Stage.DONE, Stage.LOBBY)

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

        journal = read_journal(self.home, self.vault.keys, member)
        return journal.entries, [damaged.path.name for damaged in journal.damaged]

    def vote_options(self) -> list[tuple[str, str]]:
        from plg_tui.core.modules import list_modules

        current = self.info().module
        return [(m.id, m.title) for m in list_modules(self.home) if m.id != current]

    # ---- changing -----------------------------------------------------------------------

    def save(self) -> None:
        self.vault.save_session_state(self.kind, self.model.to_state())
        self._last_save = self.clock()

    def checkpoint_due(self) -> bool:
        return self.clock() - self._last_save >= CHECKPOINT_SECONDS

    def begin(self) -> None:
        self.model.begin()
        if not self.model.facilitation_recorded and self.model.facilitator:
            self.vault.record_facilitation(self.model.facilitator, self.kind)
            self.model.facilitation_recorded = True
        self.save()

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

    def suggest_pairs(self) -> list[list[str]]:
        from plg_tui.core.pairing import suggest_pairs

        history = [record.groups for record in self.vault.pairings()]
        flat = [group for groups in history for group in groups]
        return [list(g) for g in suggest_pairs(self.roster_keys(), flat, self.rng)]

    def roster_keys(self) -> list[str]:
        """Partners are for the whole group: a member absent today practises too."""
        return [person.key for person in self.model.people]

    def set_pairs(self, groups: list[list[str]]) -> list[str]:
        from plg_tui.core.pairing import validate_pairs

        problems = validate_pairs(groups, self.roster_keys())
        if not problems:
            self.model.pairs = [list(g) for g in groups]
            self.save()
        return problems

    def parse_pairs(self, text: str) -> tuple[list[list[str]], list[str]]:
        """Pairs typed by first or full name: "Amara + Bruno, Chiara + Dev + Elena"."""
        by_name: dict[str, str] = {}
        for key in self.roster_keys():
            person = self.model.person(key)
            by_name[person.name.lower()] = key
            by_name.setdefault(person.first_name.lower(), key)
            by_name[key.lower()] = key
        groups: list[list[str]] = []
        problems: list[str] = []
        for chunk in text.split(","):
            if not chunk.strip():
                continue
            group = []
            for raw in chunk.replace("&", "+").split("+"):
                name = raw.strip().lower()
                if not name:
                    continue
                if name not in by_name:
                    problems.append(f"{raw.strip()!r} is not a member of this group")
                    continue
                group.append(by_name[name])
            groups.append(group)
        return groups, problems

    def close(self, session2_date: str | None = None) -> None:
        """Record what the close decides and mark the session held."""
        model = self.model
        if self.kind == SessionKind.ONE:
            if model.pairs:
                self.vault.record_pairing(model.pairs, "session")
            if session2_date and session2_date != self.info().session2:
                self.vault.update_info(session2=session2_date)
            model.session2_date = session2_date
            self.vault.update_info(session1_held=True)
        elif self.kind == SessionKind.TWO:
            self.vault.update_info(
                session2_held=True,
                module_rating={"count": model.rating_count, "sum": model.rating_sum},
                next_topic_votes=dict(model.votes),
            )
        else:
            self.vault.update_info(trust_held=True)
        model.finish()
        self.save()
