"""Messages the session app's screens and widgets exchange (small dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class PassphraseEntered(Message):
    """The facilitator typed the group passphrase; the app unlocks it in a worker."""

    passphrase: str
