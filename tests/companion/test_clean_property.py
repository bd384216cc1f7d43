"""Held-out thinking: whatever the member writes, a line of theirs without a quote mark is
never dropped, above a quote, below it or between quoted lines."""

# Cyrillic and CJK text on purpose: members write in those languages.
# ruff: noqa: RUF001

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from companion.mailtext.clean import clean_reply

ATTRIBUTIONS = [
    "On Tue, 3 Nov 2026 at 09:00, Peer Learning <journal+abc@example.org> wrote:",
    "Am Di., 3. Nov. 2026 um 09:00 Uhr schrieb Peer Learning <journal+abc@example.org>:",
    "Le mar. 3 nov. 2026 à 09:00, Peer Learning <journal+abc@example.org> a écrit :",
    "Peer Learning <journal+abc@example.org> 于2026年11月3日周二 09:00写道：",
    "вт, 3 нояб. 2026 г. в 09:00, Peer Learning <journal+abc@example.org>:",
    "2026년 11월 3일 (화) 오전 9:00, Peer Learning <journal+abc@example.org>님이 작성:",
]
# Lines members write that look a little like what clients add: they stay.
LOOKALIKES = [
    "On Monday I wrote to my team:",
    "Am Montag schrieb ich meinem Team:",
    "Le lundi j'ai écrit à mon équipe :",
    "From: my side, it went well.",
    "To: be honest, I was nervous.",
    "Subject for next week: listening.",
    "Sent from my desk in a hurry, sorry.",
    "Sent from my phone, sorry for typos.",
    "The original message from my director was unclear.",
    "Confidentiality matters a lot in my team.",
    "This email is my entry for the week.",
    "-- that was the hard part",
    "Thanks,",
    "Best regards to everyone who tried it",
    "Op maandag schreef ik:",
    "W poniedziałek napisałem do zespołu:",
    "В понедельник я написал команде:",
    "我周一写道：",
    "At 09:00 this is what I wrote:",
    "We met on 03.11.2026, 18.30 in the small room:",
    "Envoyé le : lundi matin, sans réponse encore.",
    "Caution: the outside team took over the stand-up.",
    "Disclaimer: I am not sure this counts as delegation, but I gave Sam the whole call.",
    "My number is: +44 20 7946 0958",
    "Wiadomość napisana przez Kasię o 9:00 była świetna:",
    "O 9:00 wiadomość napisana przez Kasię:",
    "No: not this week, sorry.",
    "* Ask Sam <sam@example.org> about the 09:00 slot:",
    "Sent via the team channel, then by phone.",
    "Diese Nachricht wurde von meinem Team sehr gut aufgenommen.",
    "Sam is registered in England as a nurse, and the registered office moved.",
]
_WORD = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEÉÖÜßçñøåłżшжыこん日本한국")),
    min_size=1,
    max_size=10,
)
_RANDOM_LINE = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(_WORD, min_size=1, max_size=12),
    st.sampled_from(["", ".", "!", "?", ",", ":", ";"]),
)
_LINE = st.one_of(_RANDOM_LINE, st.sampled_from(LOOKALIKES))
_PARAGRAPHS = st.lists(st.lists(_LINE, min_size=1, max_size=4), min_size=1, max_size=4)
QUOTE = ["> Week 2 of 4 - Delegating", "> What did you hand over this week?"]


def _nonblank(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _member_lines(paragraphs: list[list[str]]) -> list[str]:
    return [line for paragraph in paragraphs for line in paragraph]


@settings(max_examples=300, deadline=None)
@given(paragraphs=_PARAGRAPHS, attribution=st.sampled_from(ATTRIBUTIONS))
def test_top_posted_member_lines_all_stay(paragraphs: list[list[str]], attribution: str) -> None:
    member = "\n\n".join("\n".join(p) for p in paragraphs)
    reply = member + "\n\n" + attribution + "\n" + "\n".join(QUOTE) + "\n"
    assert _nonblank(clean_reply(reply)[0]) == _member_lines(paragraphs)


@settings(max_examples=300, deadline=None)
@given(paragraphs=_PARAGRAPHS, attribution=st.sampled_from(ATTRIBUTIONS))
def test_member_lines_between_quoted_lines_all_stay(
    paragraphs: list[list[str]], attribution: str
) -> None:
    parts = [attribution]
    for paragraph in paragraphs:
        parts += [*QUOTE, "", *paragraph, ""]
    assert _nonblank(clean_reply("\n".join(parts))[0]) == _member_lines(paragraphs)


@settings(max_examples=300, deadline=None)
@given(paragraphs=_PARAGRAPHS)
def test_a_reply_without_any_quote_is_kept_whole(paragraphs: list[list[str]]) -> None:
    member = "\n\n".join("\n".join(p) for p in paragraphs)
    assert _nonblank(clean_reply(member)[0]) == _member_lines(paragraphs)
