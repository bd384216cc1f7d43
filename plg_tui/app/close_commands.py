"""The session app's commands at a session's close: partners, session 2's date, the module
rating and next-topic votes, and recording what the close decided.

A mixin of `SessionController` (it provides the vault, the model and saving); no Textual here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

from plg_tui.app.group_words import GroupWords
from plg_tui.core.group_lifecycle import apply_reschedule, plan_reschedule
from plg_tui.core.session import SessionModel
from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import GroupInfo
from plg_tui.vocabulary import SessionKind


class CloseCommands:
    vault: GroupVault
    model: SessionModel
    kind: str
    rng: random.Random
    wall: Callable[[], float]
    words: GroupWords

    def info(self) -> GroupInfo:
        return self.vault.info()

    def save(self) -> None:
        raise NotImplementedError

    def _saved(self, change: Callable[[], object]) -> None:
        change()
        self.save()

    def suggest_pairs(self) -> list[list[str]]:
        """Partners for the whole group (a member absent today practises too), few repeats."""
        from plg_tui.core.pairing import suggest_pairs

        history = [record.groups for record in self.vault.pairings()]
        flat = [group for groups in history for group in groups]
        roster = [person.key for person in self.model.people]
        return [list(g) for g in suggest_pairs(roster, flat, self.rng)]

    def draft_pairs(self) -> None:
        """Suggest partners when none are drafted yet (a resumed close keeps its own)."""
        if not self.model.pairs:
            self.resuggest_pairs()

    def resuggest_pairs(self) -> None:
        self.set_pairs(self.suggest_pairs())

    def set_pairs(self, groups: list[list[str]]) -> list[str]:
        """The problems with `groups`; saved as the partners only when there are none."""
        problems = self.model.set_pairs(groups)
        if not problems:
            self.save()
        return problems

    def set_pairs_from_text(self, text: str) -> list[str]:
        """Pairs typed by name ("Amara + Bruno, Chiara + Dev + Elena"); the problems, if any."""
        groups, problems = self.model.parse_pairs(text)
        return problems or self.set_pairs(groups)

    def set_session2_date(self, value: str, *, allow_gap: bool = False) -> None:
        """Raises GroupError naming what is wrong with the date (Session2GapError when only the
        21-35 day rule is broken: `allow_gap` once the facilitator confirmed); saved when set."""
        self._saved(lambda: self.model.set_session2_date(value, self.timezone, allow_gap=allow_gap))

    @property
    def timezone(self) -> str:
        return self.info().timezone

    def _move_session2(self, local: str) -> None:
        """As `plg group reschedule` does: the date, and an updated invitation for everyone.
        The facilitator already confirmed a gap outside 21-35 days, and the date is ahead."""
        now = datetime.fromtimestamp(self.wall(), UTC)
        change = plan_reschedule(
            self.info(), {SessionKind.TWO: local}, None, now, allow_gap=True, allow_past=True
        )
        apply_reschedule(self.vault, change)

    def add_rating(self, value: int) -> None:
        self._saved(lambda: self.model.add_rating(value))

    def correct_rating(self, old: int, new: int) -> None:
        self._saved(lambda: self.model.correct_rating(old, new))

    def add_vote(self, module_id: str) -> None:
        self._saved(lambda: self.model.add_vote(module_id))

    def remove_vote(self, module_id: str) -> None:
        self._saved(lambda: self.model.remove_vote(module_id))

    def undo_last_tally(self) -> str:
        """Take back the latest rating or vote; "rating" or "vote", for the toast."""
        what = self.model.undo_last_tally()
        self.save()
        return what

    def admit(self, member: str) -> None:
        """A latecomer agreed aloud: present, and at the end of the running round's queue."""
        self._saved(lambda: self.model.admit(member))

    def close(self) -> None:
        """Record what the close decided and mark the session held."""
        model = self.model
        problems = model.close_problems()
        if problems:
            raise ValueError("; ".join(problems))
        if self.kind == "1":
            if model.pairs:
                self.vault.record_pairing(model.pairs, "session")
            if model.session2_date and model.session2_date != self.info().session2:
                self._move_session2(model.session2_date)
            self.vault.update_info(session1_held=True)
        elif self.kind == SessionKind.TWO:
            self.vault.update_info(
                session2_held=True,
                module_rating={"count": model.rating_count, "sum": model.rating_sum},
                next_topic_votes=dict(model.votes),
            )
        else:
            self.vault.update_info(trust_held=True)
        self.words.carry_unmarked()
        model.finish()
        self.save()
