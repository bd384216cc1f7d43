"""Tests for companion.mailtext.clean.is_stop_request: a reply that only asks to stop the emails,
and journal entries that merely mention stopping."""

from __future__ import annotations

import pytest

from companion.mailtext.clean import is_stop_request


@pytest.mark.parametrize(
    "reply",
    [
        "STOP",
        "stop",
        "Stop.",
        "STOP!!!",
        "  unsubscribe  ",
        "UNSUBSCRIBE",
        "Unsubscribe me",
        "unsubscribe me please",
        "stop please",
        "Please stop",
        "Please unsubscribe me.",
        "Stop these emails",
        "STOP\n\nSent from my iPhone",
        "Stop\n\nOn Tue, 3 Nov 2026 at 09:00, Peer Learning <journal+a@example.org> wrote:\n> hi\n",
        "\u201cSTOP\u201d",
    ],
)
def test_stop_requests_are_recognised(reply: str) -> None:
    assert is_stop_request(reply) is True


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "I had to stop the meeting halfway because the fire alarm went off.",
        "Stop doing status rounds: that was my experiment this week.",
        "stop interrupting people",
        "Don't stop",
        "unsubscribe from the old habit of answering for people",
        "I will not stop the practice, it works.",
        "STOP STOP",  # repeated words are ambiguous: keep the entry rather than unsubscribe
        "> STOP\n",
    ],
)
def test_journal_entries_mentioning_stop_are_not_stop_requests(reply: str) -> None:
    assert is_stop_request(reply) is False
