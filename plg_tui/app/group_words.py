"""What the group said in earlier sessions, given back where it matters.

The lobby reads out the ground rules and the parking-lot items carried into this session; the
close reviews the parking lot; session 2 shows a member their own session-1 challenge and
commitment once they agreed. Every text is opened with the group key here and only here, and
reaches a widget through `display`; an item that does not open as written says so instead.
No Textual here: the controller owns one of these.
"""

from __future__ import annotations

from plg_tui.core.parking_lot import carried_items, review_items, unmarked_here
from plg_tui.core.recall import RECALLED_KINDS, SessionOneWords
from plg_tui.vault.group import GroupVault
from plg_tui.vault.records import SealedItem
from plg_tui.vocabulary import CaptureKind, ParkingMark, SessionKind

# An item longer than this is cut on the shared screen (plg notes prints it whole).
SHOWN_CHARS = 2000


def clipped(text: str) -> str:
    if len(text) <= SHOWN_CHARS:
        return text
    rest = len(text) - SHOWN_CHARS
    return f"{text[:SHOWN_CHARS]}… ({rest} more characters: plg notes prints it whole)"


class GroupWords:
    def __init__(self, vault: GroupVault, kind: str) -> None:
        self.vault = vault
        self.kind = str(kind)
        self._session1: dict[str, SessionOneWords] = {}
        self._session1_members: set[str | None] | None = None

    def _open(self, item: SealedItem) -> str:
        return clipped(self.vault.open_item(item).shown)

    def _shown(self, items: list[SealedItem]) -> list[str]:
        return [self._open(item) for item in items]

    # ---- the lobby ----------------------------------------------------------------------

    def ground_rules(self) -> list[str]:
        """The group's ground rules (from any session, normally the trust session), in the
        order they were written."""
        return self._shown(self.vault.items(kind=CaptureKind.GROUND_RULES))

    def carried_parking(self) -> list[str]:
        """Parking-lot items an earlier close sent on to the next session."""
        items = self.vault.items(kind=CaptureKind.PARKING)
        return self._shown(carried_items(items, self.vault.parking_decisions(), self.kind))

    # ---- the close's parking-lot review --------------------------------------------------

    def parking_review(self) -> list[tuple[str, str, ParkingMark | None]]:
        """(item id, text, the mark this close gave it or None) of each item to review."""
        items = self.vault.items(kind=CaptureKind.PARKING)
        decisions = self.vault.parking_decisions()
        review = []
        for item in review_items(items, decisions, self.kind):
            decision = decisions.get(item.id)
            mark = decision.mark if decision is not None and decision.session == self.kind else None
            review.append((item.id, self._open(item), mark))
        return review

    def mark_parking(self, item_id: str, mark: ParkingMark) -> None:
        reviewed = {item_id for item_id, _text, _mark in self.parking_review()}
        if item_id not in reviewed:
            raise ValueError("that item is not in this session's parking lot")
        self.vault.mark_parking(item_id, mark, self.kind)

    def carry_unmarked(self) -> None:
        """At the close: what nobody marked goes on to the next session."""
        items = self.vault.items(kind=CaptureKind.PARKING)
        for item in unmarked_here(items, self.vault.parking_decisions(), self.kind):
            self.vault.mark_parking(item.id, ParkingMark.NEXT, self.kind)

    # ---- session 2: a member's own session-1 words ----------------------------------------

    def _session1_items(self, member: str) -> list[SealedItem]:
        return [
            item
            for item in self.vault.items(session=SessionKind.ONE)
            if item.member == member and item.kind in RECALLED_KINDS
        ]

    def has_session1_words(self, member: str) -> bool:
        """Whether anything was recorded for `member` in session 1 (metadata only; asked on
        every tick, so read once: session 1's items do not change during session 2)."""
        if self._session1_members is None:
            self._session1_members = {
                item.member
                for item in self.vault.items(session=SessionKind.ONE)
                if item.kind in RECALLED_KINDS
            }
        return member in self._session1_members

    def session1_words(self, member: str) -> SessionOneWords:
        """Open a member's session-1 challenge and commitment; only after they agreed."""
        if member not in self._session1:
            items = self._session1_items(member)
            by_kind = {
                kind: tuple(self._shown([i for i in items if i.kind == kind]))
                for kind in RECALLED_KINDS
            }
            self._session1[member] = SessionOneWords(
                challenges=by_kind[CaptureKind.CHALLENGE],
                commitments=by_kind[CaptureKind.COMMITMENT],
            )
        return self._session1[member]
