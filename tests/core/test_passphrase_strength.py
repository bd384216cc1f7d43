"""A new group passphrase must survive offline guessing: ~50 bits, none of the commonest."""

from __future__ import annotations

import pytest

from plg_tui.core.passphrase import PassphraseError, check_new
from plg_tui.core.passphrase_strength import MIN_BITS, estimate, weakness

STRONG = [
    "violet tundra pencil harbour",  # four random words
    "zebra-quilt-mango-lantern",
    "Violet Tundra Pencil Harbour",
    "ŝtono ĉevalo baterio ŝtopilo",
    "kq8Zt3pW9xLm",  # twelve random characters
    "Xk9#mQ2$vL",
    "Entendu. Le chat dort 42 fois sur le toit",
]
WEAK = [
    "correct horse battery",  # three words: ~39 bits
    "typed long passphrase",
    "another long one!",
    "Tr0ub4dor&3",
    "password password password",
    "horse horse horse horse horse",
    "aaaaaaaaaaaaaaaa",
    "abcdefghijklmnop",
    "1234567890123",
    "qwertyuiop12",
    "a b c d e f g h i j k",
    "123456789012",
]
COMMON = [
    "Password123!",
    "iloveyou2024",
    "P@ssw0rd!!",
    "letmein12345",
    "qwertyuiop",
    "Tr0ub4dor&3",
]


@pytest.mark.parametrize("passphrase", STRONG)
def test_four_random_words_or_twelve_random_characters_pass(passphrase):
    assert estimate(passphrase).bits >= MIN_BITS, estimate(passphrase)
    assert weakness(passphrase) is None
    assert check_new(passphrase) == passphrase


@pytest.mark.parametrize("passphrase", WEAK)
def test_guessable_passphrases_are_refused_with_why_and_how(passphrase):
    assert not estimate(passphrase).enough
    with pytest.raises(PassphraseError) as err:
        check_new(passphrase)
    message = str(err.value)
    assert ("too easy to guess" in message and "bits" in message) or "commonest" in message
    assert "offline" in message
    assert "four or more random words" in message
    assert passphrase not in message


@pytest.mark.parametrize("passphrase", COMMON)
def test_the_commonest_passwords_are_refused_whatever_their_length(passphrase):
    assert estimate(passphrase).common
    with pytest.raises(PassphraseError, match="one of the commonest passwords"):
        check_new(passphrase)


def test_length_is_still_checked_first():
    with pytest.raises(PassphraseError, match="use at least 10"):
        check_new("Xk9#mQ2")


def test_a_long_line_is_estimated_quickly():
    import time

    start = time.perf_counter()
    estimate("ab1!" * 250_000)
    assert time.perf_counter() - start < 5
